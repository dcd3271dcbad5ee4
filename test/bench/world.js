'use strict';
// The world of the per-item scenarios: both emulators on 127.0.0.1 with tokens, threads and rooms,
// the four requests of issue #9 and the variants (nodes) that send them.
const { startItslearningEmulator } = require('../emulator/itslearning.ts');
const { startGenesysEmulator } = require('../emulator/genesys.ts');
const { ITS_CRED, GEN_CRED, DAY, locator, TEXT } = require('./common.js');

async function startWorld() {
	const its = await startItslearningEmulator({ tokenLifetimeSeconds: DAY });
	const gen = await startGenesysEmulator({ tokenLifetimeSeconds: DAY });
	// Reads as person 1, sends as person 2 into threads with person 3 only: the unread count of
	// person 1 never has to walk the benchmark's messages, so reads cost the same all run long.
	const itsReadToken = its.issueToken({ personId: 1, lifetimeSeconds: DAY });
	const itsSendToken = its.issueToken({ personId: 2, lifetimeSeconds: DAY });
	const genToken = gen.issueUserToken(gen.userIds[0], { lifetimeSeconds: DAY, scopes: ['chat'] });
	const roomGet = gen.createRoom(gen.userIds[0], 'Bench get room', gen.userIds.slice(1, 3));
	const itsData = (token) => ({
		serverUrl: its.url,
		clientId: 'n8n-test-client',
		clientSecret: '',
		instantMessageScope: true,
		additionalScopes: [],
		requestSigning: 'header',
		oauthTokenData: { ...token },
	});
	const credentials = [
		{ ...ITS_CRED.read, type: 'itslearningOAuth2Api', data: itsData(itsReadToken) },
		{ ...ITS_CRED.send, type: 'itslearningOAuth2Api', data: itsData(itsSendToken) },
		{
			...GEN_CRED,
			type: 'genesysCloudOAuth2Api',
			data: {
				serverUrl: 'https://custom.invalid',
				customBaseUrl: gen.url,
				customLoginUrl: '',
				grantType: 'authorizationCode',
				clientId: gen.clientId,
				clientSecret: gen.clientSecret,
				scopes: ['chat'],
				oauthTokenData: { ...genToken },
			},
		},
	];
	let counter = 0;
	// TCP connections opened to the emulators (keep-alive or not)
	const connections = { count: 0 };
	for (const emu of [its, gen]) emu.app.server.on('connection', () => connections.count++);
	return {
		connections,
		its,
		gen,
		tokens: {
			itsRead: itsReadToken.access_token,
			itsSend: itsSendToken.access_token,
			gen: genToken.access_token,
		},
		roomGet,
		credentials,
		newThread: () => its.createThread(2, [3], `Bench thread ${++counter}`).InstantMessageThreadId,
		newRoom: () =>
			gen.createRoom(gen.userIds[0], `Bench room ${++counter}`, gen.userIds.slice(1, 3)),
		setLatency(ms) {
			its.setLatency(ms);
			gen.setLatency(ms);
		},
		clear() {
			its.clearRequests();
			gen.clearRequests();
		},
		close: async () => await Promise.allSettled([its.close(), gen.close()]),
	};
}

// ---------------------------------------------------------------------------------------------
// Requests and the variants that send them

/** The four requests of the issue; `fresh()` gives a target of its own to every variant that writes. */
function requests(world) {
	const itsApi = '/restapi/personal/instantmessages';
	const chats = '/api/v2/chats';
	return [
		{
			key: 'itsUnread',
			label: 'itslearning unread count (GET)',
			credType: 'itslearningOAuth2Api',
			credential: ITS_CRED.read,
			token: world.tokens.itsRead,
			nodeType: 'itslearningInstantMessage',
			build: () => ({
				method: 'GET',
				url: `${world.its.url}${itsApi}/messagethreads/unread/count/v1`,
				params: { resource: 'unread', operation: 'getThreadsCount' },
			}),
		},
		{
			key: 'itsSend',
			label: 'itslearning send (POST)',
			credType: 'itslearningOAuth2Api',
			credential: ITS_CRED.send,
			token: world.tokens.itsSend,
			nodeType: 'itslearningInstantMessage',
			build: () => {
				const thread = world.newThread();
				return {
					method: 'POST',
					url: `${world.its.url}${itsApi}/v2`,
					body: { Text: TEXT, InstantMessageThreadId: thread },
					params: {
						resource: 'message',
						operation: 'send',
						sendTo: 'thread',
						instantMessageThreadId: locator(thread),
						text: TEXT,
					},
				};
			},
		},
		{
			key: 'genRoom',
			label: 'Genesys get room (GET)',
			credType: 'genesysCloudOAuth2Api',
			credential: GEN_CRED,
			token: world.tokens.gen,
			nodeType: 'genesysChat',
			build: () => ({
				method: 'GET',
				url: `${world.gen.url}${chats}/rooms/${encodeURIComponent(world.roomGet)}`,
				params: { resource: 'room', operation: 'get', roomJid: locator(world.roomGet) },
			}),
		},
		{
			key: 'genSend',
			label: 'Genesys room send (POST)',
			credType: 'genesysCloudOAuth2Api',
			credential: GEN_CRED,
			token: world.tokens.gen,
			nodeType: 'genesysChat',
			build: () => {
				const room = world.newRoom();
				return {
					method: 'POST',
					url: `${world.gen.url}${chats}/rooms/${encodeURIComponent(room)}/messages`,
					body: { message: TEXT },
					params: {
						resource: 'roomMessage',
						operation: 'send',
						roomJid: locator(room),
						message: TEXT,
					},
				};
			},
		},
	];
}

const HTTP_REQUEST = 'n8n-nodes-base.httpRequest';
const HTTP_REQUEST_VERSION = 4.5;
const PROBE = 'n8n-nodes-bench-probe.benchProbe';

/**
 * A variant as a node: { nodeType, typeVersion, parameters, credentialTypes, credentials }.
 * b = this node, c = HTTP Request with the credential, d = HTTP Request with the token in a header,
 * a2 = bare httpRequestWithAuthentication loop (bench probe).
 */
function variantNode(
	variant,
	req,
	target,
	{ concurrency = 1, maxRequestsPerSecond = 0, continueOnFail = false } = {},
) {
	const body = target.body
		? {
				sendBody: true,
				contentType: 'json',
				specifyBody: 'json',
				jsonBody: JSON.stringify(target.body),
			}
		: {};
	const credentialsOf = () => ({
		[req.credType]: { id: req.credential.id, name: req.credential.name },
	});
	switch (variant) {
		case 'b': {
			const requestOptions = {};
			if (concurrency > 1) requestOptions.concurrency = concurrency;
			if (maxRequestsPerSecond) requestOptions.maxRequestsPerSecond = maxRequestsPerSecond;
			return {
				nodeType: req.nodeType,
				parameters: { ...target.params, requestOptions },
				credentialTypes: [req.credType],
				credentials: credentialsOf(),
				continueOnFail,
			};
		}
		case 'c':
			return {
				nodeType: HTTP_REQUEST,
				typeVersion: HTTP_REQUEST_VERSION,
				parameters: {
					method: target.method,
					url: target.url,
					authentication: 'predefinedCredentialType',
					nodeCredentialType: req.credType,
					...body,
					options: {},
				},
				credentialTypes: [req.credType],
				credentials: credentialsOf(),
				continueOnFail,
			};
		case 'd':
			return {
				nodeType: HTTP_REQUEST,
				typeVersion: HTTP_REQUEST_VERSION,
				parameters: {
					method: target.method,
					url: target.url,
					authentication: 'none',
					sendHeaders: true,
					specifyHeaders: 'keypair',
					headerParameters: {
						parameters: [{ name: 'Authorization', value: `Bearer ${req.token}` }],
					},
					...body,
					options: {},
				},
				credentialTypes: [],
				credentials: undefined,
				continueOnFail,
			};
		case 'a2':
			return {
				nodeType: PROBE,
				typeVersion: 1,
				parameters: {
					mode: 'authLoop',
					credentialType: req.credType,
					method: target.method,
					url: target.url,
					body: target.body ? JSON.stringify(target.body) : '',
					concurrency,
				},
				credentialTypes: [req.credType],
				credentials: credentialsOf(),
				continueOnFail,
			};
		default:
			throw new Error(`variant ${variant}`);
	}
}

module.exports = { startWorld, requests, variantNode, HTTP_REQUEST, HTTP_REQUEST_VERSION, PROBE };
