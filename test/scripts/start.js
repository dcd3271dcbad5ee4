#!/usr/bin/env node
'use strict';
// `npm start`: starts the emulators of both APIs on 127.0.0.1 and prints what an n8n credential
// needs to talk to them (URLs, demo client ids/secrets, demo access tokens). Runs until Ctrl+C.
// The emulators are TypeScript test code; they are compiled on the fly with the project's
// TypeScript (a dev dependency), so no separate build step is needed for them.
const fs = require('fs');
const ts = require('typescript');

require.extensions['.ts'] = (module, filename) => {
	const source = fs.readFileSync(filename, 'utf8');
	const { outputText } = ts.transpileModule(source, {
		fileName: filename,
		compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
	});
	module._compile(outputText, filename);
};

const { startItslearningEmulator } = require('../emulator/itslearning.ts');
const { startGenesysEmulator } = require('../emulator/genesys.ts');

async function main() {
	const its = await startItslearningEmulator({ tokenLifetimeSeconds: 24 * 3600 });
	const gen = await startGenesysEmulator();
	const itsToken = its.issueToken({ personId: 1, lifetimeSeconds: 24 * 3600 });
	const genToken = gen.issueUserToken(gen.userIds[0], { lifetimeSeconds: 24 * 3600 });
	const thread = its.createThread(1, [2, 3], 'Welcome thread');
	its.addMessages(thread.InstantMessageThreadId, 2, 5, 'Hello from Alan');
	const room = gen.createRoom(gen.userIds[0], 'Demo room', gen.userIds.slice(1, 3));
	gen.addRoomMessages(room, gen.userIds[1], 5);

	const lines = [
		'',
		'Emulators running (Ctrl+C to stop).',
		'',
		'itslearning Instant Messages',
		`  Site URL (credential "Itslearning OAuth2 API"): ${its.url}`,
		`  Client ID: ${'n8n-test-client'}   Client Secret: (leave empty)`,
		`  Demo access token (person 1): ${itsToken.access_token}`,
		`  Demo thread ID: ${thread.InstantMessageThreadId}`,
		`  Try: curl -H "Authorization: Bearer ${itsToken.access_token}" ${its.url}/restapi/personal/instantmessages/messagethreads/unread/count/v1`,
		'',
		'Genesys Cloud Chat',
		`  Region "Custom", Base URL (credential "Genesys Cloud OAuth2 API"): ${gen.url}`,
		`  Client ID: ${gen.clientId}   Client Secret: ${gen.clientSecret}`,
		`  Demo access token (user ${gen.userIds[0]}): ${genToken.access_token}`,
		`  Demo room JID: ${room}`,
		`  Try: curl -H "Authorization: Bearer ${genToken.access_token}" ${gen.url}/api/v2/chats/rooms/${encodeURIComponent(room)}/messages`,
		'',
		'In n8n, "Connect my account" on either credential signs in through the emulator without a password.',
		'',
	];
	process.stdout.write(lines.join('\n') + '\n');

	const stop = async () => {
		await Promise.allSettled([its.close(), gen.close()]);
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
