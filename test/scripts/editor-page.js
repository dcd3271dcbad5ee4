'use strict';
// Headless Chromium (Debian's `chromium`) on the n8n editor of a running `npm start`, driven over
// the DevTools protocol with Node's WebSocket (Node 22+, or Node 20 with --experimental-websocket):
// no extra dependency. Used by the screenshot scripts (test/scripts/screenshots.js for the README
// overview, test/editor/screenshots.js for the editor screens).
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');

const { N8nRest, freePort, killGroup, sleep } = require('./n8n-run');
const demoLib = require('./demo');

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

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
			if (msg.error) reject(new Error(msg.error.message));
			else resolve(msg.result);
		}
	};
	const send = (method, params = {}) =>
		new Promise((resolve, reject) => {
			id += 1;
			pending.set(id, { resolve, reject });
			ws.send(JSON.stringify({ id, method, params }));
		});
	const evaluate = async (expression) =>
		(await send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true })).result
			.value;
	return { send, evaluate, close: () => ws.close() };
}

/**
 * Logs in to the n8n at `base` with the demo login, starts Chromium with that session, and calls
 * `fn({ rest, page, open, shoot })`: `open(path, settleMs)` loads an editor page and waits until it
 * shows content and nothing is "Loading"; `shoot(file)` saves a PNG. Chromium is always stopped.
 */
async function withEditorPage(base, { width = 1280, height = 800 } = {}, fn) {
	if (typeof WebSocket === 'undefined')
		throw new Error('run with Node 22+ or `node --experimental-websocket` (Node 20)');
	const rest = new N8nRest(base);
	await rest.login(demoLib.DEMO_OWNER);
	const auth = rest.cookies.get('n8n-auth');
	if (!auth) throw new Error('login gave no n8n-auth cookie');

	const port = await freePort();
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-'));
	const chromium = spawn(
		CHROMIUM,
		[
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--hide-scrollbars',
			`--user-data-dir=${profile}`,
			`--remote-debugging-port=${port}`,
			`--window-size=${width},${height}`,
			'about:blank',
		],
		{ detached: true, stdio: 'ignore' },
	);
	try {
		let target;
		for (let i = 0; i < 60 && !target; i++) {
			try {
				target = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()).find(
					(t) => t.type === 'page',
				);
			} catch {
				await sleep(500);
			}
		}
		if (!target) throw new Error('Chromium did not start');
		const page = await connect(target.webSocketDebuggerUrl);
		await page.send('Page.enable');
		await page.send('Runtime.enable');
		await page.send('Network.enable');
		await page.send('Emulation.setDeviceMetricsOverride', {
			width,
			height,
			deviceScaleFactor: 1,
			mobile: false,
		});
		await page.send('Network.setCookie', {
			name: 'n8n-auth',
			value: auth,
			domain: new URL(base).hostname,
			path: '/',
			httpOnly: true,
		});
		// the editor asks the browser-id header to match the login's; n8n stores its id in localStorage
		await page.send('Page.addScriptToEvaluateOnNewDocument', {
			source: `try { localStorage.setItem('n8n-browserId', ${JSON.stringify(rest.browserId)}); } catch (e) {}`,
		});
		const open = async (pagePath, settleMs) => {
			await page.send('Page.navigate', { url: base + pagePath });
			const deadline = Date.now() + 30000;
			while (Date.now() < deadline) {
				const ready = await page.evaluate(
					"(() => { const t = document.body ? document.body.innerText : ''; return t.length > 100 && !/Loading/.test(t); })()",
				);
				if (ready) break;
				await sleep(500);
			}
			await sleep(settleMs);
		};
		const shoot = async (file) => {
			const { data } = await page.send('Page.captureScreenshot', { format: 'png' });
			fs.mkdirSync(path.dirname(file), { recursive: true });
			fs.writeFileSync(file, Buffer.from(data, 'base64'));
		};
		try {
			return await fn({ rest, page, open, shoot });
		} finally {
			page.close();
		}
	} finally {
		killGroup(chromium, 'SIGKILL');
		fs.rmSync(profile, { recursive: true, force: true });
	}
}

module.exports = { withEditorPage };
