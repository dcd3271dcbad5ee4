'use strict';
// Scenario 5: package load (cold require of the built pack and construction of every node and
// credential, in a new process).
const os = require('os');
const { execFileSync } = require('child_process');

const { REPO, log, fmt } = require('../common.js');

function packageLoad(results, node24) {
	const script = `
const { performance } = require('perf_hooks');
const path = require('path');
const w0 = performance.now();
require(require.resolve('n8n-workflow', { paths: [process.argv[1]] })); // n8n has it loaded already
const workflowMs = performance.now() - w0;
const t0 = performance.now();
const pkg = require(path.join(process.argv[1], 'package.json'));
const files = [...pkg.n8n.nodes, ...pkg.n8n.credentials].map((f) => path.join(process.argv[1], f));
const modules = files.map((f) => require(f));
const t1 = performance.now();
let props = 0;
modules.forEach((m, i) => { const C = m[path.basename(files[i]).split('.')[0]]; const o = new C(); const d = o.description ?? o; props += (d.properties ?? []).length; });
const t2 = performance.now();
console.log(JSON.stringify({ workflowMs, requireMs: t1 - t0, constructMs: t2 - t1, totalMs: t2 - t0, files: files.length, properties: props }));`;
	const rows = [];
	for (const [label, bin] of [
		[`Node ${process.version} (harness)`, process.execPath],
		...(node24
			? [[`Node ${execFileSync(node24, ['--version']).toString().trim()} (n8n)`, node24]]
			: []),
	]) {
		const runs = [];
		for (let i = 0; i < 5; i++)
			runs.push(
				JSON.parse(execFileSync(bin, ['-e', script, REPO], { cwd: os.tmpdir() }).toString().trim()),
			);
		runs.sort((x, y) => x.totalMs - y.totalMs);
		const median = runs[2];
		rows.push({ label, ...median, worstMs: runs[4].totalMs });
		log(
			`package load ${label}: ${fmt(median.totalMs, 1)} ms (require ${fmt(median.requireMs, 1)} + construct ${fmt(median.constructMs, 1)})`,
		);
	}
	results.load = rows;
}

module.exports = { packageLoad };
