'use strict';
// (a) of the benchmark: the floor. A plain undici keep-alive loop (no n8n) sending the same request
// `count` times (`concurrency` at a time) and reading every answer body. Runs in its own process
// (with the Node.js of the column it is compared with) and prints one JSON line.
//
//   node test/bench/raw-loop.js '{"url":…,"method":"GET","headers":{…},"body":…,"count":2000,"concurrency":1}'
const path = require('path');
const { performance } = require('perf_hooks');

const { Agent, request } = require(path.join(__dirname, '..', '..', 'node_modules', 'undici'));

async function main() {
	const spec = JSON.parse(process.argv[2]);
	const agent = new Agent({
		keepAliveTimeout: 30_000,
		connections: Math.max(1, spec.concurrency || 1),
	});
	const body =
		spec.body === undefined || spec.body === null ? undefined : JSON.stringify(spec.body);
	const headers = {
		accept: 'application/json',
		...(body ? { 'content-type': 'application/json' } : {}),
		...spec.headers,
	};
	const statuses = {};
	const one = async () => {
		const res = await request(spec.url, { method: spec.method, headers, body, dispatcher: agent });
		const text = await res.body.text();
		if (text.length && (res.headers['content-type'] || '').includes('json')) JSON.parse(text);
		statuses[res.statusCode] = (statuses[res.statusCode] || 0) + 1;
	};
	const loop = async (count) => {
		let next = 0;
		const lane = async () => {
			while (next < count) {
				next++;
				await one();
			}
		};
		await Promise.all(Array.from({ length: Math.max(1, spec.concurrency || 1) }, lane));
	};
	await loop(spec.warmup ?? 0);
	for (const key of Object.keys(statuses)) delete statuses[key];
	const t0 = performance.now();
	await loop(spec.count);
	const totalMs = performance.now() - t0;
	await agent.close();
	process.stdout.write(
		`${JSON.stringify({ totalMs, perItemMs: totalMs / spec.count, statuses, node: process.version })}\n`,
	);
}

main().catch((error) => {
	process.stderr.write(`${error.stack || error}\n`);
	process.exit(1);
});
