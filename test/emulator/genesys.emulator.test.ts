/**
 * Tests of the Genesys Cloud Chat emulator itself, over real HTTP (undici) against the live server.
 */
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'undici';
import { startGenesysEmulator, type GenesysEmulator } from './genesys';

/** The 32 ChatApi operations of test/spec/genesys-chat.json (SDK method → HTTP method + path template). */
const SPEC: Record<string, [string, string]> = {
	deleteChatsRoomMessage: ['DELETE', '/api/v2/chats/rooms/{roomJid}/messages/{messageId}'],
	deleteChatsRoomMessagesPin: [
		'DELETE',
		'/api/v2/chats/rooms/{roomJid}/messages/pins/{pinnedMessageId}',
	],
	deleteChatsRoomParticipant: ['DELETE', '/api/v2/chats/rooms/{roomJid}/participants/{userId}'],
	deleteChatsUserMessage: ['DELETE', '/api/v2/chats/users/{userId}/messages/{messageId}'],
	deleteChatsUserMessagesPin: [
		'DELETE',
		'/api/v2/chats/users/{userId}/messages/pins/{pinnedMessageId}',
	],
	getChatsMessage: ['GET', '/api/v2/chats/messages/{messageId}'],
	getChatsRoom: ['GET', '/api/v2/chats/rooms/{roomJid}'],
	getChatsRoomMessage: ['GET', '/api/v2/chats/rooms/{roomJid}/messages/{messageIds}'],
	getChatsRoomMessages: ['GET', '/api/v2/chats/rooms/{roomJid}/messages'],
	getChatsRoomParticipant: ['GET', '/api/v2/chats/rooms/{roomJid}/participants/{participantJid}'],
	getChatsRoomParticipants: ['GET', '/api/v2/chats/rooms/{roomJid}/participants'],
	getChatsSettings: ['GET', '/api/v2/chats/settings'],
	getChatsThreadMessages: ['GET', '/api/v2/chats/threads/{threadId}/messages'],
	getChatsUser: ['GET', '/api/v2/chats/users/{userId}'],
	getChatsUserMessage: ['GET', '/api/v2/chats/users/{userId}/messages/{messageIds}'],
	getChatsUserMessages: ['GET', '/api/v2/chats/users/{userId}/messages'],
	getChatsUserSettings: ['GET', '/api/v2/chats/users/{userId}/settings'],
	getChatsUsersMeSettings: ['GET', '/api/v2/chats/users/me/settings'],
	patchChatsRoom: ['PATCH', '/api/v2/chats/rooms/{roomJid}'],
	patchChatsRoomMessage: ['PATCH', '/api/v2/chats/rooms/{roomJid}/messages/{messageId}'],
	patchChatsSettings: ['PATCH', '/api/v2/chats/settings'],
	patchChatsUserMessage: ['PATCH', '/api/v2/chats/users/{userId}/messages/{messageId}'],
	patchChatsUserSettings: ['PATCH', '/api/v2/chats/users/{userId}/settings'],
	patchChatsUsersMeSettings: ['PATCH', '/api/v2/chats/users/me/settings'],
	postChatsRoomMessages: ['POST', '/api/v2/chats/rooms/{roomJid}/messages'],
	postChatsRoomMessagesPins: ['POST', '/api/v2/chats/rooms/{roomJid}/messages/pins'],
	postChatsRoomParticipant: ['POST', '/api/v2/chats/rooms/{roomJid}/participants/{userId}'],
	postChatsRooms: ['POST', '/api/v2/chats/rooms'],
	postChatsUserMessages: ['POST', '/api/v2/chats/users/{userId}/messages'],
	postChatsUserMessagesPins: ['POST', '/api/v2/chats/users/{userId}/messages/pins'],
	putChatsMessageReactions: ['PUT', '/api/v2/chats/messages/{messageId}/reactions'],
	putChatsSettings: ['PUT', '/api/v2/chats/settings'],
};

const USER_CONTEXT_MESSAGE =
	'This request requires a user context. Client credentials cannot be used for requests to this resource.';

interface Reply {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	text: string;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	json: any;
}

interface CallOptions {
	token?: string;
	body?: unknown;
	headers?: Record<string, string>;
	query?: Record<string, string>;
}

let emu: GenesysEmulator;

async function call(method: string, path: string, options: CallOptions = {}): Promise<Reply> {
	const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
	if (options.token) headers.authorization = `Bearer ${options.token}`;
	let body: string | undefined;
	if (options.body !== undefined) {
		body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
		headers['content-type'] ??= 'application/json';
	}
	const query = options.query ? `?${new URLSearchParams(options.query).toString()}` : '';
	const res = await request(`${emu.url}${path}${query}`, {
		method: method as 'GET',
		headers,
		body,
	});
	const text = await res.body.text();
	let json: unknown;
	try {
		json = text ? JSON.parse(text) : undefined;
	} catch {
		json = undefined;
	}
	return { status: res.statusCode, headers: res.headers, text, json };
}

/** Calls a spec operation by SDK name, filling the template with encodeURIComponent'ed values like the JS SDK. */
const called = new Set<string>();
async function op(
	name: string,
	params: Record<string, string>,
	options: CallOptions = {},
): Promise<Reply> {
	const [method, template] = SPEC[name];
	const path = template.replace(/\{(\w+)\}/g, (_m, key: string) => {
		if (params[key] === undefined) throw new Error(`missing ${key} for ${name}`);
		return encodeURIComponent(params[key]);
	});
	called.add(name);
	return await call(method, path, options);
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const basic = (id: string, secret: string) =>
	`Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

async function tokenRequest(
	fields: Record<string, string>,
	headers: Record<string, string> = {},
): Promise<Reply> {
	return await call('POST', '/oauth/token', {
		body: form(fields),
		headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
	});
}

function expectErrorBody(reply: Reply, status: number, code: string) {
	expect(reply.status).toBe(status);
	expect(reply.json).toMatchObject({ status, code, details: [], errors: [] });
	expect(typeof reply.json.message).toBe('string');
	expect(reply.json.contextId).toBe(reply.headers['inin-correlation-id']);
}

beforeAll(async () => {
	emu = await startGenesysEmulator();
});

afterAll(async () => {
	await emu.close();
});

afterEach(() => {
	emu.clearFaults();
	emu.setRateLimit(undefined);
	emu.settings.reactionsEnabled = true;
});

describe('route table', () => {
	it('serves exactly the 32 spec operations (plus the token introspection extras)', () => {
		const served = emu.routes.filter((r) => r.operation in SPEC);
		expect(served).toHaveLength(32);
		for (const route of served) expect(SPEC[route.operation]).toEqual([route.method, route.path]);
		expect(emu.routes.filter((r) => !(r.operation in SPEC)).map((r) => r.operation)).toEqual([
			'getTokensMe',
			'deleteTokensMe',
			'getUsersChatsMe',
			'getUsersMe',
			'postUsersSearch',
			'getUsers',
		]);
	});

	it('answers every one of the 32 operations over HTTP with a 2xx', async () => {
		const [u0, u1, u2] = emu.users;
		const me = emu.issueUserToken(u0.id).access_token;
		const admin = emu.issueClientToken().access_token;
		const expectStatus = (reply: Reply, status: number) =>
			expect({ status: reply.status, body: reply.json }).toMatchObject({ status });

		const created = await op(
			'postChatsRooms',
			{},
			{ token: me, body: { subject: 'Smoke', userIds: [u1.id] } },
		);
		expectStatus(created, 200);
		const roomJid: string = created.json.jid;
		expect(roomJid).toMatch(/^adhoc-\d+@conference\.example\.orgspan\.com$/);
		expectStatus(await op('getChatsRoom', { roomJid }, { token: me }), 200);
		const patched = await op(
			'patchChatsRoom',
			{ roomJid },
			{ token: me, body: { description: 'smoke test' } },
		);
		expect([patched.status, patched.text]).toEqual([200, '']);
		expectStatus(
			await op('postChatsRoomParticipant', { roomJid, userId: u2.id }, { token: me }),
			204,
		);
		expectStatus(await op('getChatsRoomParticipants', { roomJid }, { token: me }), 200);
		expectStatus(
			await op('getChatsRoomParticipant', { roomJid, participantJid: u2.jid }, { token: me }),
			200,
		);
		expectStatus(
			await op('deleteChatsRoomParticipant', { roomJid, userId: u2.id }, { token: me }),
			204,
		);
		const sent = await op(
			'postChatsRoomMessages',
			{ roomJid },
			{ token: me, body: { message: 'hello' } },
		);
		expectStatus(sent, 200);
		const messageId: string = sent.json.id;
		expectStatus(
			await op(
				'patchChatsRoomMessage',
				{ roomJid, messageId },
				{ token: me, body: { message: 'hello!' } },
			),
			200,
		);
		expectStatus(
			await op('getChatsRoomMessage', { roomJid, messageIds: messageId }, { token: me }),
			200,
		);
		expectStatus(await op('getChatsRoomMessages', { roomJid }, { token: me }), 200);
		expectStatus(
			await op(
				'postChatsRoomMessagesPins',
				{ roomJid },
				{ token: me, body: { pinnedMessageIds: [messageId] } },
			),
			204,
		);
		expectStatus(
			await op(
				'deleteChatsRoomMessagesPin',
				{ roomJid, pinnedMessageId: messageId },
				{ token: me },
			),
			204,
		);
		const message = await op('getChatsMessage', { messageId }, { token: me });
		expectStatus(message, 200);
		expectStatus(
			await op('getChatsThreadMessages', { threadId: message.json.thread.id }, { token: me }),
			200,
		);
		expectStatus(
			await op(
				'putChatsMessageReactions',
				{ messageId },
				{ token: me, body: { reactions: ['👍'] } },
			),
			204,
		);
		expectStatus(await op('deleteChatsRoomMessage', { roomJid, messageId }, { token: me }), 204);

		const direct = await op(
			'postChatsUserMessages',
			{ userId: u1.id },
			{ token: me, body: { message: 'hi' } },
		);
		expectStatus(direct, 200);
		const directId: string = direct.json.id;
		expectStatus(
			await op(
				'patchChatsUserMessage',
				{ userId: u1.id, messageId: directId },
				{ token: me, body: { message: 'hi!' } },
			),
			200,
		);
		expectStatus(
			await op('getChatsUserMessage', { userId: u1.id, messageIds: directId }, { token: me }),
			200,
		);
		expectStatus(await op('getChatsUserMessages', { userId: u1.id }, { token: me }), 200);
		expectStatus(
			await op(
				'postChatsUserMessagesPins',
				{ userId: u1.id },
				{ token: me, body: { pinnedMessageIds: [directId] } },
			),
			204,
		);
		expectStatus(await op('getChatsUser', { userId: u1.id }, { token: me }), 200);
		expectStatus(
			await op(
				'deleteChatsUserMessagesPin',
				{ userId: u1.id, pinnedMessageId: directId },
				{ token: me },
			),
			204,
		);
		expectStatus(
			await op('deleteChatsUserMessage', { userId: u1.id, messageId: directId }, { token: me }),
			204,
		);

		expectStatus(await op('getChatsSettings', {}, { token: admin }), 200);
		expectStatus(
			await op(
				'putChatsSettings',
				{},
				{ token: admin, body: { messageRetentionPeriodDays: 365, reactionsEnabled: true } },
			),
			200,
		);
		expectStatus(
			await op(
				'patchChatsSettings',
				{},
				{ token: admin, body: { messageRetentionPeriodDays: 400 } },
			),
			200,
		);
		expectStatus(await op('getChatsUserSettings', { userId: u1.id }, { token: admin }), 200);
		expectStatus(
			await op(
				'patchChatsUserSettings',
				{ userId: u1.id },
				{ token: admin, body: { mobile: { notifications: { when: 'Always' } } } },
			),
			200,
		);
		expectStatus(await op('getChatsUsersMeSettings', {}, { token: me }), 200);
		expectStatus(
			await op('patchChatsUsersMeSettings', {}, { token: me, body: { muted: true } }),
			200,
		);

		expect([...called].sort()).toEqual(Object.keys(SPEC).sort());
	});
});

describe('OAuth2', () => {
	it('issues a client-credentials token with HTTP Basic (no refresh token) that works on tokens/me', async () => {
		const reply = await tokenRequest(
			{ grant_type: 'client_credentials' },
			{ authorization: basic(emu.clientId, emu.clientSecret) },
		);
		expect(reply.status).toBe(200);
		expect(reply.json).toEqual({
			access_token: expect.any(String),
			token_type: 'bearer',
			expires_in: 86400,
		});
		expect(reply.headers['inin-correlation-id']).toEqual(expect.any(String));

		const info = await call('GET', '/api/v2/tokens/me', { token: reply.json.access_token });
		expect(info.status).toBe(200);
		expect(info.json).toMatchObject({
			organization: { id: expect.any(String), name: 'Example Org' },
			OAuthClient: { id: emu.clientId },
			authorizedScope: [],
		});
		expect(emu.requests.at(-1)?.token).toBe(reply.json.access_token);
	});

	it('accepts client_id/client_secret in the form body and rejects a bad client with invalid_client', async () => {
		const good = await tokenRequest({
			grant_type: 'client_credentials',
			client_id: emu.clientId,
			client_secret: emu.clientSecret,
		});
		expect(good.status).toBe(200);

		const bad = await tokenRequest(
			{ grant_type: 'client_credentials' },
			{ authorization: basic(emu.clientId, 'wrong') },
		);
		expect(bad.status).toBe(401);
		expect(bad.json).toEqual({
			error: 'invalid_client',
			description: expect.any(String),
			error_description: expect.any(String),
		});
		expect(
			(
				await tokenRequest(
					{ grant_type: 'password' },
					{ authorization: basic(emu.clientId, emu.clientSecret) },
				)
			).json.error,
		).toBe('unsupported_grant_type');
	});

	it('runs the authorization-code flow with PKCE (public client), then refreshes', async () => {
		const verifier = randomBytes(64).toString('base64url');
		const challenge = createHash('sha256').update(verifier).digest('base64url');
		const redirectUri = 'http://localhost:5678/rest/oauth2-credential/callback';
		const authorize = await call('GET', '/oauth/authorize', {
			query: {
				response_type: 'code',
				client_id: emu.clientId,
				redirect_uri: redirectUri,
				state: 'xyz',
				code_challenge: challenge,
				code_challenge_method: 'S256',
			},
		});
		expect(authorize.status).toBe(302);
		const location = new URL(String(authorize.headers.location));
		expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
		expect(location.searchParams.get('state')).toBe('xyz');
		const code = location.searchParams.get('code') ?? '';

		const base = {
			grant_type: 'authorization_code',
			code,
			redirect_uri: redirectUri,
			client_id: emu.clientId,
		};
		const wrong = await tokenRequest({ ...base, code_verifier: 'not-the-verifier' });
		expect([wrong.status, wrong.json.error]).toEqual([400, 'invalid_grant']);

		const token = await tokenRequest({ ...base, code_verifier: verifier });
		expect(token.status).toBe(200);
		expect(token.json).toEqual({
			access_token: expect.any(String),
			token_type: 'bearer',
			expires_in: 86400,
			refresh_token: expect.any(String),
		});
		const settings = await call('GET', '/api/v2/chats/users/me/settings', {
			token: token.json.access_token,
		});
		expect(settings.status).toBe(200);

		const reused = await tokenRequest({ ...base, code_verifier: verifier });
		expect([reused.status, reused.json.error]).toEqual([400, 'invalid_grant']);

		const refreshed = await tokenRequest(
			{ grant_type: 'refresh_token', refresh_token: token.json.refresh_token },
			{ authorization: basic(emu.clientId, emu.clientSecret) },
		);
		expect(refreshed.status).toBe(200);
		expect(refreshed.json.access_token).not.toBe(token.json.access_token);
		expect(
			(await call('GET', '/api/v2/tokens/me', { token: refreshed.json.access_token })).json
				.authorizedScope,
		).toEqual(['chat']);
	});

	it('requires a secret for a code grant without PKCE', async () => {
		const redirectUri = 'http://localhost/cb';
		const authorize = await call('GET', '/oauth/authorize', {
			query: { response_type: 'code', client_id: emu.clientId, redirect_uri: redirectUri },
		});
		const code = new URL(String(authorize.headers.location)).searchParams.get('code') ?? '';
		const fields = { grant_type: 'authorization_code', code, redirect_uri: redirectUri };
		expect((await tokenRequest({ ...fields, client_id: emu.clientId })).status).toBe(401);
		expect(
			(await tokenRequest(fields, { authorization: basic(emu.clientId, emu.clientSecret) })).status,
		).toBe(200);
		expect(
			(
				await tokenRequest(
					{ ...fields, code: 'bogus' },
					{ authorization: basic(emu.clientId, emu.clientSecret) },
				)
			).json.error,
		).toBe('invalid_grant');
	});

	it('answers 401 ErrorBody without, with an unknown, and with an expired token', async () => {
		const missing = await call('GET', '/api/v2/chats/settings');
		expectErrorBody(missing, 401, 'authentication.required');
		expectErrorBody(
			await call('GET', '/api/v2/chats/settings', { token: 'nope' }),
			401,
			'bad.credentials',
		);
		const token = emu.issueUserToken(emu.userIds[0]).access_token;
		emu.expireToken(token);
		expectErrorBody(await call('GET', '/api/v2/chats/settings', { token }), 401, 'bad.credentials');
	});

	it('refuses client-credentials tokens on user operations, allows them on org and other-user settings', async () => {
		const admin = emu.issueClientToken().access_token;
		const roomJid = emu.createRoom(emu.userIds[0], 'cc');
		const send = await op(
			'postChatsRoomMessages',
			{ roomJid },
			{ token: admin, body: { message: 'x' } },
		);
		expectErrorBody(send, 400, 'bad.request');
		expect(send.json.message).toBe(USER_CONTEXT_MESSAGE);
		expect((await op('getChatsUsersMeSettings', {}, { token: admin })).json.message).toBe(
			USER_CONTEXT_MESSAGE,
		);
		expect((await op('getChatsSettings', {}, { token: admin })).status).toBe(200);
		expect(
			(await op('getChatsUserSettings', { userId: emu.userIds[2] }, { token: admin })).status,
		).toBe(200);
	});

	it('enforces the chat scope on user tokens', async () => {
		const readonly = emu.issueUserToken(emu.userIds[0], { scopes: ['chat:readonly'] }).access_token;
		expect((await op('getChatsUsersMeSettings', {}, { token: readonly })).status).toBe(200);
		expect(
			(await op('getChatsUserMessages', { userId: emu.userIds[1] }, { token: readonly })).status,
		).toBe(200);
		expectErrorBody(
			await op('postChatsRooms', {}, { token: readonly, body: { subject: 'x' } }),
			403,
			'missing.permissions',
		);
	});
});

describe('rooms, messages and history', () => {
	it('creates a room, joins, sends, and walks 250+ messages backwards with before= exactly once', async () => {
		const [owner, joiner] = emu.users;
		const ownerToken = emu.issueUserToken(owner.id).access_token;
		const joinerToken = emu.issueUserToken(joiner.id).access_token;
		const roomJid: string = (
			await op('postChatsRooms', {}, { token: ownerToken, body: { subject: 'History' } })
		).json.jid;

		expectErrorBody(
			await op(
				'postChatsRoomMessages',
				{ roomJid },
				{ token: joinerToken, body: { message: 'too early' } },
			),
			403,
			'not.authorized',
		);
		expect(
			(await op('postChatsRoomParticipant', { roomJid, userId: joiner.id }, { token: joinerToken }))
				.status,
		).toBe(204);
		emu.addRoomMessages(roomJid, owner.id, 250, { start: new Date('2026-01-01T00:00:00.000Z') });
		const sent = await op(
			'postChatsRoomMessages',
			{ roomJid },
			{ token: joinerToken, body: { message: 'latest' } },
		);
		expect(sent.status).toBe(200);

		const seen = new Map<string, number>();
		let before: string | undefined;
		let pages = 0;
		for (;;) {
			const page = await op(
				'getChatsRoomMessages',
				{ roomJid },
				{ token: joinerToken, query: { limit: '100', ...(before && { before }) } },
			);
			expect(page.status).toBe(200);
			expect(Object.keys(page.json)).toEqual(['entities']);
			const entities: Array<{ id: string; dateCreated: string }> = page.json.entities;
			if (!entities.length) break;
			pages++;
			const dates = entities.map((e) => Date.parse(e.dateCreated));
			expect(dates).toEqual([...dates].sort((a, b) => b - a));
			for (const e of entities) seen.set(e.id, (seen.get(e.id) ?? 0) + 1);
			before = entities[entities.length - 1].dateCreated;
		}
		expect(pages).toBe(3);
		expect(seen.size).toBe(251);
		expect([...seen.values()].every((n) => n === 1)).toBe(true);
		expect(seen.has(sent.json.id)).toBe(true);
		expect(
			emu.requests.filter((r) => r.rawPath.endsWith('/messages') && r.method === 'GET').at(-1)
				?.rawPath,
		).toContain('%40conference');
	});

	it('pages forward with after=, caps limit at 100, rejects malformed dates, keeps before strictly exclusive on ties', async () => {
		const [u0] = emu.users;
		const token = emu.issueUserToken(u0.id).access_token;
		const roomJid = emu.createRoom(u0.id, 'Paging');
		const start = new Date('2026-02-01T00:00:00.000Z');
		const seeded = emu.addRoomMessages(roomJid, u0.id, 150, { start });

		const capped = await op(
			'getChatsRoomMessages',
			{ roomJid },
			{ token, query: { limit: '500' } },
		);
		expect(capped.json.entities).toHaveLength(100);
		expect((await op('getChatsRoomMessages', { roomJid }, { token })).json.entities).toHaveLength(
			25,
		);

		const forward = await op(
			'getChatsRoomMessages',
			{ roomJid },
			{ token, query: { after: seeded[9].dateCreated.toISOString(), limit: '5' } },
		);
		expect(forward.json.entities.map((e: { id: string }) => e.id)).toEqual(
			seeded
				.slice(10, 15)
				.map((m) => m.id)
				.reverse(),
		);

		const bad = await op(
			'getChatsRoomMessages',
			{ roomJid },
			{ token, query: { before: 'yesterday' } },
		);
		expectErrorBody(bad, 400, 'invalid.date');
		expectErrorBody(
			await op('getChatsRoomMessages', { roomJid }, { token, query: { limit: 'ten' } }),
			400,
			'invalid.value',
		);

		const bulkJid = emu.createRoom(u0.id, 'Bulk');
		const started = Date.now();
		const bulk = emu.addRoomMessages(bulkJid, u0.id, 600, { start, stepMs: 250 });
		expect(Date.now() - started).toBeLessThan(1000);
		expect(bulk[599].dateCreated.getTime() - bulk[0].dateCreated.getTime()).toBe(599 * 250);

		const tiesJid = emu.createRoom(u0.id, 'Ties');
		const ties = emu.addRoomMessages(tiesJid, u0.id, 30, { start, stepMs: 0 });
		const first = await op('getChatsRoomMessages', { roomJid: tiesJid }, { token });
		expect(first.json.entities).toHaveLength(25);
		const oldest = first.json.entities[24].dateCreated;
		expect(
			(await op('getChatsRoomMessages', { roomJid: tiesJid }, { token, query: { before: oldest } }))
				.json.entities,
		).toHaveLength(0);
		const inclusive = new Date(Date.parse(oldest) + 1).toISOString();
		const again = await op(
			'getChatsRoomMessages',
			{ roomJid: tiesJid },
			{ token, query: { before: inclusive, limit: '100' } },
		);
		expect(new Set(again.json.entities.map((e: { id: string }) => e.id))).toEqual(
			new Set(ties.map((m) => m.id)),
		);
	});

	it('routes %2C message id lists and %40 JIDs, and splits them into ids after decoding', async () => {
		const [u0, u1] = emu.users;
		const token = emu.issueUserToken(u0.id).access_token;
		const roomJid = emu.createRoom(u0.id, 'Encoding', [u1.id]);
		const [a, b, c] = emu.addRoomMessages(roomJid, u1.id, 3);

		emu.clearRequests();
		const reply = await op(
			'getChatsRoomMessage',
			{ roomJid, messageIds: `${a.id},${c.id}` },
			{ token },
		);
		expect(reply.status).toBe(200);
		expect(reply.json.entities.map((e: { id: string }) => e.id)).toEqual([a.id, c.id]);
		const record = emu.requests[0];
		expect(record.rawPath).toBe(
			`/api/v2/chats/rooms/${roomJid.replace('@', '%40')}/messages/${a.id}%2C${c.id}`,
		);

		const unencoded = await call('GET', `/api/v2/chats/rooms/${roomJid}/messages/${b.id},${a.id}`, {
			token,
		});
		expect(unencoded.json.entities.map((e: { id: string }) => e.id)).toEqual([b.id, a.id]);

		const participant = await op(
			'getChatsRoomParticipant',
			{ roomJid, participantJid: u1.jid },
			{ token },
		);
		expect(participant.json).toEqual({ participantJid: u1.jid });
		expect(emu.requests.at(-1)?.rawPath).toContain(u1.jid.replace('@', '%40'));
		expectErrorBody(
			await op('getChatsRoomParticipant', { roomJid, participantJid: emu.users[4].jid }, { token }),
			404,
			'not.found',
		);
		expectErrorBody(
			await op('getChatsRoom', { roomJid: 'adhoc-999@conference.example.orgspan.com' }, { token }),
			404,
			'not.found',
		);
	});

	it('edits (author only), reads the full message, and deletes', async () => {
		const [u0, u1] = emu.users;
		const t0 = emu.issueUserToken(u0.id).access_token;
		const t1 = emu.issueUserToken(u1.id).access_token;
		const roomJid = emu.createRoom(u0.id, 'Edit', [u1.id]);
		const sent = await op(
			'postChatsRoomMessages',
			{ roomJid },
			{ token: t0, body: { message: 'v1', mentions: [u1.id] } },
		);
		const messageId: string = sent.json.id;
		expectErrorBody(
			await op(
				'patchChatsRoomMessage',
				{ roomJid, messageId },
				{ token: t1, body: { message: 'hijack' } },
			),
			403,
			'not.authorized',
		);
		expectErrorBody(
			await op('postChatsRoomMessages', { roomJid }, { token: t0, body: {} }),
			400,
			'invalid.value',
		);
		expect(
			(
				await op(
					'patchChatsRoomMessage',
					{ roomJid, messageId },
					{ token: t0, body: { message: 'v2' } },
				)
			).json,
		).toEqual({ id: messageId });

		const full = await op('getChatsMessage', { messageId }, { token: t1 });
		expect(full.json).toMatchObject({
			id: messageId,
			body: 'v2',
			edited: true,
			toJid: roomJid,
			jid: u0.jid,
			mentions: { [u1.id]: u1.jid },
			thread: { id: `thread-${messageId}` },
			user: { id: u0.id },
			reactions: [],
		});
		expect(Date.parse(full.json.dateModified)).toBeGreaterThanOrEqual(
			Date.parse(full.json.dateCreated),
		);

		const deleted = await op('deleteChatsRoomMessage', { roomJid, messageId }, { token: t0 });
		expect([deleted.status, deleted.text]).toEqual([204, '']);
		expectErrorBody(await op('getChatsMessage', { messageId }, { token: t0 }), 404, 'not.found');
	});

	it('threads: replies carry thread and parentThread; thread history holds root and replies', async () => {
		const [u0] = emu.users;
		const token = emu.issueUserToken(u0.id).access_token;
		const roomJid = emu.createRoom(u0.id, 'Threads');
		const root: string = (
			await op('postChatsRoomMessages', { roomJid }, { token, body: { message: 'root' } })
		).json.id;
		const threadId = `thread-${root}`;
		const reply: string = (
			await op(
				'postChatsRoomMessages',
				{ roomJid },
				{ token, body: { message: 'reply', threadId } },
			)
		).json.id;
		expect((await op('getChatsMessage', { messageId: reply }, { token })).json).toMatchObject({
			thread: { id: threadId },
			parentThread: { id: threadId },
		});
		const history = await op('getChatsThreadMessages', { threadId }, { token });
		expect(history.json.entities.map((e: { id: string }) => e.id)).toEqual([reply, root]);
		expectErrorBody(
			await op(
				'postChatsRoomMessages',
				{ roomJid },
				{ token, body: { message: 'x', threadId: 'thread-nope' } },
			),
			400,
			'invalid.value',
		);
		expectErrorBody(
			await op('getChatsThreadMessages', { threadId: 'thread-nope' }, { token }),
			404,
			'not.found',
		);
	});

	it('1on1s are between the token user and {userId}, with the same message handling as rooms', async () => {
		const [u0, u1] = emu.users;
		const t0 = emu.issueUserToken(u0.id).access_token;
		const t1 = emu.issueUserToken(u1.id).access_token;
		const seeded = emu.addUserMessages(u1.id, u0.id, 3);
		const sent: string = (
			await op('postChatsUserMessages', { userId: u1.id }, { token: t0, body: { message: 'hey' } })
		).json.id;
		const fromOther = await op('getChatsUserMessages', { userId: u0.id }, { token: t1 });
		expect(fromOther.json.entities[0]).toMatchObject({
			id: sent,
			toJid: u1.jid,
			jid: u0.jid,
			toUser: { id: u1.id },
		});
		expect(fromOther.json.entities).toHaveLength(
			emu.getOneOnOne(u0.id, u1.id)?.messages.length ?? -1,
		);
		expectErrorBody(
			await op(
				'patchChatsUserMessage',
				{ userId: u0.id, messageId: sent },
				{ token: t1, body: { message: 'x' } },
			),
			403,
			'not.authorized',
		);
		const byIds = await op(
			'getChatsUserMessage',
			{ userId: u1.id, messageIds: `${seeded[0].id},${sent}` },
			{ token: t0 },
		);
		expect(byIds.json.entities.map((e: { id: string }) => e.id)).toEqual([seeded[0].id, sent]);
		expectErrorBody(
			await op('getChatsUserMessages', { userId: 'no-such-user' }, { token: t0 }),
			404,
			'not.found',
		);
	});
});

describe('pins, reactions, settings', () => {
	it('refuses the 6th pin with 400 invalid.value; unpin frees a slot; literal pins never hits {messageId}', async () => {
		const [u0] = emu.users;
		const token = emu.issueUserToken(u0.id).access_token;
		const roomJid = emu.createRoom(u0.id, 'Pins');
		const ids = emu.addRoomMessages(roomJid, u0.id, 6).map((m) => m.id);

		expect(
			(
				await op(
					'postChatsRoomMessagesPins',
					{ roomJid },
					{ token, body: { pinnedMessageIds: ids.slice(0, 3) } },
				)
			).status,
		).toBe(204);
		expect(
			(
				await op(
					'postChatsRoomMessagesPins',
					{ roomJid },
					{ token, body: { pinnedMessageIds: ids.slice(3, 5) } },
				)
			).status,
		).toBe(204);
		expect(
			(await op('getChatsRoom', { roomJid }, { token })).json.pinnedMessages.map(
				(p: { id: string }) => p.id,
			),
		).toEqual(ids.slice(0, 5));

		const sixth = await op(
			'postChatsRoomMessagesPins',
			{ roomJid },
			{ token, body: { pinnedMessageIds: [ids[5]] } },
		);
		expectErrorBody(sixth, 400, 'invalid.value');
		expect(sixth.json.message).toMatch(/at most 5 pinned messages/);
		expectErrorBody(
			await op('patchChatsRoom', { roomJid }, { token, body: { pinnedMessageIds: ids } }),
			400,
			'invalid.value',
		);

		expect(
			(await op('deleteChatsRoomMessagesPin', { roomJid, pinnedMessageId: ids[0] }, { token }))
				.status,
		).toBe(204);
		expect(emu.getMessage(ids[0])).toBeDefined();
		expect(
			(
				await op(
					'postChatsRoomMessagesPins',
					{ roomJid },
					{ token, body: { pinnedMessageIds: [ids[5]] } },
				)
			).status,
		).toBe(204);
		expect(emu.getRoom(roomJid)?.pinnedMessageIds).toEqual([...ids.slice(1, 5), ids[5]]);
		expectErrorBody(
			await op('deleteChatsRoomMessagesPin', { roomJid, pinnedMessageId: ids[0] }, { token }),
			404,
			'not.found',
		);
	});

	it("PUT reactions replaces the caller's set, empty clears, disabled org setting gives 400", async () => {
		const [u0, u1] = emu.users;
		const t0 = emu.issueUserToken(u0.id).access_token;
		const t1 = emu.issueUserToken(u1.id).access_token;
		const roomJid = emu.createRoom(u0.id, 'Reactions', [u1.id]);
		const [message] = emu.addRoomMessages(roomJid, u0.id, 1);
		const react = async (token: string, reactions: string[]) =>
			await op(
				'putChatsMessageReactions',
				{ messageId: message.id },
				{ token, body: { reactions } },
			);
		const view = () =>
			emu.messageJson(message.id)?.reactions.map((r) => [r.emoji, r.users.map((u) => u.id)]);

		expect((await react(t0, ['👍', '🎉'])).status).toBe(204);
		expect((await react(t1, ['👍'])).status).toBe(204);
		expect(view()).toEqual([
			['👍', [u0.id, u1.id]],
			['🎉', [u0.id]],
		]);
		await react(t0, ['❤️']);
		expect(view()).toEqual([
			['👍', [u1.id]],
			['❤️', [u0.id]],
		]);
		await react(t0, []);
		expect(view()).toEqual([['👍', [u1.id]]]);

		emu.settings.reactionsEnabled = false;
		expectErrorBody(await react(t0, ['👍']), 400, 'bad.request');
	});

	it('validates org and user settings; users/me resolves to the token user', async () => {
		const admin = emu.issueClientToken().access_token;
		const [, u1] = emu.users;
		const t1 = emu.issueUserToken(u1.id).access_token;
		expectErrorBody(
			await op('patchChatsSettings', {}, { token: admin, body: { messageRetentionPeriodDays: 5 } }),
			400,
			'invalid.value',
		);
		const patchedOrg = await op(
			'patchChatsSettings',
			{},
			{ token: admin, body: { messageRetentionPeriodDays: 30 } },
		);
		expect(patchedOrg.json).toEqual({ messageRetentionPeriodDays: 30, reactionsEnabled: true });
		expect(emu.settings.messageRetentionPeriodDays).toBe(30);
		expect(
			(await op('putChatsSettings', {}, { token: admin, body: { reactionsEnabled: true } })).json
				.messageRetentionPeriodDays,
		).toBe(365);

		const patched = await op(
			'patchChatsUsersMeSettings',
			{},
			{ token: t1, body: { mobile: { notifications: { when: 'OnlyWhenInactive' } } } },
		);
		expect(patched.json.mobile).toEqual({ notifications: { when: 'OnlyWhenInactive' } });
		expect(emu.userSettings.get(u1.id)?.mobile.notifications.when).toBe('OnlyWhenInactive');
		expect(
			(await op('getChatsUserSettings', { userId: u1.id }, { token: admin })).json.mobile
				.notifications.when,
		).toBe('OnlyWhenInactive');
		expectErrorBody(
			await op(
				'patchChatsUsersMeSettings',
				{},
				{ token: t1, body: { mobile: { notifications: { when: 'Sometimes' } } } },
			),
			400,
			'invalid.value',
		);
		expectErrorBody(
			await op('getChatsUserSettings', { userId: 'me2' }, { token: admin }),
			404,
			'not.found',
		);
	});
});

describe('faults and limits', () => {
	it('rate limit answers 429 too.many.requests with Retry-After', async () => {
		const token = emu.issueUserToken(emu.userIds[0]).access_token;
		emu.setRateLimit({ max: 3, windowMs: 60_000 });
		for (let i = 0; i < 3; i++)
			expect((await op('getChatsUsersMeSettings', {}, { token })).status).toBe(200);
		const limited = await op('getChatsUsersMeSettings', {}, { token });
		expectErrorBody(limited, 429, 'too.many.requests');
		expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
		const other = emu.issueUserToken(emu.userIds[1]).access_token;
		expect((await op('getChatsUsersMeSettings', {}, { token: other })).status).toBe(200);
	});

	it('injects a 503 with the ErrorBody shape, once', async () => {
		const token = emu.issueUserToken(emu.userIds[0]).access_token;
		emu.injectFault({
			kind: 'status',
			status: 503,
			retryAfter: 2,
			match: { path: /\/chats\/settings$/ },
		});
		const failed = await call('GET', '/api/v2/chats/settings', { token });
		expectErrorBody(failed, 503, 'service.unavailable');
		expect(failed.headers['retry-after']).toBe('2');
		expect((await call('GET', '/api/v2/chats/settings', { token })).status).toBe(200);
	});

	it('injects malformed JSON and a dropped connection', async () => {
		const token = emu.issueUserToken(emu.userIds[0]).access_token;
		emu.injectFault({ kind: 'malformed' });
		const malformed = await call('GET', '/api/v2/chats/settings', { token });
		expect(malformed.status).toBe(200);
		expect(() => JSON.parse(malformed.text)).toThrow();

		emu.injectFault({ kind: 'drop' });
		await expect(call('GET', '/api/v2/chats/settings', { token })).rejects.toThrow();
		expect((await call('GET', '/api/v2/chats/settings', { token })).status).toBe(200);
	});

	it('answers non-JSON bodies with 400 / 415 and unknown paths with 404 ErrorBody', async () => {
		const token = emu.issueUserToken(emu.userIds[0]).access_token;
		const post = async (body: string, type: string) =>
			await call('POST', '/api/v2/chats/rooms', { token, body, headers: { 'content-type': type } });
		expectErrorBody(await post('{"subject":', 'application/json'), 400, 'bad.request');
		expectErrorBody(await post('subject=x', 'text/plain'), 415, 'unsupported.media.type');
		const head = await call('HEAD', '/api/v2/tokens/me', { token });
		expect([head.status, head.text]).toEqual([200, '']);
		expectErrorBody(await call('GET', '/api/v2/chats/nothing-here', { token }), 404, 'not.found');
		expectErrorBody(await call('GET', '/elsewhere'), 404, 'not.found');
	});
});
