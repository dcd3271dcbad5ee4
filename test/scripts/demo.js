'use strict';
// Demo world shared by `npm start` and the end-to-end tests: both emulators with demo data, and
// n8n credentials (with token data, so no OAuth dance is needed) that point at them.
require('./ts-register');
const fs = require('fs');
const path = require('path');

const { startItslearningEmulator } = require('../emulator/itslearning.ts');
const { startGenesysEmulator } = require('../emulator/genesys.ts');
const { startScriptedModel } = require('./scripted-model');

const REPO = path.resolve(__dirname, '..', '..');
const WORKFLOW_DIR = path.join(REPO, 'test', 'e2e', 'workflows');

/** Fixed ids, so the example workflows can name their credentials. */
const CREDENTIAL_IDS = {
	itslearning: 'itsDemoCredentl1',
	genesys: 'genDemoCredentl1',
	model: 'llmDemoCredentl1',
};
const CREDENTIAL_NAMES = {
	itslearning: 'itslearning (emulator)',
	genesys: 'Genesys Cloud (emulator)',
	model: 'Scripted demo model (no LLM)',
};

/** The demo login `npm start` creates (n8n requires 8+ characters, a digit and a capital letter). */
const DEMO_OWNER = {
	email: 'demo@example.com',
	firstName: 'Demo',
	lastName: 'User',
	password: 'Demo-n8n-2026',
};

const DAY = 24 * 3600;

async function startDemoEmulators({ tokenLifetimeSeconds = DAY } = {}) {
	const its = await startItslearningEmulator({ tokenLifetimeSeconds });
	const gen = await startGenesysEmulator({ tokenLifetimeSeconds });
	// Person 1 (Ada Lovelace, teacher) is "me" on itslearning; users[0] (Ada Lovelace) on Genesys.
	const itsToken = its.issueToken({ personId: 1, lifetimeSeconds: tokenLifetimeSeconds });
	const genToken = gen.issueUserToken(gen.userIds[0], {
		lifetimeSeconds: tokenLifetimeSeconds,
		scopes: ['chat'],
	});
	const thread = its.createThread(1, [2, 3], 'Welcome thread');
	its.addMessages(thread.InstantMessageThreadId, 2, 3, 'Hello from Alan');
	const roomJid = gen.createRoom(gen.userIds[0], 'Demo room', gen.userIds.slice(1, 3));
	gen.addRoomMessages(roomJid, gen.userIds[1], 3);
	// A 1:1 chat of the demo user, so the User picker opens with a recent chat partner.
	gen.addUserMessages(gen.userIds[1], gen.userIds[0], 2);
	// An OpenAI-compatible scripted model for the AI Agent example (see scripted-model.js).
	const model = await startScriptedModel({ searchText: 'Alan' });
	const close = async () => {
		await Promise.allSettled([its.close(), gen.close(), model.close()]);
	};
	return {
		its,
		gen,
		model,
		itsToken,
		genToken,
		threadId: thread.InstantMessageThreadId,
		roomJid,
		close,
	};
}

/** n8n's stored form of OAuth2 token data (what "Connect my account" saves). */
function tokenData(token) {
	return { ...token };
}

/** Credentials for `n8n import:credentials` (plain `data` objects: n8n encrypts them on import). */
function demoCredentials(demo) {
	const now = new Date().toISOString();
	return [
		{
			id: CREDENTIAL_IDS.itslearning,
			name: CREDENTIAL_NAMES.itslearning,
			type: 'itslearningOAuth2Api',
			createdAt: now,
			updatedAt: now,
			data: {
				serverUrl: demo.its.url,
				clientId: 'n8n-test-client',
				clientSecret: '',
				instantMessageScope: true,
				additionalScopes: [],
				requestSigning: 'header',
				oauthTokenData: tokenData(demo.itsToken),
			},
		},
		{
			id: CREDENTIAL_IDS.genesys,
			name: CREDENTIAL_NAMES.genesys,
			type: 'genesysCloudOAuth2Api',
			createdAt: now,
			updatedAt: now,
			data: {
				serverUrl: 'https://custom.invalid',
				customBaseUrl: demo.gen.url,
				customLoginUrl: '',
				grantType: 'authorizationCode',
				clientId: demo.gen.clientId,
				clientSecret: demo.gen.clientSecret,
				scopes: ['chat'],
				oauthTokenData: tokenData(demo.genToken),
			},
		},
		{
			id: CREDENTIAL_IDS.model,
			name: CREDENTIAL_NAMES.model,
			type: 'openAiApi',
			createdAt: now,
			updatedAt: now,
			data: { apiKey: 'scripted-demo-model-needs-no-key', url: `${demo.model.url}/v1` },
		},
	];
}

/** Writes the demo credentials to a JSON file for `n8n import:credentials --input`. */
function writeDemoCredentials(demo, file) {
	fs.writeFileSync(file, JSON.stringify(demoCredentials(demo), null, 2));
	return file;
}

/** The example workflows (test/e2e/workflows/*.json), parsed, with their file names. */
function exampleWorkflows() {
	return fs
		.readdirSync(WORKFLOW_DIR)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((file) => ({
			file: path.join(WORKFLOW_DIR, file),
			...JSON.parse(fs.readFileSync(path.join(WORKFLOW_DIR, file), 'utf8')),
		}));
}

/**
 * Copies the example workflows into `dir` with every polling trigger set to poll every `seconds`
 * seconds (n8n refuses one cron faster than a minute, so: one custom cron per fixed second).
 * The tests import these copies; the examples themselves poll every minute.
 */
function writeFastPollingCopies(dir, seconds = 5) {
	fs.mkdirSync(dir, { recursive: true });
	const item = [];
	for (let s = 0; s < 60; s += seconds)
		item.push({ mode: 'custom', cronExpression: `${s} * * * * *` });
	for (const { file, ...wf } of exampleWorkflows()) {
		for (const node of wf.nodes)
			if (node.parameters && node.parameters.pollTimes) node.parameters.pollTimes = { item };
		fs.writeFileSync(path.join(dir, path.basename(file)), JSON.stringify(wf, null, 2));
	}
	return dir;
}

module.exports = {
	writeFastPollingCopies,
	startDemoEmulators,
	demoCredentials,
	writeDemoCredentials,
	exampleWorkflows,
	CREDENTIAL_IDS,
	CREDENTIAL_NAMES,
	DEMO_OWNER,
	WORKFLOW_DIR,
	REPO,
};
