'use strict';
// Scenario 2: CPU profiles (harness, in-process inspector; real n8n, --cpu-prof).
const fs = require('fs');
const os = require('os');
const path = require('path');

const { SIZES, args, log, fmt } = require('../common.js');
const { requests, variantNode } = require('../world.js');
const { startWorker, harnessNode } = require('../runners.js');

async function profiles(world, n8nDir, results) {
	const worker = await startWorker(world, n8nDir);
	try {
		const out = {};
		for (const req of requests(world).filter((r) => r.key === 'itsUnread' || r.key === 'genSend')) {
			for (const v of ['b', 'a2', 'c']) {
				const node = variantNode(v, req, req.build());
				await harnessNode(worker, node, 200);
				const r = await harnessNode(worker, node, SIZES.items0, { profile: true });
				out[`${req.key}|${v}`] = { perItemMs: r.executionTime / SIZES.items0, profile: r.profile };
				log(`profile ${req.key} ${v}: ${fmt(r.executionTime / SIZES.items0, 3)} ms/item`);
			}
		}
		results.profiles = out;
	} finally {
		await worker.close();
	}
}

async function profilesN8n(world, real, results) {
	const out = {};
	const { summarize } = require('../profile.js');
	const only = args.find((a) => a.startsWith('--profile-n8n='));
	const keys = only ? only.slice('--profile-n8n='.length).split(',') : ['itsUnread', 'genRoom'];
	for (const req of requests(world).filter((r) => keys.includes(r.key))) {
		for (const v of req.key === keys[0] ? ['b', 'a2', 'c'] : ['b']) {
			const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-bench-prof-'));
			const run = await real.runBranches(
				SIZES.items0,
				[{ name: v, node: variantNode(v, req, req.build()) }],
				{ env: { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${dir} --cpu-prof-interval=250` } },
			);
			// n8n's main process writes the biggest profile (task runners, if any, write small ones)
			const files = fs
				.readdirSync(dir)
				.map((f) => path.join(dir, f))
				.sort((x, y) => fs.statSync(y).size - fs.statSync(x).size);
			if (!files.length) {
				log('n8n profile: no .cpuprofile written');
				continue;
			}
			const profile = JSON.parse(fs.readFileSync(files[0], 'utf8'));
			const marker = {
				b: /^(execute|runItem|send|attempt|handle|worker)@.*n8n-nodes-itslearning-genesys\/dist\/nodes\/shared\//,
				a2: /^(execute|worker)@.*n8n-nodes-bench-probe\/nodes\/BenchProbe/,
				c: /^execute@.*HttpRequestV3\.node\.js/,
			}[v];
			const windowed = windowProfile(profile, marker);
			out[`${req.key}|${v}`] = {
				perItemMs: run.branches[v].executionTime / SIZES.items0,
				profile: summarize(windowed),
				windowMs: windowed.windowMs,
			};
			fs.rmSync(dir, { recursive: true, force: true });
			log(
				`n8n profile ${req.key} ${v}: ${fmt(run.branches[v].executionTime / SIZES.items0, 3)} ms/item`,
			);
		}
	}
	results.profilesN8n = out;
}

/**
 * The part of a whole-process profile between the first and the last sample whose stack holds a
 * frame of the node under test (n8n's start-up and shutdown left out).
 */
function windowProfile(profile, marker) {
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const parent = new Map();
	for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
	const marked = new Map();
	const hasMarker = (id) => {
		if (marked.has(id)) return marked.get(id);
		const p = parent.get(id);
		const frame = byId.get(id).callFrame;
		const value =
			marker.test(`${frame.functionName}@${frame.url || ''}`) || (p !== undefined && hasMarker(p));
		marked.set(id, value);
		return value;
	};
	let first = -1;
	let last = -1;
	profile.samples.forEach((id, i) => {
		if (hasMarker(id)) {
			if (first === -1) first = i;
			last = i;
		}
	});
	if (first === -1) return { ...profile, windowMs: 0 };
	const samples = profile.samples.slice(first, last + 1);
	const timeDeltas = profile.timeDeltas.slice(first, last + 2);
	return {
		...profile,
		samples,
		timeDeltas,
		windowMs: timeDeltas.reduce((s, d) => s + d, 0) / 1000,
	};
}

module.exports = { profiles, profilesN8n, windowProfile };
