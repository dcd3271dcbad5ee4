#!/usr/bin/env node
'use strict';
// `npm run bench` (issue #9): what one item costs in this pack's nodes compared with n8n's HTTP
// Request node and with the floors below both, plus Return All of 100,000 messages, a rate
// limit, package load, the idle trigger poll and the triggers at scale (issue #17: 1,000 chats,
// 50,000 waiting messages). Prints one table and writes BENCHMARKS.md.
//
//   npm run bench                 full run (about 15-20 min on a 2-core machine)
//   npm run bench -- --quick      smaller counts (about 5 min)
//   npm run bench -- --only=harness,n8n,returnAll,rate,load,poll,profile,triggers
//   npm run bench -- --no-write   print only, leave BENCHMARKS.md alone
//   node test/bench/bench.js --only=triggers --merge     re-measure some sections, keep the rest
//                                 of test/bench/last-run.json (`--merge=<file>` for another file)
//   node test/bench/bench.js --report   rebuild BENCHMARKS.md from test/bench/last-run.json
//                                 (`--report=<file>` for another file); nothing is measured
//   BENCH_TRIGGERS_SMOKE=1 node test/bench/bench.js --only=triggers --no-write
//                                 the triggers scenario in a tiny world (20 chats), to try it out
//
// Everything runs against the emulators (test/emulator) on 127.0.0.1, started here; n8n runs in
// other processes: the n8n-core harness (harness-worker.js, the built package through
// WorkflowExecute, machine's Node.js) and a real n8n 2.41.1 (`n8n execute`, Node 24, SQLite, pack
// installed in community layout), both installed by test/scripts/n8n-install.js when missing.
//
// Layout: common.js (flags, sizes, formatting), world.js (emulators, requests, variants),
// runners.js (raw loop, harness worker, real n8n), scenarios/*.js (one module per scenario, each
// filling its key of the results), report.js (BENCHMARKS.md from the results).
require('../scripts/ts-register');

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');

const { ensureN8n, DEFAULT_N8N_VERSION } = require('../scripts/n8n-install.js');
const { REPO, QUICK, NO_WRITE, ONLY, SIZES, flagValue, log } = require('./common.js');
const { startWorld } = require('./world.js');
const { startWorker, RealN8n } = require('./runners.js');
const { machine, buildReport } = require('./report.js');
const { perItemHarness, perItemN8n } = require('./scenarios/perItem.js');
const { profiles, profilesN8n } = require('./scenarios/profiles.js');
const { returnAll } = require('./scenarios/returnAll.js');
const { rateLimit } = require('./scenarios/rateLimit.js');
const { packageLoad } = require('./scenarios/packageLoad.js');
const { idlePoll } = require('./scenarios/idlePoll.js');
const { triggersAtScale } = require('./scenarios/triggers.js');

const LAST_RUN = path.join(__dirname, 'last-run.json');

async function main() {
	const reportFrom = flagValue('report', LAST_RUN);
	if (reportFrom) {
		const saved = JSON.parse(fs.readFileSync(path.resolve(reportFrom), 'utf8'));
		Object.assign(SIZES, saved.sizes);
		fs.writeFileSync(path.join(REPO, 'BENCHMARKS.md'), `${buildReport(saved)}\n`);
		process.stdout.write(`${saved.table.join('\n')}\n`);
		log('rebuilt BENCHMARKS.md');
		return;
	}
	const started = Date.now();
	if (!fs.existsSync(path.join(REPO, 'dist', 'nodes')))
		throw new Error('dist/ is missing: run `npm run build` first (npm run bench does)');
	log(`bench ${QUICK ? '(quick) ' : ''}sections: ${[...ONLY].join(', ')}`);
	const n8n = await ensureN8n(DEFAULT_N8N_VERSION);
	const world = await startWorld();
	let results = {
		perItem: {},
		started,
		quick: QUICK,
		sizes: SIZES,
		node24Version: execFileSync(n8n.node, ['--version']).toString().trim(),
	};
	let real;
	try {
		if (ONLY.has('load')) packageLoad(results, n8n.node);
		if (ONLY.has('poll')) await idlePoll(world, n8n.dir, results);
		if (ONLY.has('harness')) {
			const worker = await startWorker(world, n8n.dir);
			try {
				await perItemHarness(world, worker, results.perItem);
			} finally {
				await worker.close();
			}
		}
		if (ONLY.has('n8n') || ONLY.has('profile') || ONLY.has('profileN8n') || ONLY.has('rate'))
			real = await RealN8n.start(world);
		if (ONLY.has('n8n')) await perItemN8n(world, real, results.perItem);
		if (ONLY.has('profile')) {
			await profiles(world, n8n.dir, results);
			if (real) await profilesN8n(world, real, results);
		} else if (ONLY.has('profileN8n')) await profilesN8n(world, real, results);
		if (ONLY.has('returnAll')) await returnAll(world, n8n.dir, results);
		if (ONLY.has('rate')) await rateLimit(world, n8n.dir, real, results);
		if (ONLY.has('triggers')) await triggersAtScale(n8n.dir, results);
	} finally {
		await world.close();
		if (real) fs.rmSync(real.userFolder, { recursive: true, force: true });
	}
	results.finished = Date.now();
	results.machine = machine();
	const mergeFrom = flagValue('merge', LAST_RUN);
	if (mergeFrom) {
		// Only some sections were run: the rest of the report comes from an earlier full run.
		const saved = JSON.parse(fs.readFileSync(path.resolve(mergeFrom), 'utf8'));
		const fresh = results;
		results = {
			...saved,
			...Object.fromEntries(
				Object.entries(fresh).filter(
					([k, v]) =>
						v !== undefined &&
						![
							'perItem',
							'started',
							'finished',
							'quick',
							'sizes',
							'machine',
							'profilesN8n',
							'profiles',
						].includes(k),
				),
			),
		};
		results.perItem = { ...saved.perItem, ...fresh.perItem };
		if (fresh.profilesN8n) results.profilesN8n = { ...saved.profilesN8n, ...fresh.profilesN8n };
		if (fresh.profiles) results.profiles = { ...saved.profiles, ...fresh.profiles };
		results.merged = [...(saved.merged ?? []), { at: fresh.finished, sections: [...ONLY] }];
	}
	const report = buildReport(results);
	process.stdout.write(`\n${results.table.join('\n')}\n\n`);
	fs.writeFileSync(
		path.join(os.tmpdir(), `bench-results-${Date.now()}.json`),
		JSON.stringify(results, null, 1),
	);
	if (!NO_WRITE) fs.writeFileSync(LAST_RUN, `${JSON.stringify(results, null, 1)}\n`);
	if (!NO_WRITE) {
		fs.writeFileSync(path.join(REPO, 'BENCHMARKS.md'), `${report}\n`);
		log('wrote BENCHMARKS.md');
	} else {
		process.stdout.write(`${report}\n`);
	}
}

main().catch((error) => {
	process.stderr.write(`${error.stack || error}\n`);
	process.exit(1);
});
