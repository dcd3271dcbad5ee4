'use strict';
// Scenario 4: under a rate limit (Max Requests per Second = N against the emulator's N per second).
const { SIZES, CONCURRENCY, log, fmt, sleep } = require('../common.js');
const { requests, variantNode } = require('../world.js');
const { startWorker, harnessNode } = require('../runners.js');

async function rateLimit(world, n8nDir, real, results) {
	const N = SIZES.rateN;
	const items = SIZES.rateItems;
	const req = requests(world).find((r) => r.key === 'genRoom');
	const target = req.build();
	const cases = [
		{
			name: `this node, Concurrency ${CONCURRENCY}, Max Requests per Second = N`,
			node: variantNode('b', req, target, {
				concurrency: CONCURRENCY,
				maxRequestsPerSecond: N,
				continueOnFail: true,
			}),
		},
		{
			name: `this node, Concurrency ${CONCURRENCY}, no cap`,
			node: variantNode('b', req, target, { concurrency: CONCURRENCY, continueOnFail: true }),
		},
		// Not asked for: the same cap with a 2 % margin, to show what a margin in the cap would do.
		{
			name: `this node, Concurrency ${CONCURRENCY}, Max Requests per Second = 0.98 N (${Math.floor(0.98 * N)})`,
			node: variantNode('b', req, target, {
				concurrency: CONCURRENCY,
				maxRequestsPerSecond: Math.floor(0.98 * N),
				continueOnFail: true,
			}),
		},
		{
			name: 'HTTP Request node + same credential',
			node: variantNode('c', req, target, { continueOnFail: true }),
		},
	];
	const out = [];
	const worker = await startWorker(world, n8nDir);
	try {
		world.setLatency(5);
		for (const c of cases) {
			world.gen.setRateLimit({ max: N, windowMs: 1000 });
			world.clear();
			const r = await harnessNode(worker, c.node, items);
			const answers = world.gen.apiRequests().length;
			world.gen.setRateLimit(undefined);
			const throughput = items / (r.executionTime / 1000);
			const ok = r.outputItems - r.failedItems;
			out.push({
				engine: 'harness',
				name: c.name,
				seconds: r.executionTime / 1000,
				throughput,
				shareOfN: ok / (r.executionTime / 1000) / N,
				failedItems: r.failedItems,
				requests: answers,
				error: r.error,
			});
			log(
				`rate ${c.name}: ${fmt(throughput, 0)} items/s (${fmt((100 * ok) / (r.executionTime / 1000) / N, 0)} % of N), failed ${r.failedItems}, requests ${answers}`,
			);
			await sleep(1200);
		}
	} finally {
		world.setLatency(0);
		await worker.close();
	}
	if (real) {
		world.setLatency(5);
		try {
			for (const c of cases) {
				world.gen.setRateLimit({ max: N, windowMs: 1000 });
				world.clear();
				const run = await real.runBranches(items, [{ name: 'rate', node: c.node }]);
				const r = run.branches.rate;
				const answers = world.gen.apiRequests().length;
				world.gen.setRateLimit(undefined);
				const ok = r.outputItems - r.failedItems;
				out.push({
					engine: 'n8n',
					name: c.name,
					seconds: r.executionTime / 1000,
					throughput: items / (r.executionTime / 1000),
					shareOfN: ok / (r.executionTime / 1000) / N,
					failedItems: r.failedItems,
					requests: answers,
					error: r.error,
				});
				log(
					`rate (n8n) ${c.name}: ${fmt(items / (r.executionTime / 1000), 0)} items/s, failed ${r.failedItems}, requests ${answers}`,
				);
				await sleep(1200);
			}
		} finally {
			world.setLatency(0);
		}
	}
	results.rate = { N, items, rows: out };
}

module.exports = { rateLimit };
