#!/usr/bin/env node
'use strict';
// Screenshots of the editor screens issue #10 changed (README, "Editor"), taken from a running
// `npm start` with headless Chromium (Debian's `chromium`) over the DevTools protocol:
//
//   npm start                                                  # in one terminal
//   node --experimental-websocket test/editor/screenshots.js [http://localhost:5678]
//
// It logs in with the demo login, creates one workflow whose nodes use the new fields (Send To,
// resource locators picked From List, Simplify) and a Genesys PKCE credential, opens each node's
// panel by URL, opens the "From List" dropdown of a locator, and saves PNGs in test/editor/screenshots/.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');

const { N8nRest, freePort, killGroup, sleep } = require('../scripts/n8n-run');
const demoLib = require('../scripts/demo');

const OUT = path.join(__dirname, 'screenshots');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const WIDTH = 1280;
const HEIGHT = 860;
const PKG = 'n8n-nodes-itslearning-genesys';

const its = { itslearningOAuth2Api: { id: demoLib.CREDENTIAL_IDS.itslearning, name: demoLib.CREDENTIAL_NAMES?.itslearning ?? 'itslearning (emulator)' } };
const gen = { genesysCloudOAuth2Api: { id: demoLib.CREDENTIAL_IDS.genesys, name: demoLib.CREDENTIAL_NAMES?.genesys ?? 'Genesys Cloud (emulator)' } };
const node = (id, name, type, position, parameters, credentials) => ({ id, name, type: `${PKG}.${type}`, typeVersion: 1, position, parameters, credentials });

const NODES = [
	node('e0000000-0000-4000-8000-000000000001', 'New Send', 'itslearningInstantMessage', [0, 0], { resource: 'message', operation: 'send' }, its),
	node('e0000000-0000-4000-8000-000000000002', 'Send to a person from the list', 'itslearningInstantMessage', [240, 0], {
		resource: 'message',
		operation: 'send',
		sendTo: 'people',
		toPersonIds: { __rl: true, mode: 'list', value: '2', cachedResultName: 'Alan Turing (Student, Emulator High School)' },
		text: 'Hello Alan',
	}, its),
	node('e0000000-0000-4000-8000-000000000003', 'Read a thread', 'itslearningInstantMessage', [480, 0], {
		resource: 'message',
		operation: 'getMany',
		threadId: { __rl: true, mode: 'list', value: '1001', cachedResultName: 'Welcome thread' },
		simplify: true,
	}, its),
	node('e0000000-0000-4000-8000-000000000004', 'Read a room', 'genesysChat', [720, 0], {
		resource: 'roomMessage',
		operation: 'getHistory',
		roomJid: { __rl: true, mode: 'list', value: 'adhoc-1@conference.example.orgspan.com', cachedResultName: 'Demo room' },
		simplify: true,
	}, gen),
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
	const evaluate = async (expression) => (await send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true })).result.value;
	return { send, evaluate, close: () => ws.close() };
}

async function settle(page, ms) {
	const deadline = Date.now() + 30000;
	while (Date.now() < deadline) {
		const ready = await page.evaluate("(() => { const t = document.body ? document.body.innerText : ''; return t.length > 100 && !/Loading/.test(t); })()");
		if (ready) break;
		await sleep(500);
	}
	await sleep(ms);
}

async function main() {
	if (typeof WebSocket === 'undefined') throw new Error('run with Node 22+ or `node --experimental-websocket` (Node 20)');
	const base = (process.argv[2] || 'http://localhost:5678').replace(/\/+$/, '');
	const rest = new N8nRest(base);
	await rest.login(demoLib.DEMO_OWNER);
	const auth = rest.cookies.get('n8n-auth');
	if (!auth) throw new Error('login gave no n8n-auth cookie');

	const workflow = await rest.ok('POST', '/rest/workflows', { name: 'Editor screenshots (issue #10)', nodes: NODES, connections: {}, settings: { executionOrder: 'v1' }, active: false });
	const credential = await rest.ok('POST', '/rest/credentials', {
		name: 'Genesys PKCE (screenshot)',
		type: 'genesysCloudOAuth2Api',
		data: { region: 'mypurecloud.de', grantType: 'pkce', clientId: '' },
	});

	const shots = [
		{ file: 'send-new.png', path: `/workflow/${workflow.id}/${NODES[0].id}` },
		{ file: 'send-to-person-list.png', path: `/workflow/${workflow.id}/${NODES[1].id}`, open: 'toPersonIds', search: 'a' },
		{ file: 'thread-list.png', path: `/workflow/${workflow.id}/${NODES[2].id}`, open: 'threadId', search: 'e' },
		{ file: 'genesys-room-list.png', path: `/workflow/${workflow.id}/${NODES[3].id}`, open: 'roomJid', search: 'e' },
		{ file: 'genesys-credential-pkce.png', path: `/home/credentials/${credential.id}` },
	];

	const port = await freePort();
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-'));
	const chromium = spawn(
		CHROMIUM,
		['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--hide-scrollbars', `--user-data-dir=${profile}`, `--remote-debugging-port=${port}`, `--window-size=${WIDTH},${HEIGHT}`, 'about:blank'],
		{ detached: true, stdio: 'ignore' },
	);
	try {
		let target;
		for (let i = 0; i < 60 && !target; i++) {
			try {
				target = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()).find((t) => t.type === 'page');
			} catch {
				await sleep(500);
			}
		}
		if (!target) throw new Error('Chromium did not start');
		const page = await connect(target.webSocketDebuggerUrl);
		await page.send('Page.enable');
		await page.send('Runtime.enable');
		await page.send('Emulation.setDeviceMetricsOverride', { width: WIDTH, height: HEIGHT, deviceScaleFactor: 1, mobile: false });
		await page.send('Network.enable');
		await page.send('Network.setCookie', { name: 'n8n-auth', value: auth, domain: new URL(base).hostname, path: '/', httpOnly: true });
		await page.send('Page.addScriptToEvaluateOnNewDocument', { source: `try { localStorage.setItem('n8n-browserId', ${JSON.stringify(rest.browserId)}); } catch (e) {}` });
		fs.mkdirSync(OUT, { recursive: true });
		for (const shot of shots) {
			await page.send('Page.navigate', { url: base + shot.path });
			await settle(page, 4000);
			if (shot.open) {
				// Click the locator's input (its parameter block is marked with the parameter name).
				const clicked = await page.evaluate(`(() => {
					const block = document.querySelector('[data-test-id="parameter-input-${shot.open}"]') || document.querySelector('[data-test-id="resource-locator-${shot.open}"]');
					const input = (block || document).querySelector('[data-test-id="rlc-input"] input, [data-test-id="rlc-input"]');
					if (!input) return 'no input';
					input.click(); input.focus();
					return 'ok';
				})()`);
				process.stdout.write(`  open ${shot.open}: ${clicked}\n`);
				await sleep(2500);
				if (shot.search) {
					await page.send('Input.insertText', { text: shot.search });
					await sleep(2500);
				}
			}
			const { data } = await page.send('Page.captureScreenshot', { format: 'png' });
			fs.writeFileSync(path.join(OUT, shot.file), Buffer.from(data, 'base64'));
			process.stdout.write(`${shot.file}  ← ${base}${shot.path}\n`);
		}
		page.close();
	} finally {
		killGroup(chromium, 'SIGKILL');
		fs.rmSync(profile, { recursive: true, force: true });
		await rest.call('DELETE', `/rest/credentials/${credential.id}`);
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
