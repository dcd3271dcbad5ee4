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
const path = require('path');

const { withEditorPage } = require('../scripts/editor-page');
const { sleep } = require('../scripts/n8n-run');
const demoLib = require('../scripts/demo');

const OUT = path.join(__dirname, 'screenshots');
const WIDTH = 1280;
const HEIGHT = 860;
const PKG = 'n8n-nodes-itslearning-genesys';

const its = {
	itslearningOAuth2Api: {
		id: demoLib.CREDENTIAL_IDS.itslearning,
		name: demoLib.CREDENTIAL_NAMES?.itslearning ?? 'itslearning (emulator)',
	},
};
const gen = {
	genesysCloudOAuth2Api: {
		id: demoLib.CREDENTIAL_IDS.genesys,
		name: demoLib.CREDENTIAL_NAMES?.genesys ?? 'Genesys Cloud (emulator)',
	},
};
/** A resource locator value picked From List (as the editor stores it). */
const fromList = (value, cachedResultName) => ({
	__rl: true,
	mode: 'list',
	value,
	cachedResultName,
});
const node = (id, name, type, position, parameters, credentials) => ({
	id,
	name,
	type: `${PKG}.${type}`,
	typeVersion: 1,
	position,
	parameters,
	credentials,
});

const NODES = [
	node(
		'e0000000-0000-4000-8000-000000000001',
		'New Send',
		'itslearningInstantMessage',
		[0, 0],
		{ resource: 'message', operation: 'send' },
		its,
	),
	node(
		'e0000000-0000-4000-8000-000000000002',
		'Send to a person from the list',
		'itslearningInstantMessage',
		[240, 0],
		{
			resource: 'message',
			operation: 'send',
			sendTo: 'people',
			toPersonIds: fromList('2', 'Alan Turing (Student, Emulator High School)'),
			text: 'Hello Alan',
		},
		its,
	),
	node(
		'e0000000-0000-4000-8000-000000000003',
		'Read a thread',
		'itslearningInstantMessage',
		[480, 0],
		{
			resource: 'message',
			operation: 'getMany',
			threadId: fromList('1001', 'Welcome thread'),
			simplify: true,
		},
		its,
	),
	node(
		'e0000000-0000-4000-8000-000000000004',
		'Read a room',
		'genesysChat',
		[720, 0],
		{
			resource: 'roomMessage',
			operation: 'getHistory',
			roomJid: fromList('adhoc-1@conference.example.orgspan.com', 'Demo room'),
			simplify: true,
		},
		gen,
	),
];

async function main() {
	const base = (process.argv[2] || 'http://localhost:5678').replace(/\/+$/, '');
	await withEditorPage(
		base,
		{ width: WIDTH, height: HEIGHT },
		async ({ rest, page, open, shoot }) => {
			const workflow = await rest.ok('POST', '/rest/workflows', {
				name: 'Editor screenshots (issue #10)',
				nodes: NODES,
				connections: {},
				settings: { executionOrder: 'v1' },
				active: false,
			});
			const credential = await rest.ok('POST', '/rest/credentials', {
				name: 'Genesys PKCE (screenshot)',
				type: 'genesysCloudOAuth2Api',
				data: { serverUrl: 'https://api.mypurecloud.de', grantType: 'pkce', clientId: '' },
			});
			const shots = [
				{ file: 'send-new.png', path: `/workflow/${workflow.id}/${NODES[0].id}` },
				{
					file: 'send-to-person-list.png',
					path: `/workflow/${workflow.id}/${NODES[1].id}`,
					open: 'toPersonIds',
					search: 'a',
				},
				{
					file: 'thread-list.png',
					path: `/workflow/${workflow.id}/${NODES[2].id}`,
					open: 'threadId',
					search: 'e',
				},
				{
					file: 'genesys-room-list.png',
					path: `/workflow/${workflow.id}/${NODES[3].id}`,
					open: 'roomJid',
					search: 'e',
				},
				{ file: 'genesys-credential-pkce.png', path: `/home/credentials/${credential.id}` },
			];
			try {
				for (const shot of shots) {
					await open(shot.path, 4000);
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
					await shoot(path.join(OUT, shot.file));
					process.stdout.write(`${shot.file}  ← ${base}${shot.path}\n`);
				}
			} finally {
				await rest.call('DELETE', `/rest/credentials/${credential.id}`);
			}
		},
	);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
