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
const path = require('path');

const demoLib = require('./demo');
const { withEditorPage } = require('./editor-page');

const OUT = path.join(__dirname, '..', 'screenshots');
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
	{
		file: 'itslearning-node.png',
		path: () => `/workflow/itsExampleFlow01/${nodeId('itsExampleFlow01', 'Send a message')}`,
		wait: 2500,
	},
	{
		file: 'genesys-node.png',
		path: () => `/workflow/genExampleFlow01/${nodeId('genExampleFlow01', 'Pin it')}`,
		wait: 2500,
	},
	{
		file: 'itslearning-trigger.png',
		path: () =>
			`/workflow/itsTriggerFlow01/${nodeId('itsTriggerFlow01', 'New itslearning message')}`,
		wait: 2500,
	},
	{ file: 'ai-agent-workflow.png', path: '/workflow/aiAgentToolsFlow', wait: 2500 },
	{
		file: 'itslearning-credential.png',
		path: `/home/credentials/${demoLib.CREDENTIAL_IDS.itslearning}`,
		wait: 2500,
	},
	{
		file: 'genesys-credential.png',
		path: `/home/credentials/${demoLib.CREDENTIAL_IDS.genesys}`,
		wait: 2500,
	},
];

async function main() {
	const base = (process.argv[2] || 'http://localhost:5678').replace(/\/+$/, '');
	await withEditorPage(base, { width: WIDTH, height: HEIGHT }, async ({ open, shoot }) => {
		for (const shot of SHOTS) {
			const pagePath = typeof shot.path === 'function' ? shot.path() : shot.path;
			await open(pagePath, shot.wait);
			await shoot(path.join(OUT, shot.file));
			process.stdout.write(`${shot.file}  ← ${base}${pagePath}\n`);
		}
	});
}

main().catch((error) => {
	console.error(error.stack || error);
	process.exit(1);
});
