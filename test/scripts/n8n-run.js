'use strict';
// Runs a real n8n installed by n8n-install.js: CLI commands (import, execute, publish) and the
// server (`n8n start`), each with its own user folder and in its own process group, so that
// stopping it (or a timeout) ends n8n and every child it started (task runners).
const fs = require('fs');
const net = require('net');
const path = require('path');
const { spawn } = require('child_process');

/** The environment n8n runs with: isolated user folder, offline-friendly, quiet. */
function n8nEnv(n8n, userFolder, extra = {}) {
	const env = { ...process.env };
	for (const key of Object.keys(env))
		if (/^(npm_|N8N_|DB_|NODE_OPTIONS$|NODE_ENV$)/.test(key)) delete env[key];
	return {
		...env,
		PATH: `${n8n.nodeBinDir}${path.delimiter}${process.env.PATH}`,
		N8N_USER_FOLDER: userFolder,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		// n8n 2.x contacts its MCP registry at start; the machine may have no internet.
		...(n8n.version.startsWith('1.') ? {} : { N8N_DISABLED_MODULES: 'mcp-registry' }),
		...extra,
	};
}

/** Kills a detached child's whole process group. */
function killGroup(child, signal = 'SIGTERM') {
	if (!child || child.exitCode !== null || child.signalCode !== null) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		// already gone
	}
}

/** Runs `n8n <args>`; resolves with { code, stdout, stderr } (never rejects on a non-zero exit). */
async function n8nCli(n8n, userFolder, args, { timeoutMs = 180000, env = {} } = {}) {
	// Its own task-broker port: the default 5679 may be taken by a running n8n (e.g. `npm start`).
	const brokerPort = String(await freePort());
	return await new Promise((resolve, reject) => {
		const child = spawn(n8n.node, [n8n.n8nBin, ...args], {
			env: n8nEnv(n8n, userFolder, { N8N_RUNNERS_BROKER_PORT: brokerPort, ...env }),
			detached: true,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (c) => (stdout += c));
		child.stderr.on('data', (c) => (stderr += c));
		const timer = setTimeout(() => {
			killGroup(child, 'SIGKILL');
			reject(
				new Error(`n8n ${args.join(' ')} timed out after ${timeoutMs} ms\n${stdout}\n${stderr}`),
			);
		}, timeoutMs);
		child.on('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.on('close', (code) => {
			clearTimeout(timer);
			killGroup(child, 'SIGKILL'); // leftovers (e.g. a task runner) of a finished command
			resolve({ code, stdout, stderr });
		});
	});
}

/** Like n8nCli, but throws on a non-zero exit. */
async function n8nCliOk(n8n, userFolder, args, options) {
	const result = await n8nCli(n8n, userFolder, args, options);
	if (result.code !== 0)
		throw new Error(
			`n8n ${args.join(' ')} exited with ${result.code}\n${result.stdout}\n${result.stderr}`,
		);
	return result;
}

/** A free TCP port on localhost. */
function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** A sleep that does not keep the process alive (for timeouts raced against an exit). */
const idle = (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * Starts `n8n start` on `port` (localhost). Returns { url, child, output(), stop() } once
 * /healthz/readiness and /rest/settings answer 200. `logFile` (optional) receives n8n's output.
 */
async function startN8nServer(
	n8n,
	userFolder,
	{ port, env = {}, logFile, timeoutMs = 180000, inheritOutput = false } = {},
) {
	port = port || (await freePort());
	const url = `http://localhost:${port}`;
	const child = spawn(n8n.node, [n8n.n8nBin, 'start'], {
		env: n8nEnv(n8n, userFolder, {
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			N8N_PORT: String(port),
			N8N_HOST: 'localhost',
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			WEBHOOK_URL: `${url}/`,
			N8N_EDITOR_BASE_URL: `${url}/`,
			...env,
		}),
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	const log = logFile ? fs.createWriteStream(logFile, { flags: 'w' }) : undefined;
	const keep = (chunk) => {
		output = (output + chunk.toString()).slice(-200000);
		if (log) log.write(chunk);
		if (inheritOutput) process.stdout.write(chunk);
	};
	child.stdout.on('data', keep);
	child.stderr.on('data', keep);
	const exited = new Promise((resolve) =>
		child.on('close', (code, signal) => resolve({ code, signal })),
	);
	let stopped = false;
	const stop = async () => {
		if (stopped) return;
		stopped = true;
		killGroup(child, 'SIGTERM');
		const done = await Promise.race([exited, idle(15000).then(() => undefined)]);
		if (!done) killGroup(child, 'SIGKILL');
		await Promise.race([exited, idle(5000)]);
		killGroup(child, 'SIGKILL'); // task runner children, if any survived
		if (log) log.end();
	};
	const started = Date.now();
	for (;;) {
		if (child.exitCode !== null || child.signalCode !== null) {
			throw new Error(
				`n8n start exited early (${child.exitCode ?? child.signalCode}):\n${output.slice(-5000)}`,
			);
		}
		try {
			// n8n 1.x answers /healthz/readiness before its REST routes exist: wait for /rest/settings too.
			const ready = await fetch(`${url}/healthz/readiness`);
			const settings = ready.status === 200 ? await fetch(`${url}/rest/settings`) : undefined;
			if (settings?.status === 200) break;
		} catch {
			// not listening yet
		}
		if (Date.now() - started > timeoutMs) {
			await stop();
			throw new Error(`n8n start not ready after ${timeoutMs} ms:\n${output.slice(-5000)}`);
		}
		await sleep(500);
	}
	return { url, port, child, output: () => output, stop, exited };
}

/** Minimal cookie-keeping REST client for a running n8n (owner setup, login, REST calls). */
class N8nRest {
	constructor(url) {
		this.url = url;
		this.cookies = new Map();
		this.browserId = 'n8n-nodes-itslearning-genesys-e2e';
	}

	async call(method, route, body) {
		const request = () =>
			fetch(`${this.url}${route}`, {
				method,
				headers: {
					'content-type': 'application/json',
					'browser-id': this.browserId,
					...(this.cookies.size ? { cookie: this.cookieHeader() } : {}),
				},
				body: body === undefined ? undefined : JSON.stringify(body),
				redirect: 'manual',
			});
		let res;
		try {
			res = await request();
		} catch (error) {
			// A kept-alive connection that the server closed just as it was reused ("other side
			// closed"): the request never reached n8n, so sending it again is safe.
			if (
				!/other side closed|ECONNRESET|socket/i.test(
					`${error.cause?.message ?? ''} ${error.cause?.code ?? ''}`,
				)
			)
				throw error;
			res = await request();
		}
		this.keepCookies(res);
		const text = await res.text();
		let json;
		try {
			json = JSON.parse(text);
		} catch {
			json = undefined;
		}
		return { status: res.status, json, text };
	}

	cookieHeader() {
		return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
	}

	keepCookies(res) {
		for (const c of res.headers.getSetCookie()) {
			const pair = c.split(';')[0];
			const eq = pair.indexOf('=');
			this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
		}
	}

	/** A browser-like GET of a full URL with this session's cookies (no redirects followed). */
	async browserGet(url) {
		const res = await fetch(url, {
			headers: { cookie: this.cookieHeader(), 'browser-id': this.browserId },
			redirect: 'manual',
		});
		this.keepCookies(res);
		return { status: res.status, location: res.headers.get('location'), text: await res.text() };
	}

	async ok(method, route, body) {
		const res = await this.call(method, route, body);
		if (res.status >= 300)
			throw new Error(`${method} ${route} → ${res.status}: ${res.text.slice(0, 2000)}`);
		return res.json && 'data' in res.json ? res.json.data : res.json;
	}

	/** Creates the owner account (first start only), else logs in with the same login. */
	async setupOwnerOrLogin(owner) {
		const setup = await this.call('POST', '/rest/owner/setup', owner);
		if (setup.status < 300) return 'created';
		await this.login(owner);
		return 'logged-in';
	}

	async login({ email, password }) {
		// n8n 2.x names the field emailOrLdapLoginId, 1.x email; sending both works on both.
		return this.ok('POST', '/rest/login', { email, emailOrLdapLoginId: email, password });
	}
}

/** The CLI arguments that activate a workflow before n8n starts (2.x: publish:workflow; 1.x: update:workflow --active). */
function activateWorkflowArgs(version, workflowId) {
	return version.startsWith('1.')
		? ['update:workflow', `--id=${workflowId}`, '--active=true']
		: ['publish:workflow', `--id=${workflowId}`];
}

module.exports = {
	n8nEnv,
	n8nCli,
	n8nCliOk,
	startN8nServer,
	freePort,
	killGroup,
	N8nRest,
	sleep,
	activateWorkflowArgs,
};
