#!/usr/bin/env node
'use strict';
// Regenerates the README screenshots (test/screenshots/*.png) from a running `npm start`, with
// headless Chromium (Debian's `chromium` package) driven over the DevTools protocol. No extra
// dependency: Node's WebSocket (Node 22+, or Node 20 with --experimental-websocket).
//
//   npm start                                    # in one terminal
//   node --experimental-websocket test/scripts/screenshots.js [http://localhost:5678]
//
// It logs in with the demo login over n8n's REST API, hands the session cookie to Chromium and
// opens each page by URL (n8n opens a node's panel at /workflow/<id>/<node id> and a credential
// at /home/credentials/<id>).
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');

const { N8nRest, freePort, killGroup, sleep } = require('./n8n-run');
const demoLib = require('./demo');

const OUT = path.join(__dirname, '..', 'screenshots');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const WIDTH = 1280;
const HEIGHT = 800;

function nodeId(workflowId, nodeName) {
	const wf = demoLib.exampleWorkflows().find((w) => w.id === workflowId);
	const node = wf && wf.nodes.find((n) => n.name === nodeName);
	if (!node) throw new Error(`no node "${nodeName}" in workflow ${workflowId}`);
	return node.id;
}

const SHOTS = [
	{ file: 'itslearning-workflow.png', path: '/workflow/itsExampleFlow01', wait: 2500 },
	{ file: 'itslearning-node.png', path: () => `/workflow/itsExampleFlow01/${nodeId('itsExampleFlow01', 'Send a message')}`, wait: 2500 },
	{ file: 'genesys-node.png', path: () => `/workflow/genExampleFlow01/${nodeId('genExampleFlow01', 'Pin it')}`, wait: 2500 },
	{ file: 'itslearning-trigger.png', path: () => `/workflow/itsTriggerFlow01/${nodeId('itsTriggerFlow01', 'New itslearning message')}`, wait: 2500 },
	{ file: 'ai-agent-workflow.png', path: '/workflow/aiAgentToolsFlow', wait: 2500 },
	{ file: 'itslearning-credential.png', path: `/home/credentials/${demoLib.CREDENTIAL_IDS.itslearning}`, wait: 2500 },
	{ file: 'genesys-credential.png', path: `/home/credentials/${demoLib.CREDENTIAL_IDS.genesys}`, wait: 2500 },
];

/** Minimal DevTools-protocol client over one page's WebSocket. */
async function connect(wsUrl) {
	const ws = new WebSocket(wsUrl);
	await new Promise((resolve, reject) => {
		ws.onopen = resolve;
		ws.onerror = reject;
	});
	let id = 0;
	const pending = new Map();
	ws.onmessage = (event) => {
		const msg = JSON.parse(event.data);
		if (msg.id && pending.has(msg.id)) {
			const { resolve, reject } = pending.get(msg.id);
			pending.delete(msg.id);
			if (msg.error) reject(new Error(`${msg.error.message}`));
			else resolve(msg.result);
		}
	};
	return {
		send: (method, params = {}) =>
			new Promise((resolve, reject) => {
				id += 1;
				pending.set(id, { resolve, reject });
				ws.send(JSON.stringify({ id, method, params }));
			}),
		close: () => ws.close(),
	};
}

/** Waits until the page shows content and nothing is "Loading", then a little longer for animations. */
async function waitSettled(page, settleMs) {
	const deadline = Date.now() + 30000;
	for (;;) {
		const { result } = await page.send('Runtime.evaluate', {
			expression: "(() => { const t = document.body ? document.body.innerText : ''; return t.length > 100 && !/Loading/.test(t); })()",
			returnByValue: true,
		});
		if (result.value || Date.now() > deadline) break;
		await sleep(500);
	}
	await sleep(settleMs);
}

async function main() {
	if (typeof WebSocket === 'undefined') throw new Error('run with Node 22+ or `node --experimental-websocket` (Node 20)');
	const base = (process.argv[2] || 'http://localhost:5678').replace(/\/+$/, '');
	const rest = new N8nRest(base);
	await rest.login(demoLib.DEMO_OWNER);
	const auth = rest.cookies.get('n8n-auth');
	if (!auth) throw new Error('login gave no n8n-auth cookie');

	const port = await freePort();
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-'));
	const chromium = spawn(
		CHROMIUM,
		[
			'--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
			'--disable-component-update', '--disable-sync', '--hide-scrollbars', `--user-data-dir=${profile}`,
			`--remote-debugging-port=${port}`, `--window-size=${WIDTH},${HEIGHT}`, 'about:blank',
		],
		{ detached: true, stdio: 'ignore' },
	);
	try {
		let target;
		for (let i = 0; i < 60 && !target; i++) {
			try {
				const list = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
				target = list.find((t) => t.type === 'page');
			} catch {
				await sleep(500);
			}
		}
		if (!target) throw new Error('Chromium did not start');
		const page = await connect(target.webSocketDebuggerUrl);
		await page.send('Page.enable');
		await page.send('Runtime.enable');
		await page.send('Network.enable');
		await page.send('Emulation.setDeviceMetricsOverride', { width: WIDTH, height: HEIGHT, deviceScaleFactor: 1, mobile: false });
		const host = new URL(base).hostname;
		await page.send('Network.setCookie', { name: 'n8n-auth', value: auth, domain: host, path: '/', httpOnly: true });
		// the editor asks the browser-id header to match the login's; n8n stores its id in localStorage
		await page.send('Page.addScriptToEvaluateOnNewDocument', {
			source: `try { localStorage.setItem('n8n-browserId', ${JSON.stringify(rest.browserId)}); } catch (e) {}`,
		});
		fs.mkdirSync(OUT, { recursive: true });
		for (const shot of SHOTS) {
			const url = base + (typeof shot.path === 'function' ? shot.path() : shot.path);
			await page.send('Page.navigate', { url });
			await waitSettled(page, shot.wait);
			const { data } = await page.send('Page.captureScreenshot', { format: 'png' });
			fs.writeFileSync(path.join(OUT, shot.file), Buffer.from(data, 'base64'));
			process.stdout.write(`${shot.file}  ← ${url}\n`);
		}
		page.close();
	} finally {
		killGroup(chromium, 'SIGKILL');
		fs.rmSync(profile, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error.stack || error);
	process.exit(1);
});
