#!/usr/bin/env node
'use strict';
// `npm start` (after `npm run build`): a real n8n in the browser with this pack, demo credentials
// already connected to local emulators of both APIs, and the example workflows.
//
//   1. starts the itslearning and Genesys emulators (127.0.0.1, free ports) with demo data;
//   2. installs n8n 2.41.1 on the first run into the git-ignored cache `.cache/` (Node 24 from the
//      npm package `node`, n8n with --ignore-scripts, then `npm rebuild sqlite3`), reused after;
//   3. installs the pack into the n8n user folder (.cache/n8n-user) with the README's tarball
//      commands, i.e. the layout of n8n's community install;
//   4. imports the demo credentials (token data included) and the example workflows;
//   5. starts n8n on http://localhost:5678 (or a free port), creates the owner account and prints
//      the demo login and what to click first. Ctrl+C stops n8n and the emulators.
//
// Environment: N8N_CACHE_DIR (install cache), N8N_START_USER_FOLDER (n8n data, default
// .cache/n8n-user), N8N_START_PORT (default 5678), N8N_START_VERSION (default 2.41.1).
const crypto = require('crypto');
const fs = require('fs');
const net = require('net');
const path = require('path');

const { ensureN8n, cacheDir, DEFAULT_N8N_VERSION } = require('./n8n-install');
const { n8nCliOk, startN8nServer, freePort, N8nRest } = require('./n8n-run');
const { installPack } = require('./install-pack');
const demoLib = require('./demo');

const REPO = path.resolve(__dirname, '..', '..');

function step(label) {
	const started = Date.now();
	process.stdout.write(`• ${label} ...\n`);
	return (detail = '') =>
		process.stdout.write(
			`  done in ${((Date.now() - started) / 1000).toFixed(1)} s${detail ? ` (${detail})` : ''}\n`,
		);
}

function portIsFree(port) {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

/** Set once things run: stops what was started (also on a failure half-way). */
let cleanup = async () => {};

async function main() {
	const t0 = Date.now();
	if (!fs.existsSync(path.join(REPO, 'dist')))
		throw new Error('dist/ is missing: run `npm start` (it builds first) or `npm run build`');
	const version = process.env.N8N_START_VERSION || DEFAULT_N8N_VERSION;
	const userFolder = path.resolve(
		process.env.N8N_START_USER_FOLDER || path.join(cacheDir(), 'n8n-user'),
	);
	fs.mkdirSync(userFolder, { recursive: true });

	let done = step('Starting the itslearning and Genesys emulators with demo data');
	const demo = await demoLib.startDemoEmulators({ tokenLifetimeSeconds: 7 * 24 * 3600 });
	done(`${demo.its.url}, ${demo.gen.url}`);

	let server;
	let stopping = false;
	const stop = async (code = 0) => {
		if (stopping) return;
		stopping = true;
		process.stdout.write('\nStopping n8n and the emulators ...\n');
		await server?.stop();
		await demo.close();
		process.stdout.write('Stopped.\n');
		process.exit(code);
	};
	cleanup = async () => {
		await server?.stop();
		await demo.close();
	};
	process.on('SIGINT', () => void stop(0));
	process.on('SIGTERM', () => void stop(0));

	done = step(
		`n8n ${version}: install into ${cacheDir()} on the first run (about 4-5 min), else reuse`,
	);
	const n8n = await ensureN8n(version);
	done(n8n.dir);

	done = step(
		`Installing the pack the way n8n's community install does (${path.join(userFolder, '.n8n', 'nodes')})`,
	);
	installPack(userFolder);
	done();

	done = step('Importing the demo credentials (connected to the emulators, token data included)');
	const credentialsFile = demoLib.writeDemoCredentials(
		demo,
		path.join(userFolder, 'demo-credentials.json'),
	);
	await n8nCliOk(n8n, userFolder, ['import:credentials', `--input=${credentialsFile}`]);
	fs.rmSync(credentialsFile, { force: true }); // it holds tokens
	done(`${demoLib.CREDENTIAL_NAMES.itslearning}, ${demoLib.CREDENTIAL_NAMES.genesys}`);

	// Example workflows: imported when new or changed in the repo, so edits made in n8n survive.
	const markerFile = path.join(userFolder, 'examples-imported.json');
	const imported = fs.existsSync(markerFile) ? JSON.parse(fs.readFileSync(markerFile, 'utf8')) : {};
	const workflows = demoLib.exampleWorkflows();
	const hashOf = (wf) => crypto.createHash('sha256').update(fs.readFileSync(wf.file)).digest('hex');
	const changed = workflows.filter((wf) => imported[wf.id] !== hashOf(wf));
	done = step(
		`Importing the example workflows (${changed.length} new or changed of ${workflows.length})`,
	);
	if (changed.length) {
		// one CLI start for all of them: `--separate` imports every file of a folder
		const folder = fs.mkdtempSync(path.join(userFolder, 'import-'));
		for (const wf of changed) fs.copyFileSync(wf.file, path.join(folder, path.basename(wf.file)));
		await n8nCliOk(n8n, userFolder, ['import:workflow', '--separate', `--input=${folder}`]);
		fs.rmSync(folder, { recursive: true, force: true });
		for (const wf of changed) imported[wf.id] = hashOf(wf);
	}
	fs.writeFileSync(markerFile, JSON.stringify(imported, null, 2));
	done();

	const wanted = Number(process.env.N8N_START_PORT || 5678);
	const port = (await portIsFree(wanted)) ? wanted : await freePort();
	const logFile = path.join(userFolder, 'n8n.log');
	done = step(
		`Starting n8n on port ${port} (log: ${logFile.startsWith(REPO + path.sep) ? path.relative(REPO, logFile) : logFile})`,
	);
	server = await startN8nServer(n8n, userFolder, { port, logFile });
	done();

	done = step('Owner account');
	const rest = new N8nRest(server.url);
	const owner = demoLib.DEMO_OWNER;
	let ownerState;
	try {
		ownerState = await rest.setupOwnerOrLogin(owner);
	} catch (error) {
		ownerState = `could not log in with the demo login (${error.message.split('\n')[0]}); use the login you set up`;
	}
	done(ownerState === 'created' ? 'created' : ownerState === 'logged-in' ? 'exists' : ownerState);

	const alanToken = demo.its.issueToken({ personId: 2, lifetimeSeconds: 7 * 24 * 3600 });
	const names = Object.fromEntries(workflows.map((wf) => [wf.id, wf.name]));
	const lines = [
		'',
		`n8n ${version} is running with n8n-nodes-itslearning-genesys (ready after ${((Date.now() - t0) / 1000).toFixed(0)} s).`,
		'',
		`  Open   ${server.url}      (use localhost, not 127.0.0.1: n8n's OAuth callback cookie needs it)`,
		`  Login  ${owner.email}  /  ${owner.password}`,
		'',
		'First steps:',
		`  1. Open the workflow "${names.itsExampleFlow01 ?? 'itslearning example'}" and click "Execute workflow":`,
		'     it finds Alan Turing, sends him a message and reads the thread back.',
		`  2. Open "${names.genExampleFlow01 ?? 'Genesys example'}" and execute it: room, message, pin, reaction, history.`,
		'  3. Credentials: "itslearning (emulator)" and "Genesys Cloud (emulator)" are connected already.',
		'     "Connect my account" (Reconnect) signs in through the emulator without a password.',
		'  4. The trigger workflows poll every minute once you publish (activate) them; new messages in',
		'     the emulators (e.g. the curl line below) start executions.',
		`  5. "${names.aiAgentToolsFlow ?? 'AI Agent example'}": an AI Agent using both nodes as tools, with a`,
		'     scripted demo model (no LLM needed); pick your own OpenAI credential for a real model.',
		'',
		'Emulators (restarted empty with every `npm start`; the credentials are re-pointed at them):',
		`  itslearning  ${demo.its.url}   demo thread ${demo.threadId}, person 1 = Ada Lovelace (me)`,
		`  Genesys      ${demo.gen.url}   demo room ${demo.roomJid}`,
		'  Send a message as Alan Turing into the demo thread (the itslearning trigger picks it up):',
		`  curl -X POST -H "Authorization: Bearer ${alanToken.access_token}" -H "Content-Type: application/json" \\`,
		`       -d '{"Text":"Hello from Alan","InstantMessageThreadId":${demo.threadId}}' ${demo.its.url}/restapi/personal/instantmessages/v2`,
		'',
		'Ctrl+C stops n8n and the emulators.',
		'',
	];
	process.stdout.write(lines.join('\n') + '\n');

	server.exited.then(({ code, signal }) => {
		if (stopping) return;
		process.stdout.write(`n8n exited (${code ?? signal}); see ${logFile}\n`);
		void stop(1);
	});
}

main().catch(async (error) => {
	console.error(error && error.stack ? error.stack : error);
	await cleanup();
	process.exit(1);
});
