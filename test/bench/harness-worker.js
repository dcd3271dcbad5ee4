'use strict';
// Benchmark worker: runs scenarios in the n8n-core harness (test/harness/n8n.ts: the BUILT package
// through WorkflowExecute), in its own process, so that the emulators (in the parent, bench.js)
// and n8n run side by side as with a real n8n. Started by bench.js with fork(); it answers
// { id, result } / { id, error } to every { id, scenario } message.
//
// Extra node types defined at run time (as the harness's runCredentialTest does):
// - `n8n-nodes-base.httpRequest`: n8n's HTTP Request node from the real n8n install
//   (.cache/n8n-<version>/node_modules/n8n-nodes-base), with its own n8n-workflow copy;
// - `n8n-nodes-bench-probe.benchProbe`: test/bench/probe (bare httpRequestWithAuthentication loop).
require('../scripts/ts-register');
require('../harness/env.ts');

const path = require('path');
const { performance } = require('perf_hooks');

const fs = require('fs');
const inspector = require('inspector');

const harness = require('../harness/n8n.ts');

// env.ts made a temporary n8n user folder for this process (jest's afterAll removes it in tests).
process.on('exit', () => {
	if (process.env.N8N_HARNESS_OWNS_USER_FOLDER === 'true' && process.env.N8N_USER_FOLDER)
		fs.rmSync(process.env.N8N_USER_FOLDER, { recursive: true, force: true });
});
const { summarize } = require('./profile.js');
const { BenchProbe } = require('./probe/nodes/BenchProbe/BenchProbe.node.js');

const HTTP_REQUEST = 'n8n-nodes-base.httpRequest';
const PROBE = 'n8n-nodes-bench-probe.benchProbe';

let state;

async function setup({ credentials, n8nBaseDir }) {
	const pkg = await harness.loadPackage();
	const { HttpRequest } = require(
		path.join(
			n8nBaseDir,
			'node_modules',
			'n8n-nodes-base',
			'dist',
			'nodes',
			'HttpRequest',
			'HttpRequest.node.js',
		),
	);
	pkg.nodeTypes.define(HTTP_REQUEST, new HttpRequest());
	pkg.nodeTypes.define(PROBE, new BenchProbe());
	const store = new harness.CredentialStore(pkg);
	const refs = {};
	for (const c of credentials) refs[c.type] = store.add(c.type, c.data, c.id, c.name);
	state = { pkg, store, refs, polls: new Map() };
	return { ok: true };
}

const inputItems = (n) =>
	Array.from({ length: n }, (_, i) => ({ json: { i, text: `Benchmark message ${i}` } }));

/** One node run: the node's executionTime from n8n's run data, output and error counts. */
async function runNodeScenario(s) {
	const { pkg, store, refs } = state;
	const credentials = {};
	for (const type of s.credentialTypes ?? []) credentials[type] = refs[type];
	const options = {
		pkg,
		store,
		nodeType: s.nodeType,
		typeVersion: s.typeVersion,
		parameters: s.parameters,
		credentials,
		continueOnFail: s.continueOnFail,
		nodeSettings: { name: 'Under Test' },
	};
	const input = inputItems(s.items);
	let session;
	if (s.profile) {
		session = new inspector.Session();
		session.connect();
		const post = (method, params) =>
			new Promise((resolve, reject) =>
				session.post(method, params, (e, r) => (e ? reject(e) : resolve(r))),
			);
		session.postAsync = post;
		await post('Profiler.enable');
		await post('Profiler.setSamplingInterval', { interval: 250 });
		await post('Profiler.start');
	}
	const t0 = performance.now();
	const run = await harness.runNode({ ...options, input });
	const wallMs = performance.now() - t0;
	let profile;
	if (session) {
		const { profile: cpu } = await session.postAsync('Profiler.stop');
		session.disconnect();
		if (s.profileFile) fs.writeFileSync(s.profileFile, JSON.stringify(cpu));
		profile = summarize(cpu);
	}
	// Peak RSS before anything below allocates (the output's JSON text would count otherwise).
	const maxRssKb = process.resourceUsage().maxRSS;
	const rssNowKb = Math.round(process.memoryUsage().rss / 1024);
	// Memory the run's result still holds (n8n's run data and output items): heap after a full GC.
	let heapAfterGcKb;
	if (s.measureOutput && global.gc) {
		global.gc();
		heapAfterGcKb = Math.round(process.memoryUsage().heapUsed / 1024);
	}
	const task = run.runData[run.nodeName]?.[0];
	const items = run.items;
	const failed = items.filter((item) => item.json && item.json.error !== undefined).length;
	return {
		executionTime: task?.executionTime,
		wallMs,
		outputItems: items.length,
		failedItems: failed + (run.error ? s.items - items.length : 0),
		error: run.error ? String(run.error.message).slice(0, 300) : undefined,
		sample: items[0]?.json !== undefined ? JSON.stringify(items[0].json).slice(0, 200) : undefined,
		outputBytes: s.measureOutput
			? Buffer.byteLength(JSON.stringify(items.map((i) => i.json)))
			: undefined,
		profile,
		maxRssKb,
		rssNowKb,
		heapAfterGcKb,
	};
}

/** One poll of a trigger; static data kept per key across polls (seed poll, then idle poll). */
async function runPollScenario(s) {
	const { store, refs } = state;
	const credentials = {};
	for (const type of s.credentialTypes ?? []) credentials[type] = refs[type];
	const staticData = state.polls.get(s.key) ?? {};
	state.polls.set(s.key, staticData);
	const t0 = performance.now();
	const { result } = await harness.runPoll({
		store,
		nodeType: s.nodeType,
		parameters: s.parameters,
		credentials,
		staticData,
		mode: 'trigger',
		activation: s.activation ?? 'init',
	});
	return { wallMs: performance.now() - t0, emitted: result ? result[0].length : null };
}

/**
 * One poll of a trigger at scale (scenarios/triggers.js): like runPollScenario, plus what the poll
 * emitted (the items' ids, for the exactly-once check in the parent), the static data's JSON size
 * and the heap after a full GC while the poll's result is still held (n8n holds it until the
 * execution it starts has run). The result is dropped when this answer has been sent.
 */
async function runTriggerPoll(s) {
	const { store, refs } = state;
	const credentials = {};
	for (const type of s.credentialTypes ?? []) credentials[type] = refs[type];
	const staticData = state.polls.get(s.key) ?? {};
	state.polls.set(s.key, staticData);
	const t0 = performance.now();
	let run;
	let error;
	try {
		run = await harness.runPoll({
			store,
			nodeType: s.nodeType,
			parameters: s.parameters,
			credentials,
			staticData,
			mode: 'trigger',
			activation: s.activation ?? 'init',
		});
	} catch (e) {
		error = String(e && e.message ? e.message : e).slice(0, 300);
	}
	const wallMs = performance.now() - t0;
	const items = run?.result ? run.result.flat() : [];
	let heapHeldKb;
	if (s.measure && global.gc) {
		global.gc();
		heapHeldKb = Math.round(process.memoryUsage().heapUsed / 1024);
	}
	return {
		wallMs,
		error,
		emitted: items.length,
		ids: s.ids ? items.map((item) => String(item.json[s.idField ?? 'messageId'])) : undefined,
		staticDataBytes: Buffer.byteLength(JSON.stringify(staticData)),
		heapHeldKb,
		maxRssKb: process.resourceUsage().maxRSS,
	};
}

async function handle(scenario) {
	switch (scenario.kind) {
		case 'setup':
			return await setup(scenario);
		case 'node':
			return await runNodeScenario(scenario);
		case 'poll':
			return await runPollScenario(scenario);
		case 'triggerPoll':
			return await runTriggerPoll(scenario);
		case 'gc':
			if (global.gc) global.gc();
			return {
				rssKb: Math.round(process.memoryUsage().rss / 1024),
				heapKb: Math.round(process.memoryUsage().heapUsed / 1024),
			};
		case 'exit':
			setImmediate(() => process.exit(0));
			return { ok: true };
		default:
			throw new Error(`unknown scenario kind ${scenario.kind}`);
	}
}

process.on('message', (message) => {
	handle(message.scenario).then(
		(result) => process.send({ id: message.id, result }),
		(error) =>
			process.send({ id: message.id, error: String(error && error.stack ? error.stack : error) }),
	);
});
