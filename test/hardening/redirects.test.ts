/**
 * Hardening 3, point 1 (issue #15): a credential never leaves the origin it was signed for. The API
 * (a raw server on 127.0.0.1) answers with a redirect to a second loopback origin (127.0.0.2); the
 * request is not followed, the node reports the redirect (status and target origin, nothing more),
 * and the second origin receives nothing at all: no token, no body. Through the built package and
 * n8n-core over real HTTP: both action nodes (a write), both list searches, both triggers (which
 * send through the same transport), the Genesys client-credentials first request and both
 * credential tests.
 */
import type { ServerResponse } from 'node:http';

import {
	CredentialStore,
	loadPackage,
	runCredentialTest,
	runPoll,
	type LoadedPackage,
} from '../harness/n8n';
import { json, startRawServer, type RawRequest, type RawServer } from './raw-server';
import {
	GEN,
	ITS,
	SECRET,
	TOKEN,
	gen,
	genCredential,
	its,
	itsCredential,
	runAction,
	runListSearch,
	visible,
} from './shared';

let pkg: LoadedPackage;
let store: CredentialStore;
let api: RawServer;
let evil: RawServer;

beforeAll(async () => {
	pkg = await loadPackage();
	store = new CredentialStore(pkg);
});
beforeEach(async () => {
	api = await startRawServer('127.0.0.1');
	evil = await startRawServer('127.0.0.2');
	evil.handle((_request, response) =>
		json(response, 200, { id: 'evil', Threads: { EntityArray: [] }, entities: [] }),
	);
});
afterEach(async () => {
	await api.close();
	await evil.close();
});

const STATUSES = [301, 302, 303, 307, 308];
const redirectTo =
	(status: number, target: () => string) => (request: RawRequest, response: ServerResponse) => {
		response.writeHead(status, {
			location: `${target()}${request.target}${request.target.includes('?') ? '&' : '?'}access_token=${TOKEN}`,
			'content-type': 'text/plain',
		});
		response.end(`Moved: ${TOKEN}`);
	};

/** The redirect was reported as such, naming the status and the target origin, with no secret. */
function expectRedirectError(text: string, status: number) {
	expect(text).toContain(`redirect (${status})`);
	expect(text).toContain(evil.url);
	expect(text).not.toContain(TOKEN);
	expect(text).not.toContain(SECRET);
}

describe('redirects are not followed; the other origin receives nothing', () => {
	it.each(STATUSES)('itslearning Send (POST) answered %i', async (status) => {
		api.handle(redirectTo(status, () => evil.url));
		const result = await runAction(
			store,
			'itslearningInstantMessage',
			its(pkg, 'sendInstantMessageV2', { text: 'the message text', instantMessageThreadId: 7 }),
			itsCredential(store, api.url),
		);
		expect(result.error).toBeDefined();
		expectRedirectError(visible(result), status);
		expect(api.requests).toHaveLength(1);
		expect(api.requests[0].method).toBe('POST');
		expect(evil.requests).toHaveLength(0);
	});

	it.each(STATUSES)(
		'itslearning Send with query signing answered %i (the token is in the URL)',
		async (status) => {
			api.handle(redirectTo(status, () => evil.url));
			const credential = itsCredential(store, api.url, { requestSigning: 'query' });
			const result = await runAction(
				store,
				'itslearningInstantMessage',
				its(pkg, 'sendInstantMessageV2', { text: 'the message text', instantMessageThreadId: 7 }),
				credential,
			);
			expectRedirectError(visible(result), status);
			expect(api.requests).toHaveLength(1);
			expect(evil.requests).toHaveLength(0);
		},
	);

	it.each(STATUSES)('Genesys room Send (POST) answered %i, continue on fail', async (status) => {
		api.handle(redirectTo(status, () => evil.url));
		const result = await runAction(
			store,
			'genesysChat',
			gen(pkg, 'postChatsRoomMessages', {
				roomJid: 'r@conference.example',
				message: 'the message text',
			}),
			genCredential(store, api.url),
			true,
		);
		expect(result.error ?? undefined).toBeUndefined();
		expectRedirectError(visible(result), status);
		expect(result.items[0].json.httpCode).toBe(String(status));
		expect(api.requests).toHaveLength(1);
		expect(evil.requests).toHaveLength(0);
	});

	it.each(STATUSES)('itslearning list search (threads) answered %i', async (status) => {
		api.handle(redirectTo(status, () => evil.url));
		const { page, error } = await runListSearch(
			store,
			'itslearningInstantMessage',
			'searchThreads',
			itsCredential(store, api.url),
		);
		expect(page).toBeUndefined();
		expectRedirectError(visible({ error }), status);
		expect(api.requests).toHaveLength(1);
		expect(evil.requests).toHaveLength(0);
	});

	it.each(STATUSES)('Genesys list search (rooms) answered %i', async (status) => {
		api.handle(redirectTo(status, () => evil.url));
		const { page, error } = await runListSearch(
			store,
			'genesysChat',
			'searchRooms',
			genCredential(store, api.url),
		);
		expect(page).toBeUndefined();
		expectRedirectError(visible({ error }), status);
		expect(api.requests).toHaveLength(1);
		expect(evil.requests).toHaveLength(0);
	});

	it.each(STATUSES)(
		'Genesys 1:1 partners: the directory request for their details answered %i keeps the names, sends nothing elsewhere',
		async (status) => {
			const partner = '5a2d9e71-0c3b-4f86-a4d2-7e1f9b3c6d58';
			const toEvil = redirectTo(status, () => evil.url);
			api.handle((request, response) =>
				request.target.startsWith('/api/v2/users/chats/me')
					? json(response, 200, {
							entities: [{ chatType: 'oneOnOne', user: { id: partner, name: 'Grace Hopper' } }],
						})
					: toEvil(request, response),
			);
			const { page, error } = await runListSearch(
				store,
				'genesysChat',
				'searchChatPartners',
				genCredential(store, api.url),
			);
			expect(error).toBeUndefined();
			expect(page?.results).toEqual([{ name: 'Grace Hopper', value: partner }]);
			expect(api.requests.map((r) => r.target.split('?')[0])).toEqual([
				'/api/v2/users/chats/me',
				'/api/v2/users',
			]);
			expect(evil.requests).toHaveLength(0);
		},
	);

	it.each([
		['itslearning', 'itslearningInstantMessageTrigger', { event: 'newMessage', options: {} }],
		['Genesys', 'genesysChatTrigger', { event: 'newMessageAnyChat', options: {} }],
	] as const)(
		'%s trigger: a poll answered 307 fails and sends nothing to the other origin',
		async (name, nodeType, parameters) => {
			api.handle(redirectTo(307, () => evil.url));
			const credential: Record<string, ReturnType<typeof itsCredential>> = name === 'Genesys'
				? { [GEN]: genCredential(store, api.url) }
				: { [ITS]: itsCredential(store, api.url) };
			let thrown: Error | undefined;
			try {
				await runPoll({ store, nodeType, parameters, credentials: credential, mode: 'manual' });
			} catch (error) {
				thrown = error as Error;
			}
			expect(thrown).toBeDefined();
			expect(visible({ error: thrown })).not.toContain(TOKEN);
			expect(api.requests.length).toBeGreaterThanOrEqual(1);
			expect(evil.requests).toHaveLength(0);
		},
	);

	it.each([307, 302])(
		'Genesys client credentials: the first request (signed by n8n after fetching a token) answered %i',
		async (status) => {
			api.handle((request, response) => {
				if (request.target.startsWith('/oauth/token'))
					return json(response, 200, {
						access_token: TOKEN,
						token_type: 'bearer',
						expires_in: 3600,
					});
				return redirectTo(status, () => evil.url)(request, response);
			});
			const credential = genCredential(store, api.url, {
				grantType: 'clientCredentials',
				oauthTokenData: undefined,
			});
			const result = await runAction(
				store,
				'genesysChat',
				gen(pkg, 'getChatsSettings'),
				credential,
			);
			expectRedirectError(visible(result), status);
			expect(api.requests.map((r) => r.target)).toEqual(['/oauth/token', '/api/v2/chats/settings']);
			expect(api.requests[1].headers.authorization).toBe(`Bearer ${TOKEN}`);
			expect(evil.requests).toHaveLength(0);
		},
	);

	it.each([
		[ITS, () => itsCredential(store, api.url)],
		[GEN, () => genCredential(store, api.url)],
	] as const)(
		'%s credential Test answered 302: fails, nothing sent to the other origin',
		async (type, credential) => {
			api.handle(redirectTo(302, () => evil.url));
			const result = await runCredentialTest({
				store,
				credentialType: type,
				credential: credential(),
			});
			expect(result.status).toBe('Error');
			expect(api.requests).toHaveLength(1);
			expect(evil.requests).toHaveLength(0);
		},
	);

	it('a redirect to the same origin is not followed either (no request is sent twice)', async () => {
		api.handle(redirectTo(308, () => api.url));
		const result = await runAction(
			store,
			'itslearningInstantMessage',
			its(pkg, 'sendInstantMessageV2', { text: 'once', instantMessageThreadId: 7 }),
			itsCredential(store, api.url),
		);
		expect(result.error?.message).toContain('redirect (308)');
		expect(api.requests).toHaveLength(1);
	});
});
