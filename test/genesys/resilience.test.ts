/**
 * Genesys Chat under pressure and with the different grants, through n8n-core against the
 * emulator: rate limits (429 + Retry-After) on reads and writes, which failures are retried,
 * Client Credentials (n8n fetches the token itself), Authorization Code refresh on an expired
 * token, and how errors reach the user (message, status, code, correlation id, item index,
 * Continue On Fail) without ever showing a secret.
 */
import type { IDataObject } from 'n8n-workflow';

import type { RecordedRequest } from '../emulator/core';
import {
	CREDENTIAL_TYPE,
	capture,
	clientCredential,
	errorText,
	expectedRawPath,
	jsonOf,
	run,
	select,
	specOf,
	userCredential,
	useGenesys,
	type ResponseRecord,
} from './setup';

const env = useGenesys();

const USER_CONTEXT_MESSAGE =
	'This request requires a user context. Client credentials cannot be used for requests to this resource.';
const statuses = (responses: ResponseRecord[]) => responses.map((r) => r.status);
const count = (list: number[], status: number) => list.filter((s) => s === status).length;
const pairedItems = (items: { pairedItem?: unknown }[]) => items.map((i) => i.pairedItem);
const form = (request: RecordedRequest) => new URLSearchParams(String(request.body ?? ''));
const basic = (id: string, secret: string) =>
	`Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

interface SeenError {
	message: string;
	description?: string;
	httpCode?: string;
	context: IDataObject;
	errorResponse?: IDataObject;
}
const errorOf = (result: { error?: unknown }) => result.error as SeenError;

describe('rate limits: 429 with Retry-After', () => {
	it('a read over 6 items gets every item through a 429 storm', async () => {
		const rooms = Array.from({ length: 6 }, (_, i) => env.emu.createRoom(env.me.id, `Storm ${i}`));
		env.emu.setRateLimit({ max: 2, windowMs: 1000 });
		const { result, requests, responses } = await capture(env, () =>
			run(
				env,
				{ ...select('getChatsRoom'), roomJid: '={{ $json.jid }}' },
				{ input: rooms.map((jid) => ({ json: { jid } })) },
			),
		);
		expect(result.error).toBeUndefined();
		expect(jsonOf(result).map((r) => [r.jid, r.subject])).toEqual(
			rooms.map((jid, i) => [jid, `Storm ${i}`]),
		);
		expect(pairedItems(result.items)).toEqual(rooms.map((_, i) => ({ item: i })));

		const seen = statuses(responses);
		expect(count(seen, 200)).toBe(6);
		expect(count(seen, 429)).toBeGreaterThanOrEqual(1);
		expect(count(seen, 200) + count(seen, 429)).toBe(seen.length);
		expect(requests).toHaveLength(seen.length);
		for (const r of responses.filter((x) => x.status === 429))
			expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
		// Each item's request was repeated after its 429s until it got its 200, in item order.
		const paths = requests.map((r) => r.rawPath);
		expect([...new Set(paths)]).toEqual(
			rooms.map((jid) => expectedRawPath(specOf('getChatsRoom'), { roomJid: jid })),
		);
	});

	it('a send (POST) over 6 items is retried on 429 too, and every message is created exactly once', async () => {
		const jid = env.emu.createRoom(env.me.id, 'Storm sends');
		env.emu.setRateLimit({ max: 2, windowMs: 1000 });
		const texts = Array.from({ length: 6 }, (_, i) => `Update #${i + 1}`);
		const { result, requests, responses } = await capture(env, () =>
			run(
				env,
				{ ...select('postChatsRoomMessages'), roomJid: jid, message: '={{ $json.text }}' },
				{ input: texts.map((text) => ({ json: { text } })) },
			),
		);
		expect(result.error).toBeUndefined();
		const items = jsonOf(result);
		expect(items).toHaveLength(6);
		expect(items.map((i) => env.emu.getMessage(String(i.id))?.body)).toEqual(texts);
		expect(env.emu.getRoom(jid)!.messages.map((m) => m.body)).toEqual(texts);

		const seen = statuses(responses);
		expect(count(seen, 200)).toBe(6);
		expect(count(seen, 429)).toBeGreaterThanOrEqual(1);
		expect(requests).toHaveLength(seen.length);
		expect(requests.every((r) => r.method === 'POST')).toBe(true);
		// Retries repeat the same body: some texts went out more than once, yet exist once.
		expect(new Set(requests.map((r) => (r.body as IDataObject).message))).toEqual(new Set(texts));
		expect(requests.length).toBeGreaterThan(texts.length);
	});

	it('waits as asked by Retry-After and then sends the same POST again', async () => {
		const jid = env.emu.createRoom(env.me.id, 'Two 429s');
		env.emu.injectFault({
			kind: 'status',
			status: 429,
			retryAfter: 1,
			times: 2,
			match: { method: 'POST' },
		});
		const { result, requests, responses } = await capture(env, () =>
			run(env, { ...select('postChatsRoomMessages'), roomJid: jid, message: 'after the wait' }),
		);
		expect(result.error).toBeUndefined();
		expect(statuses(responses)).toEqual([429, 429, 200]);
		expect(requests.map((r) => [r.method, r.rawPath, r.body])).toEqual(
			Array(3).fill([
				'POST',
				expectedRawPath(specOf('postChatsRoomMessages'), { roomJid: jid }),
				{ message: 'after the wait' },
			]),
		);
		expect(env.emu.getRoom(jid)!.messages.map((m) => m.body)).toEqual(['after the wait']);
	});

	it('gives up after 5 retries with the rate-limit error', async () => {
		const jid = env.emu.createRoom(env.me.id, 'Endless 429');
		env.emu.injectFault({
			kind: 'status',
			status: 429,
			retryAfter: 0,
			times: 50,
			match: { method: 'GET' },
		});
		const { result, requests, responses } = await capture(env, () =>
			run(env, { ...select('getChatsRoom'), roomJid: jid }),
		);
		const error = errorOf(result);
		expect(requests).toHaveLength(6);
		expect(statuses(responses)).toEqual(Array(6).fill(429));
		expect(error.httpCode).toBe('429');
		expect(error.message).toContain('429');
		expect(error.description).toContain('after 5 retries');
		expect(error.description).toContain('too.many.requests');
		expect(error.description).toMatch(/rate limit/i);
	});
});

describe('which failures are retried', () => {
	it('503 on a POST is not retried (the message might exist): one request, a clear error', async () => {
		const jid = env.emu.createRoom(env.me.id, '503 post');
		env.emu.injectFault({ kind: 'status', status: 503, match: { method: 'POST' } });
		const { result, requests, responses } = await capture(env, () =>
			run(env, { ...select('postChatsRoomMessages'), roomJid: jid, message: 'once only' }),
		);
		expect(requests).toHaveLength(1);
		expect(statuses(responses)).toEqual([503]);
		const error = errorOf(result);
		expect(error.httpCode).toBe('503');
		expect(error.description).toContain('Code: service.unavailable');
		expect(error.description).toContain(
			`Correlation ID: ${responses[0].headers['inin-correlation-id']}`,
		);
		expect(env.emu.getRoom(jid)!.messages).toEqual([]);
	});

	it('503 on a GET is retried until it succeeds', async () => {
		const jid = env.emu.createRoom(env.me.id, '503 get');
		env.emu.injectFault({ kind: 'status', status: 503, times: 2, match: { method: 'GET' } });
		const { result, requests, responses } = await capture(env, () =>
			run(env, { ...select('getChatsRoom'), roomJid: jid }),
		);
		expect(result.error).toBeUndefined();
		expect(statuses(responses)).toEqual([503, 503, 200]);
		expect(new Set(requests.map((r) => `${r.method} ${r.url}`)).size).toBe(1);
		expect(jsonOf(result)).toEqual([expect.objectContaining({ jid, subject: '503 get' })]);
	});

	it('a dropped connection on a GET is retried; on a POST it is not', async () => {
		const jid = env.emu.createRoom(env.me.id, 'Dropped');
		env.emu.injectFault({ kind: 'drop', match: { method: 'GET' } });
		const read = await capture(env, () => run(env, { ...select('getChatsRoom'), roomJid: jid }));
		expect(read.result.error).toBeUndefined();
		expect(read.requests).toHaveLength(2);
		expect(jsonOf(read.result)[0].jid).toBe(jid);

		env.emu.injectFault({ kind: 'drop', match: { method: 'POST' } });
		const write = await capture(env, () =>
			run(env, { ...select('postChatsRoomMessages'), roomJid: jid, message: 'lost?' }),
		);
		expect(write.requests).toHaveLength(1);
		// The message names the service; the network code is in the description.
		expect(errorOf(write.result).message).toBe(
			'Genesys Cloud could not be reached (the connection was closed)',
		);
		expect(errorOf(write.result).description).toBe(
			'Code: ECONNRESET\nRequest: POST /api/v2/chats/rooms/{roomJid}/messages (postChatsRoomMessages)',
		);
		expect(errorOf(write.result).context.itemIndex).toBe(0);
		expect(env.emu.getRoom(jid)!.messages).toEqual([]);
	});

	it('malformed JSON on a GET is retried', async () => {
		const jid = env.emu.createRoom(env.me.id, 'Malformed');
		env.emu.injectFault({ kind: 'malformed', match: { method: 'GET' } });
		const { result, requests } = await capture(env, () =>
			run(env, { ...select('getChatsRoom'), roomJid: jid }),
		);
		expect(result.error).toBeUndefined();
		expect(requests).toHaveLength(2);
		expect(jsonOf(result)[0].jid).toBe(jid);
	});

	it('400 is not retried', async () => {
		const jid = env.emu.createRoom(env.me.id, 'Bad thread');
		const { result, requests } = await capture(env, () =>
			run(env, {
				...select('postChatsRoomMessages'),
				roomJid: jid,
				message: 'reply',
				additionalFields: { threadId: 'thread-unknown' },
			}),
		);
		expect(requests).toHaveLength(1);
		expect(errorOf(result).httpCode).toBe('400');
		expect(errorOf(result).message).toContain('Invalid value for threadId');
	});
});

describe('grants', () => {
	it('Client Credentials: n8n fetches the token from the custom Login URL with Basic auth and reads the org settings', async () => {
		const cred = clientCredential(env);
		const updatesBefore = env.store.updates.length;
		const { result, requests, tokenRequests } = await capture(env, () =>
			run(env, { ...select('getChatsSettings') }, { credential: cred }),
		);
		expect(result.error).toBeUndefined();
		expect(jsonOf(result)).toEqual([{ ...env.emu.settings }]);

		expect(tokenRequests).toHaveLength(1);
		const tokenRequest = tokenRequests[0];
		expect([tokenRequest.method, tokenRequest.rawPath]).toEqual(['POST', '/oauth/token']);
		expect(tokenRequest.headers.authorization).toBe(basic(env.emu.clientId, env.emu.clientSecret));
		expect(String(tokenRequest.headers['content-type'])).toContain(
			'application/x-www-form-urlencoded',
		);
		expect(form(tokenRequest).get('grant_type')).toBe('client_credentials');
		expect(form(tokenRequest).get('client_secret')).toBeNull();

		const saved = env.store.updates.slice(updatesBefore);
		expect(saved).toHaveLength(1);
		expect(saved[0]).toMatchObject({
			type: CREDENTIAL_TYPE,
			id: cred.id,
			via: 'updateCredentialsOauthTokenData',
		});
		const accessToken = String(
			(env.store.get(CREDENTIAL_TYPE, cred.id).oauthTokenData as IDataObject).access_token,
		);
		expect(requests.map((r) => [r.method, r.rawPath, r.headers.authorization])).toEqual([
			['GET', '/api/v2/chats/settings', `Bearer ${accessToken}`],
		]);

		// The stored token is used for the next call: no second token request.
		const patched = await capture(env, () =>
			run(
				env,
				{ ...select('patchChatsSettings'), additionalFields: { reactionsEnabled: false } },
				{ credential: cred },
			),
		);
		expect(patched.result.error).toBeUndefined();
		expect(patched.tokenRequests).toHaveLength(0);
		expect(
			patched.requests.map((r) => [r.method, r.rawPath, r.body, r.headers.authorization]),
		).toEqual([
			['PATCH', '/api/v2/chats/settings', { reactionsEnabled: false }, `Bearer ${accessToken}`],
		]);
		expect(jsonOf(patched.result)).toEqual([
			{ messageRetentionPeriodDays: 365, reactionsEnabled: false },
		]);
		expect(env.emu.settings.reactionsEnabled).toBe(false);
		env.emu.settings.reactionsEnabled = true;
	});

	it('Client Credentials on a user-only call: the Genesys message, code, correlation id and the Authorization Code / PKCE hint', async () => {
		const cred = clientCredential(env);
		const jid = env.emu.createRoom(env.me.id, 'No user');
		const { result, requests, responses } = await capture(env, () =>
			run(
				env,
				{ ...select('postChatsRoomMessages'), roomJid: jid, message: 'from a robot' },
				{ credential: cred },
			),
		);
		expect(requests).toHaveLength(1);
		expect(statuses(responses)).toEqual([400]);
		const correlationId = responses[0].headers['inin-correlation-id'];
		expect(correlationId).toMatch(/^[0-9a-f-]{36}$/);
		const error = errorOf(result);
		expect(error.message).toContain(USER_CONTEXT_MESSAGE);
		expect(error.httpCode).toBe('400');
		expect(error.description).toContain('Code: bad.request');
		expect(error.description).toContain(`Correlation ID: ${correlationId}`);
		expect(error.description).toMatch(/Authorization Code or PKCE/);
		expect(error.errorResponse).toMatchObject({ code: 'bad.request', status: 400, correlationId });
		const token = String(
			(env.store.get(CREDENTIAL_TYPE, cred.id).oauthTokenData as IDataObject).access_token,
		);
		expect(errorText(result.error)).not.toContain(token);
		expect(errorText(result.error)).not.toContain(env.emu.clientSecret);
		expect(env.emu.getRoom(jid)!.messages).toEqual([]);
	});

	it('Authorization Code with an expired token: n8n refreshes it at the token URL, persists it, and the call succeeds', async () => {
		const { ref, token } = userCredential(env);
		env.emu.expireToken(token.access_token);
		const updatesBefore = env.store.updates.length;
		const { result, requests, responses, tokenRequests } = await capture(env, () =>
			run(env, { ...select('getChatsUsersMeSettings') }, { credential: ref }),
		);
		expect(result.error).toBeUndefined();
		expect(jsonOf(result)).toEqual([env.emu.userSettings.get(env.me.id)]);

		expect(tokenRequests).toHaveLength(1);
		expect(form(tokenRequests[0]).get('grant_type')).toBe('refresh_token');
		expect(form(tokenRequests[0]).get('refresh_token')).toBe(token.refresh_token);
		expect(tokenRequests[0].headers.authorization).toBe(
			basic(env.emu.clientId, env.emu.clientSecret),
		);

		const saved = env.store.updates.slice(updatesBefore);
		expect(saved).toHaveLength(1);
		expect(saved[0]).toMatchObject({
			type: CREDENTIAL_TYPE,
			id: ref.id,
			via: 'updateCredentialsOauthTokenData',
		});
		const stored = env.store.get(CREDENTIAL_TYPE, ref.id).oauthTokenData as IDataObject;
		expect(stored.access_token).not.toBe(token.access_token);
		expect(stored.refresh_token).toBe(token.refresh_token);

		expect(statuses(responses)).toEqual([401, 200]);
		expect(requests.map((r) => [r.method, r.rawPath, r.headers.authorization])).toEqual([
			['GET', '/api/v2/chats/users/me/settings', `Bearer ${token.access_token}`],
			['GET', '/api/v2/chats/users/me/settings', `Bearer ${String(stored.access_token)}`],
		]);
	});

	it('PKCE (public client, no secret) with an expired token: the refresh sends client_id in the form, no Basic header', async () => {
		const { ref, token } = userCredential(env, env.me.id, { grantType: 'pkce', clientSecret: '' });
		env.emu.expireToken(token.access_token);
		const { result, responses, tokenRequests } = await capture(env, () =>
			run(env, { ...select('getChatsUsersMeSettings') }, { credential: ref }),
		);
		expect(result.error).toBeUndefined();
		expect(statuses(responses)).toEqual([401, 200]);
		expect(tokenRequests).toHaveLength(1);
		expect(tokenRequests[0].headers.authorization).toBeUndefined();
		expect(Object.fromEntries(form(tokenRequests[0]))).toEqual({
			grant_type: 'refresh_token',
			refresh_token: token.refresh_token,
			client_id: env.emu.clientId,
		});
		expect(
			(env.store.get(CREDENTIAL_TYPE, ref.id).oauthTokenData as IDataObject).access_token,
		).not.toBe(token.access_token);
	});

	it('a token without the chat scope gets the 403 with the permissions the operation needs', async () => {
		const readOnly = env.emu.issueUserToken(env.me.id, { scopes: ['chat:readonly'] });
		const { ref } = userCredential(env, env.me.id, { oauthTokenData: { ...readOnly } });
		const jid = env.emu.createRoom(env.me.id, 'Read only');
		const { result, requests } = await capture(env, () =>
			run(
				env,
				{ ...select('postChatsRoomMessages'), roomJid: jid, message: 'nope' },
				{ credential: ref },
			),
		);
		expect(requests).toHaveLength(1);
		const error = errorOf(result);
		expect(error.httpCode).toBe('403');
		expect(error.description).toContain('Code: missing.permissions');
		expect(error.description).toContain('chat:roomMessage:add');
		expect(errorText(result.error)).not.toContain(readOnly.access_token);
	});
});

describe('errors and Continue On Fail', () => {
	const unknownRoom = 'adhoc-404@conference.example.orgspan.com';

	it('an unknown room: the Genesys message, status, code, correlation id and item index', async () => {
		const { result, requests, responses } = await capture(env, () =>
			run(env, { ...select('getChatsRoom'), roomJid: unknownRoom }),
		);
		expect(requests.map((r) => r.rawPath)).toEqual([
			expectedRawPath(specOf('getChatsRoom'), { roomJid: unknownRoom }),
		]);
		expect(statuses(responses)).toEqual([404]);
		const correlationId = responses[0].headers['inin-correlation-id'];
		const error = errorOf(result);
		expect(result.status).toBe('error');
		expect(result.items).toEqual([]);
		expect(error.message).toBe(`Genesys Cloud error 404: Room ${unknownRoom} was not found.`);
		expect(error.httpCode).toBe('404');
		expect(error.description).toContain('Code: not.found');
		expect(error.description).toContain(`Correlation ID: ${correlationId}`);
		expect(error.description).toContain('GET /api/v2/chats/rooms/{roomJid} (getChatsRoom)');
		expect(error.errorResponse).toMatchObject({
			message: `Room ${unknownRoom} was not found.`,
			status: 404,
			code: 'not.found',
			correlationId,
		});
		expect(error.context.itemIndex).toBe(0);
		expect(errorText(result.error)).not.toContain(env.userToken.access_token);
		expect(errorText(result.error)).not.toContain(String(env.userToken.refresh_token));
		expect(errorText(result.error)).not.toContain(env.emu.clientSecret);
	});

	it('the failing item’s index is reported, and the items after it are not sent', async () => {
		const jid = env.emu.createRoom(env.me.id, 'Known');
		const { result, requests } = await capture(env, () =>
			run(
				env,
				{ ...select('getChatsRoom'), roomJid: '={{ $json.jid }}' },
				{ input: [{ json: { jid } }, { json: { jid: unknownRoom } }, { json: { jid } }] },
			),
		);
		expect(requests).toHaveLength(2);
		expect(errorOf(result).context.itemIndex).toBe(1);
		expect(errorOf(result).httpCode).toBe('404');
	});

	it('with Continue On Fail the failing item becomes an error item paired with its input; the others succeed', async () => {
		const jid = env.emu.createRoom(env.me.id, 'Known');
		const { result, requests, responses } = await capture(env, () =>
			run(
				env,
				{ ...select('getChatsRoom'), roomJid: '={{ $json.jid }}' },
				{
					continueOnFail: true,
					input: [{ json: { jid } }, { json: { jid: unknownRoom } }, { json: { jid } }],
				},
			),
		);
		expect(result.error).toBeUndefined();
		expect(requests).toHaveLength(3);
		expect(statuses(responses)).toEqual([200, 404, 200]);
		const items = jsonOf(result);
		expect(items).toHaveLength(3);
		expect(pairedItems(result.items)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items[0]).toMatchObject({ jid, subject: 'Known' });
		expect(items[2]).toMatchObject({ jid, subject: 'Known' });
		expect(items[1]).toEqual({
			error: `Genesys Cloud error 404: Room ${unknownRoom} was not found.`,
			description: expect.stringContaining(
				`Correlation ID: ${responses[1].headers['inin-correlation-id']}`,
			),
			httpCode: '404',
		});
		expect(String(items[1].description)).toContain('Code: not.found');
		expect(JSON.stringify(items)).not.toContain(env.userToken.access_token);
	});

	it('Continue On Fail also covers validation errors, which send nothing', async () => {
		const { result, requests } = await capture(env, () =>
			run(
				env,
				{
					...select('patchChatsSettings'),
					additionalFields: { messageRetentionPeriodDays: '={{ $json.days }}' },
				},
				{
					continueOnFail: true,
					input: [{ json: { days: 30 } }, { json: { days: 5 } }],
				},
			),
		);
		expect(requests.map((r) => r.body)).toEqual([{ messageRetentionPeriodDays: 30 }]);
		const items = jsonOf(result);
		expect(items[0]).toEqual({ messageRetentionPeriodDays: 30, reactionsEnabled: true });
		expect(String(items[1].error)).toContain('(messageRetentionPeriodDays)');
		expect(pairedItems(result.items)).toEqual([{ item: 0 }, { item: 1 }]);
		env.emu.settings.messageRetentionPeriodDays = 365;
	});
});
