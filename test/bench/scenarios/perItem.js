'use strict';
// Scenario 1: per-item cost of the four requests, this node against n8n's HTTP Request node and the
// floors below both (raw undici loop, bare httpRequestWithAuthentication), in the n8n-core harness
// and in real n8n.
const { SIZES, LATENCIES, CONCURRENCY, log, fmt } = require('../common.js');
const { requests, variantNode } = require('../world.js');
const { rawLoop, harnessNode } = require('../runners.js');

/** Variants at a latency, in the order they run (d first at 0 ms also warms n8n's HTTP stack). */
const variantsAt = (latency) =>
	latency === 0 ? ['d', 'c', 'b', 'b8', 'a2'] : ['d', 'c', 'b', 'b8', 'b16', 'b64', 'a2'];
const CONCURRENCY_OF = { b8: CONCURRENCY, b16: 16, b64: 64 };
const variantOptions = (v) => (CONCURRENCY_OF[v] ? { concurrency: CONCURRENCY_OF[v] } : {});
const variantKind = (v) => (CONCURRENCY_OF[v] ? 'b' : v);

/** Keeps the best (lowest) of the rounds of a variant; every round's ms/item stays in `rounds`. */
function keepBest(results, key, r, items) {
	const prev = results[key];
	const rounds = [...(prev?.rounds ?? []), r.executionTime / items];
	results[key] =
		!prev || (r.executionTime !== undefined && r.executionTime < prev.executionTime)
			? { ...r, rounds }
			: { ...prev, rounds };
}

async function perItemHarness(world, worker, results) {
	for (const latency of LATENCIES) {
		world.setLatency(latency);
		const items = latency === 0 ? SIZES.items0 : SIZES.items20;
		const rounds = latency === 0 ? SIZES.rounds0 : 1;
		for (const req of requests(world)) {
			const key = (v) => `${req.key}|${latency}|${v}|harness`;
			for (let round = 0; round < rounds; round++) {
				const before = world.connections.count;
				const a = await rawLoop(process.execPath, req, req.build(), items);
				a.connections = world.connections.count - before;
				keepBest(results, key('a'), a, items);
				if (latency > 0)
					results[key('a8')] = await rawLoop(
						process.execPath,
						req,
						req.build(),
						items,
						CONCURRENCY,
					);
				for (const v of variantsAt(latency)) {
					const node = variantNode(variantKind(v), req, req.build(), variantOptions(v));
					// warm-up (JIT, connections), then the measured run
					if (round === 0) await harnessNode(worker, node, Math.max(20, Math.round(items / 10)));
					world.clear();
					const connections = world.connections.count;
					const r = await harnessNode(worker, node, items);
					r.requests = (req.key.startsWith('its') ? world.its : world.gen).apiRequests().length;
					r.connections = world.connections.count - connections;
					keepBest(results, key(v), r, items);
					log(
						`harness ${req.key} ${latency} ms ${v} round ${round + 1}: ${fmt(r.executionTime / items, 3)} ms/item, ${r.connections} TCP connections${r.error ? ` ERROR ${r.error}` : ''}${r.failedItems ? ` failed ${r.failedItems}` : ''}`,
					);
				}
			}
		}
	}
	world.setLatency(0);
}

async function perItemN8n(world, real, results) {
	const node24 = real.n8n.node;
	for (const latency of LATENCIES) {
		world.setLatency(latency);
		const items = latency === 0 ? SIZES.items0 : SIZES.items20;
		const rounds = latency === 0 ? SIZES.rounds0 : 1;
		for (const req of requests(world)) {
			const key = (v) => `${req.key}|${latency}|${v}|n8n`;
			for (let round = 0; round < rounds; round++)
				keepBest(results, key('a'), await rawLoop(node24, req, req.build(), items), items);
			if (latency > 0)
				results[key('a8')] = await rawLoop(node24, req, req.build(), items, CONCURRENCY);
			const variants = variantsAt(latency);
			// One workflow, the variants' branches interleaved round after round.
			const branches = [];
			if (latency === 0)
				branches.push({ name: 'warm-up d', node: variantNode('d', req, req.build()) });
			for (let round = 0; round < rounds; round++) {
				for (const v of variants)
					branches.push({
						name: `${v} #${round + 1}`,
						v,
						node: variantNode(variantKind(v), req, req.build(), variantOptions(v)),
					});
			}
			const run = await real.runBranches(items, branches);
			if (run.error) log(`n8n ${req.key} ${latency} ms: workflow error ${run.error}`);
			for (const b of branches.filter((x) => x.v)) {
				const r = run.branches[b.name];
				keepBest(results, key(b.v), r, items);
				log(
					`n8n ${req.key} ${latency} ms ${b.name}: ${fmt(r.executionTime / items, 3)} ms/item${r.error ? ` ERROR ${r.error}` : ''}${r.failedItems ? ` failed ${r.failedItems}` : ''}`,
				);
			}
		}
	}
	world.setLatency(0);
}

module.exports = { perItemHarness, perItemN8n };
