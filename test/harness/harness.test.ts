/**
 * Proves the harness against a fixture package (test/harness/fixture) and a small OAuth2 API
 * served over real HTTP on 127.0.0.1: nodes run through n8n-core's WorkflowExecute, requests go
 * out through n8n's httpRequestWithAuthentication, expired tokens are refreshed by n8n's own
 * requestOAuth2 and persisted through the CredentialsHelper.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import {
	CredentialStore,
	binaryItem,
	loadPackage,
	runNode,
	runPoll,
	type LoadedPackage,
} from './n8n';

const FIXTURE_DIR = path.join(__dirname, 'fixture');
const CLIENT_ID = 'fixture-client';
const CLIENT_SECRET = 'fixture-secret';

// ---------------------------------------------------------------------------------------------
// Fixture API: OAuth2 token endpoint with rotating refresh tokens + two protected resources
// ---------------------------------------------------------------------------------------------

interface TokenResponse {
	access_token: string;
	refresh_token: string;
	token_type: string;
	expires_in: number;
	scope: string;
}

interface RecordedRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	authorization?: string;
	body?: Record<string, string>;
}

class FixtureApi {
	baseUrl = '';

	/** Lifetime of newly issued access tokens. */
	accessTokenLifetimeMs = 60 * 60 * 1000;

	readonly requests: RecordedRequest[] = [];

	readonly messages: Array<{ id: number; channel: string; text: string }> = [];

	private readonly accessTokens = new Map<string, number>(); // token → expiry (epoch ms)

	private readonly refreshTokens = new Set<string>();

	private counter = 0;

	private server?: Server;

	async start(): Promise<void> {
		this.server = createServer((req, res) => {
			this.handle(req, res).catch((error: Error) =>
				this.send(res, 500, { message: error.message }),
			);
		});
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
	}

	async stop(): Promise<void> {
		this.server?.closeAllConnections();
		await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
	}

	/** Issues a token pair as if the user had just connected the credential in n8n. */
	issue(lifetimeMs = this.accessTokenLifetimeMs): TokenResponse {
		const n = ++this.counter;
		const tokens = {
			access_token: `access-${n}`,
			refresh_token: `refresh-${n}`,
			token_type: 'Bearer',
			expires_in: Math.round(lifetimeMs / 1000),
			scope: 'echo.read messages.read',
		};
		this.accessTokens.set(tokens.access_token, Date.now() + lifetimeMs);
		this.refreshTokens.add(tokens.refresh_token);
		return tokens;
	}

	/** Makes an access token expire now (the server then answers 401 to it). */
	expire(accessToken: string): void {
		this.accessTokens.set(accessToken, Date.now() - 1);
	}

	tokenRequests(): RecordedRequest[] {
		return this.requests.filter((request) => request.path === '/token');
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', this.baseUrl);
		const rawBody = await new Promise<string>((resolve) => {
			let body = '';
			req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
			req.on('end', () => resolve(body));
		});
		const request: RecordedRequest = {
			method: req.method ?? 'GET',
			path: url.pathname,
			query: Object.fromEntries(url.searchParams),
			authorization: req.headers.authorization,
			...(rawBody ? { body: Object.fromEntries(new URLSearchParams(rawBody)) } : {}),
		};
		this.requests.push(request);

		if (url.pathname === '/token' && req.method === 'POST') return this.token(request, res);

		const token = /^Bearer (.+)$/.exec(request.authorization ?? '')?.[1];
		const expiresAt = token === undefined ? undefined : this.accessTokens.get(token);
		if (expiresAt === undefined || expiresAt <= Date.now()) {
			return this.send(res, 401, { error: 'invalid_token', message: 'The access token expired' });
		}

		if (url.pathname === '/echo' && req.method === 'GET') {
			const x = url.searchParams.get('x') ?? '';
			if (x === 'fail') return this.send(res, 422, { message: `cannot echo "${x}"` });
			return this.send(res, 200, { x, token });
		}
		if (url.pathname === '/messages' && req.method === 'GET') {
			const after = Number(url.searchParams.get('after') ?? 0);
			const channel = url.searchParams.get('channel');
			return this.send(res, 200, {
				messages: this.messages.filter((m) => m.id > after && m.channel === channel),
			});
		}
		return this.send(res, 404, { message: 'not found' });
	}

	/** RFC 6749 token endpoint: refresh_token grant, client authenticated in the body. */
	private token(request: RecordedRequest, res: ServerResponse): void {
		const body = request.body ?? {};
		if (body.client_id !== CLIENT_ID || body.client_secret !== CLIENT_SECRET) {
			return this.send(res, 401, { error: 'invalid_client' });
		}
		if (body.grant_type !== 'refresh_token') {
			return this.send(res, 400, { error: 'unsupported_grant_type' });
		}
		if (!body.refresh_token || !this.refreshTokens.has(body.refresh_token)) {
			return this.send(res, 400, {
				error: 'invalid_grant',
				error_description: 'unknown refresh token',
			});
		}
		// Rotation: a refresh token is good for one use only.
		this.refreshTokens.delete(body.refresh_token);
		return this.send(res, 200, this.issue());
	}

	private send(res: ServerResponse, status: number, body: unknown): void {
		res.writeHead(status, { 'content-type': 'application/json' });
		res.end(JSON.stringify(body));
	}
}

// ---------------------------------------------------------------------------------------------

const api = new FixtureApi();
let pkg: LoadedPackage;

beforeAll(async () => {
	await api.start();
	pkg = await loadPackage(FIXTURE_DIR);
});

afterAll(async () => {
	await api.stop();
});

/** A store holding one connected fixture credential (tokens as n8n's OAuth callback stores them). */
function connectedCredential(tokens: TokenResponse = api.issue()) {
	const store = new CredentialStore(pkg);
	const ref = store.add('fixtureOAuth2Api', {
		baseUrl: api.baseUrl,
		clientId: CLIENT_ID,
		clientSecret: CLIENT_SECRET,
		oauthTokenData: { ...tokens },
	});
	return { store, ref, credentials: { fixtureOAuth2Api: ref } };
}

describe('loading', () => {
	test('loads nodes and credentials from package.json the way n8n does', () => {
		expect(pkg.packageName).toBe('n8n-nodes-harness-fixture');
		expect(pkg.nodeNames.sort()).toEqual([
			'n8n-nodes-harness-fixture.fixtureEcho',
			'n8n-nodes-harness-fixture.fixtureTrigger',
		]);
		expect(pkg.credentialNames).toEqual(['fixtureOAuth2Api']);
		expect(pkg.nodeTypeName('fixtureEcho')).toBe('n8n-nodes-harness-fixture.fixtureEcho');
		expect(pkg.defaultVersion('fixtureEcho')).toBe(2);
		// n8n's loader adds the Poll Times parameter to polling nodes.
		const trigger = pkg.nodeTypes.getByNameAndVersion(pkg.nodeTypeName('fixtureTrigger'), 1);
		expect(trigger.description.properties[0].name).toBe('pollTimes');
	});

	test('credential type extends oAuth2Api and its hidden expression defaults resolve', async () => {
		expect(pkg.credentialTypes.getParentTypes('fixtureOAuth2Api')).toEqual(['oAuth2Api']);
		const { store, ref } = connectedCredential();
		const resolved = await store.resolve('fixtureOAuth2Api', ref.id);
		expect(resolved).toMatchObject({
			baseUrl: api.baseUrl,
			accessTokenUrl: `${api.baseUrl}/token`,
			authUrl: `${api.baseUrl}/authorize`,
			grantType: 'authorizationCode',
			authentication: 'body',
			scope: 'echo.read messages.read',
			clientId: CLIENT_ID,
		});
		expect(resolved.oauthTokenData).toMatchObject({ refresh_token: expect.any(String) });
	});

	test('unknown node names fail clearly', () => {
		expect(() => pkg.nodeTypeName('nope')).toThrow(/Unknown node type "nope"/);
	});
});

describe('runNode', () => {
	test('one output item per input item, expression parameters resolved per item, pairedItem set', async () => {
		const tokens = api.issue();
		const { store, credentials } = connectedCredential(tokens);
		const result = await runNode({
			pkg,
			store,
			nodeType: 'fixtureEcho',
			parameters: { operation: 'echo', value: '={{ $json.id }}-{{ $itemIndex }}' },
			credentials,
			input: [{ json: { id: 'a' } }, { json: { id: 'b' } }, { json: { id: 'c' } }],
		});

		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.items.map((item) => item.json.x)).toEqual(['a-0', 'b-1', 'c-2']);
		expect(result.items.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
		expect(result.items[0].json.typeVersion).toBe(2);
		// Real HTTP, signed by n8n with the stored access token.
		const echoes = api.requests.filter((r) => r.path === '/echo').slice(-3);
		expect(echoes.map((r) => r.query.x)).toEqual(['a-0', 'b-1', 'c-2']);
		expect(echoes.map((r) => r.authorization)).toEqual(
			Array(3).fill(`Bearer ${tokens.access_token}`),
		);
		expect(store.updates).toEqual([]);
		// The run data is n8n's: both nodes ran, in order.
		expect(Object.keys(result.runData)).toEqual(['Harness Input', 'Fixture Echo']);
	});

	test('typeVersion can be chosen', async () => {
		const { store, credentials } = connectedCredential();
		const result = await runNode({
			pkg,
			store,
			nodeType: 'fixtureEcho',
			typeVersion: 1,
			parameters: { operation: 'echo', value: 'v1' },
			credentials,
		});
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toMatchObject({ x: 'v1', typeVersion: 1 });
	});

	test('an expired access token is refreshed by n8n, the request retried and the rotated tokens persisted', async () => {
		const initial = api.issue();
		api.expire(initial.access_token);
		const { store, ref, credentials } = connectedCredential(initial);
		const tokenCallsBefore = api.tokenRequests().length;

		const first = await runNode({
			pkg,
			store,
			nodeType: 'fixtureEcho',
			parameters: { operation: 'echo', value: '={{ $json.n }}' },
			credentials,
			input: [{ json: { n: 1 } }, { json: { n: 2 } }],
		});

		expect(first.error).toBeUndefined();
		expect(first.items.map((item) => item.json.x)).toEqual(['1', '2']);

		// Exactly one refresh, a refresh_token grant with the stored refresh token, client in the body.
		const tokenCalls = api.tokenRequests().slice(tokenCallsBefore);
		expect(tokenCalls).toHaveLength(1);
		expect(tokenCalls[0].body).toMatchObject({
			grant_type: 'refresh_token',
			refresh_token: initial.refresh_token,
			client_id: CLIENT_ID,
			client_secret: CLIENT_SECRET,
		});

		// n8n persisted the new access AND refresh token through updateCredentialsOauthTokenData.
		expect(store.updates).toHaveLength(1);
		const update = store.updates[0];
		expect(update).toMatchObject({
			type: 'fixtureOAuth2Api',
			id: ref.id,
			via: 'updateCredentialsOauthTokenData',
		});
		const refreshed = update.data.oauthTokenData as IDataObject;
		expect(refreshed.access_token).not.toBe(initial.access_token);
		expect(refreshed.refresh_token).not.toBe(initial.refresh_token);
		expect(refreshed.access_token).toMatch(/^access-\d+$/);
		expect(refreshed.refresh_token).toMatch(/^refresh-\d+$/);
		expect(Number(refreshed.n8n_expires_at)).toBeGreaterThan(Date.now());

		// The store (n8n's database) now holds them; the rest of the credential is untouched.
		const stored = store.get('fixtureOAuth2Api', ref.id);
		expect(stored.oauthTokenData).toMatchObject({
			access_token: refreshed.access_token,
			refresh_token: refreshed.refresh_token,
		});
		expect(stored).toMatchObject({ baseUrl: api.baseUrl, clientId: CLIENT_ID });
		expect(stored).not.toHaveProperty('accessTokenUrl');

		// The retried and the following requests used the new token.
		const echoes = api.requests.filter((r) => r.path === '/echo').slice(-3);
		expect(echoes.map((r) => r.authorization)).toEqual([
			`Bearer ${initial.access_token}`,
			`Bearer ${refreshed.access_token}`,
			`Bearer ${refreshed.access_token}`,
		]);

		// The next run starts from the stored tokens: no further refresh.
		const second = await runNode({
			pkg,
			store,
			nodeType: 'fixtureEcho',
			parameters: { operation: 'echo', value: 'again' },
			credentials,
		});
		expect(second.items[0].json).toMatchObject({ x: 'again', token: refreshed.access_token });
		expect(api.tokenRequests().length).toBe(tokenCallsBefore + 1);
		expect(store.updates).toHaveLength(1);
	});

	test('a refresh token the server no longer accepts ends in n8n\'s "reconnect" error', async () => {
		const initial = api.issue();
		api.expire(initial.access_token);
		const { store, credentials } = connectedCredential({ ...initial, refresh_token: 'revoked' });

		const result = await runNode({
			pkg,
			store,
			nodeType: 'fixtureEcho',
			parameters: { operation: 'echo', value: 'x' },
			credentials,
		});
		expect(result.status).toBe('error');
		expect(result.items).toEqual([]);
		expect(result.error?.message).toMatch(/needs to be reconnected/);
		expect(store.updates).toEqual([]);
	});

	test('continueOnFail turns a failing item into an error item with pairedItem', async () => {
		const { store, credentials } = connectedCredential();
		const input = [{ json: { v: 'ok-1' } }, { json: { v: 'fail' } }, { json: { v: 'ok-2' } }];

		const result = await runNode({
			pkg,
			store,
			nodeType: 'fixtureEcho',
			parameters: { operation: 'echo', value: '={{ $json.v }}' },
			credentials,
			input,
			continueOnFail: true,
		});
		expect(result.status).toBe('success');
		expect(result.items).toHaveLength(3);
		expect(result.items[0].json.x).toBe('ok-1');
		// n8n's NodeApiError wording for an HTTP 422.
		expect(result.items[1].json.error).toBe(
			'Your request is invalid or could not be processed by the service',
		);
		expect(result.items[1].pairedItem).toEqual({ item: 1 });
		expect(result.items[2].json.x).toBe('ok-2');

		// Without it the execution fails on the item.
		const failed = await runNode({
			pkg,
			store,
			nodeType: 'fixtureEcho',
			parameters: { operation: 'echo', value: '={{ $json.v }}' },
			credentials,
			input,
		});
		expect(failed.status).toBe('error');
		expect(failed.items).toEqual([]);
		expect(failed.error).toBeDefined();
		expect(failed.error).toMatchObject({
			name: 'NodeApiError',
			httpCode: '422',
			message: 'Your request is invalid or could not be processed by the service',
			description: 'cannot echo "fail"',
		});
		expect(failed.error?.context?.itemIndex).toBe(1);
		// The items before the failing one were sent, the ones after were not.
		expect(
			api.requests
				.filter((r) => r.path === '/echo')
				.slice(-2)
				.map((r) => r.query.x),
		).toEqual(['ok-1', 'fail']);
	});

	test('binary input is readable through this.helpers.getBinaryDataBuffer', async () => {
		const { store, credentials } = connectedCredential();
		const content = Buffer.from('hello, n8n binary data\n', 'utf8');
		const result = await runNode({
			pkg,
			store,
			nodeType: 'fixtureEcho',
			parameters: { operation: 'readBinary', binaryPropertyName: 'attachment' },
			credentials,
			input: [binaryItem({ name: 'note' }, content, 'note.txt', 'text/plain', 'attachment')],
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toEqual({
			fileName: 'note.txt',
			mimeType: 'text/plain',
			bytes: content.length,
			text: content.toString('utf8'),
		});
	});

	test('n8n refuses a workflow whose node misses a required parameter', async () => {
		const { store, credentials } = connectedCredential();
		await expect(
			runNode({
				pkg,
				store,
				nodeType: 'fixtureEcho',
				parameters: { operation: 'echo' },
				credentials,
			}),
		).rejects.toThrow(/issues/i);
	});
});

describe('runPoll', () => {
	test('the first poll seeds the cursor, later polls emit new items, static data survives a restart', async () => {
		const { store, credentials } = connectedCredential();
		api.messages.push({ id: 1, channel: 'general', text: 'before activation' });

		// First production poll: seeds the cursor, emits nothing.
		const staticData: IDataObject = {};
		const first = await runPoll({
			pkg,
			store,
			nodeType: 'fixtureTrigger',
			parameters: {},
			credentials,
			staticData,
		});
		expect(first.result).toBeNull();
		expect(first.staticData).toBe(staticData);
		expect(staticData).toEqual({ lastId: 1, polls: 1 });
		expect(first.staticDataChanged).toBe(true);

		// New messages: emitted once.
		api.messages.push(
			{ id: 2, channel: 'general', text: 'hello' },
			{ id: 3, channel: 'other', text: 'elsewhere' },
		);
		const second = await runPoll({
			pkg,
			store,
			nodeType: 'fixtureTrigger',
			parameters: {},
			credentials,
			staticData,
		});
		expect(second.result).not.toBeNull();
		expect(second.result![0].map((item) => item.json)).toEqual([
			{ id: 2, channel: 'general', text: 'hello' },
		]);
		expect(staticData).toMatchObject({ lastId: 2, polls: 2 });

		// "Restart": static data as n8n would have saved and reloaded it.
		const reloaded = JSON.parse(JSON.stringify(staticData)) as IDataObject;
		const third = await runPoll({
			pkg,
			store,
			nodeType: 'fixtureTrigger',
			parameters: {},
			credentials,
			staticData: reloaded,
		});
		expect(third.result).toBeNull();
		api.messages.push({ id: 4, channel: 'general', text: 'after restart' });
		const fourth = await runPoll({
			pkg,
			store,
			nodeType: 'fixtureTrigger',
			parameters: {},
			credentials,
			staticData: reloaded,
		});
		expect(fourth.result![0].map((item) => item.json.id)).toEqual([4]);
		expect(reloaded).toMatchObject({ lastId: 4, polls: 4 });

		// The poll sent the cursor and the node parameter default.
		const lastPoll = api.requests.filter((r) => r.path === '/messages').at(-1)!;
		expect(lastPoll.query).toEqual({ channel: 'general', after: '2' });
	});

	test('manual mode ("Fetch test event") returns the newest item and leaves the cursor alone', async () => {
		const { store, credentials } = connectedCredential();
		api.messages.push({ id: 10, channel: 'manual', text: 'newest' });
		const staticData: IDataObject = { lastId: 10 };
		const { result } = await runPoll({
			pkg,
			store,
			nodeType: 'fixtureTrigger',
			parameters: { channel: 'manual' },
			credentials,
			staticData,
			mode: 'manual',
		});
		expect(result![0].map((item) => item.json.text)).toEqual(['newest']);
		expect(staticData).toEqual({ lastId: 10 });
	});

	test('a poll with an expired token refreshes and persists like an execution does', async () => {
		const initial = api.issue();
		api.expire(initial.access_token);
		const { store, ref, credentials } = connectedCredential(initial);
		const { result } = await runPoll({
			pkg,
			store,
			nodeType: 'fixtureTrigger',
			parameters: {},
			credentials,
			staticData: { lastId: 0 },
		});
		expect(result).not.toBeNull();
		expect(store.updates).toHaveLength(1);
		const stored = store.get('fixtureOAuth2Api', ref.id).oauthTokenData as IDataObject;
		expect(stored.refresh_token).not.toBe(initial.refresh_token);
		expect(stored.access_token).not.toBe(initial.access_token);
	});
});
