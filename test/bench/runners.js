'use strict';
// Runners: the raw undici loop (raw-loop.js), the n8n-core harness worker (harness-worker.js) and a
// real n8n 2.41.1 (`n8n execute`).
const fs = require('fs');
const os = require('os');
const path = require('path');
const { fork, spawn } = require('child_process');
const { performance } = require('perf_hooks');

const { ensureN8n, DEFAULT_N8N_VERSION } = require('../scripts/n8n-install.js');
const { n8nCliOk, n8nEnv, freePort, killGroup } = require('../scripts/n8n-run.js');
const { installPack, PACKAGE_NAME } = require('../scripts/install-pack.js');
const { PROBE } = require('./world.js');

function runRawLoop(nodeBinary, spec) {
	return new Promise((resolve, reject) => {
		const child = spawn(nodeBinary, [path.join(__dirname, 'raw-loop.js'), JSON.stringify(spec)], {
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let out = '';
		let err = '';
		child.stdout.on('data', (c) => (out += c));
		child.stderr.on('data', (c) => (err += c));
		child.on('close', (code) =>
			code === 0
				? resolve(JSON.parse(out.trim().split('\n').pop()))
				: reject(new Error(`raw loop failed: ${err}`)),
		);
	});
}

async function rawLoop(nodeBinary, req, target, count, concurrency = 1) {
	const r = await runRawLoop(nodeBinary, {
		url: target.url,
		method: target.method,
		headers: { authorization: `Bearer ${req.token}` },
		body: target.body,
		count,
		concurrency,
		warmup: Math.min(200, Math.ceil(count / 10)),
	});
	return {
		executionTime: r.totalMs,
		failedItems: count - (r.statuses[200] || 0),
		outputItems: count,
	};
}

class Worker {
	constructor({ execArgv = [] } = {}) {
		this.child = fork(path.join(__dirname, 'harness-worker.js'), [], {
			execArgv: ['--expose-gc', ...execArgv],
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
			env: { ...process.env, N8N_LOG_LEVEL: 'silent' },
		});
		this.pending = new Map();
		this.next = 0;
		this.child.on('message', ({ id, result, error }) => {
			const p = this.pending.get(id);
			this.pending.delete(id);
			if (error) p.reject(new Error(error));
			else p.resolve(result);
		});
		this.child.on('exit', (code) => {
			for (const p of this.pending.values()) p.reject(new Error(`harness worker exited (${code})`));
			this.pending.clear();
		});
	}

	run(scenario) {
		const id = ++this.next;
		return new Promise((resolve, reject) => {
			this.pending.set(id, { resolve, reject });
			this.child.send({ id, scenario });
		});
	}

	async close() {
		if (this.child.exitCode === null) await this.run({ kind: 'exit' }).catch(() => {});
	}
}

async function startWorker(world, n8nDir, options) {
	const worker = new Worker(options);
	await worker.run({ kind: 'setup', credentials: world.credentials, n8nBaseDir: n8nDir });
	return worker;
}

async function harnessNode(worker, node, items, extra = {}) {
	return await worker.run({ kind: 'node', ...node, items, ...extra });
}

/** The run data printed by `n8n execute --rawOutput` (n8n's log lines around it skipped). */
function parseRawOutput(stdout) {
	const start = stdout.search(/^\{$/m);
	if (start === -1) throw new Error(`no JSON in n8n output:\n${stdout.slice(-3000)}`);
	const end = stdout.indexOf('\n}', start);
	return JSON.parse(stdout.slice(start, end + 2));
}

class RealN8n {
	constructor(n8n, userFolder) {
		this.n8n = n8n;
		this.userFolder = userFolder;
		this.count = 0;
	}

	static async start(world) {
		const n8n = await ensureN8n(DEFAULT_N8N_VERSION);
		const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-bench-'));
		installPack(userFolder);
		fs.cpSync(
			path.join(__dirname, 'probe'),
			path.join(userFolder, '.n8n', 'nodes', 'node_modules', 'n8n-nodes-bench-probe'),
			{ recursive: true },
		);
		const real = new RealN8n(n8n, userFolder);
		const now = new Date().toISOString();
		const file = path.join(userFolder, 'bench-credentials.json');
		fs.writeFileSync(
			file,
			JSON.stringify(
				world.credentials.map((c) => ({
					id: c.id,
					name: c.name,
					type: c.type,
					data: c.data,
					createdAt: now,
					updatedAt: now,
				})),
			),
		);
		await n8nCliOk(n8n, userFolder, ['import:credentials', `--input=${file}`]);
		return real;
	}

	/**
	 * `n8n execute --id … --rawOutput` with stdout going to a FILE: the run data of thousands of
	 * items is megabytes, and n8n exits right after printing it, which cuts off what a pipe has not
	 * passed on yet (writes to a file are synchronous in Node.js).
	 */
	async executeToFile(id, env) {
		const outFile = path.join(this.userFolder, `${id}.out.json`);
		const errFile = path.join(this.userFolder, `${id}.err.txt`);
		const out = fs.openSync(outFile, 'w');
		const err = fs.openSync(errFile, 'w');
		const brokerPort = String(await freePort());
		const code = await new Promise((resolve, reject) => {
			const child = spawn(
				this.n8n.node,
				[this.n8n.n8nBin, 'execute', `--id=${id}`, '--rawOutput'],
				{
					env: n8nEnv(this.n8n, this.userFolder, { N8N_RUNNERS_BROKER_PORT: brokerPort, ...env }),
					detached: true,
					stdio: ['ignore', out, err],
				},
			);
			const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 30 * 60 * 1000);
			child.on('error', reject);
			child.on('close', (c) => {
				clearTimeout(timer);
				killGroup(child, 'SIGKILL');
				resolve(c);
			});
		});
		fs.closeSync(out);
		fs.closeSync(err);
		const stdout = fs.readFileSync(outFile, 'utf8');
		fs.rmSync(outFile, { force: true });
		if (code !== 0 && !/^\{$/m.test(stdout))
			throw new Error(
				`n8n execute ${id} exited with ${code}: ${fs.readFileSync(errFile, 'utf8').slice(-3000)}`,
			);
		return stdout;
	}

	/**
	 * One workflow: Manual Trigger → Bench Probe (items) → one branch per node, run top to bottom
	 * (n8n's v1 order); returns each branch node's executionTime and output counts.
	 */
	async runBranches(items, branches, { env = {}, keepProfileDir } = {}) {
		const id = `benchWorkflow${String(++this.count).padStart(3, '0')}`;
		const nodes = [
			{
				id: `${id}-start`,
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: `${id}-items`,
				name: 'Items',
				type: PROBE,
				typeVersion: 1,
				position: [220, 0],
				parameters: { mode: 'items', count: items },
			},
		];
		const connections = {
			Start: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
			Items: { main: [[]] },
		};
		branches.forEach((b, i) => {
			const node = {
				id: `${id}-n${i}`,
				name: b.name,
				type: b.node.nodeType.includes('.')
					? b.node.nodeType
					: `${PACKAGE_NAME}.${b.node.nodeType}`,
				typeVersion: b.node.typeVersion ?? 1,
				position: [440, i * 200],
				parameters: b.node.parameters,
			};
			if (b.node.credentials) node.credentials = b.node.credentials;
			if (b.node.continueOnFail) node.onError = 'continueRegularOutput';
			nodes.push(node);
			connections.Items.main[0].push({ node: b.name, type: 'main', index: 0 });
		});
		const workflow = {
			id,
			name: `Bench ${id}`,
			active: false,
			nodes,
			connections,
			settings: {
				executionOrder: 'v1',
				saveDataSuccessExecution: 'none',
				saveManualExecutions: false,
			},
			pinData: {},
			tags: [],
		};
		const file = path.join(this.userFolder, `${id}.json`);
		fs.writeFileSync(file, JSON.stringify(workflow));
		await n8nCliOk(this.n8n, this.userFolder, ['import:workflow', `--input=${file}`]);
		const t0 = performance.now();
		const stdout = await this.executeToFile(id, env);
		const wallMs = performance.now() - t0;
		const run = parseRawOutput(stdout);
		const runData = run.data.resultData.runData;
		const out = {};
		for (const b of branches) {
			const task = runData[b.name]?.[0];
			const main = task?.data?.main?.[0] ?? [];
			out[b.name] = {
				executionTime: task?.executionTime,
				outputItems: main.length,
				failedItems:
					main.filter((item) => item.json && item.json.error !== undefined).length +
					(task?.error ? items - main.length : 0),
				error: task?.error?.message,
				sample: main[0] ? JSON.stringify(main[0].json).slice(0, 200) : undefined,
			};
		}
		return { branches: out, wallMs, error: run.data.resultData.error?.message, keepProfileDir };
	}
}

module.exports = { runRawLoop, rawLoop, Worker, startWorker, harnessNode, parseRawOutput, RealN8n };
