/**
 * Hardening regressions (issue #6), each through the built package and n8n-core over real HTTP:
 * path values that try to leave their template, secrets and plain http, token redaction, time
 * budgets (Retry-After, whole-response timeout, cancelling), multipart uploads, and the smaller
 * cases (Older Than + Newer Than, int64 ids, query signing after a refresh).
 */
import fc from 'fast-check';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import {
	CredentialStore,
	binaryItem,
	jsonOf,
	loadPackage,
	runCredentialTest,
	runNode,
	type LoadedPackage,
	type RunNodeResult,
} from '../harness/n8n';
import { paramsFor } from '../itslearning/setup';
import { json, startRawServer, type RawServer } from './raw-server';
import { gen as genParams } from './shared';

const ITS = 'itslearningOAuth2Api';
const GEN = 'genesysCloudOAuth2Api';
const IM = '/restapi/personal/instantmessages';

let pkg: LoadedPackage;
let store: CredentialStore;
let raw: RawServer;

beforeAll(async () => {
	pkg = await loadPackage();
	store = new CredentialStore(pkg);
});
beforeEach(async () => {
	raw = await startRawServer();
});
afterEach(async () => {
	await raw.close();
});

const TOKEN = 'tok_4f1c2a9e8b7d6c5e4f3a2b1c0d9e8f7a';
const REFRESH = 'ref_9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d';
const SECRET = 'sec_Zq8X2mN4pL6vB1cR';

function itsCredential(extra: IDataObject = {}) {
	return store.add(ITS, {
		serverUrl: raw.url,
		clientId: 'n8n-test-client',
		oauthTokenData: {
			access_token: TOKEN,
			refresh_token: REFRESH,
			token_type: 'bearer',
			expires_in: 3600,
		},
		...extra,
	});
}
function genCredential(extra: IDataObject = {}) {
	return store.add(GEN, {
		serverUrl: 'https://custom.invalid',
		customBaseUrl: raw.url,
		grantType: 'authorizationCode',
		clientId: 'genesys-client',
		clientSecret: SECRET,
		scopes: ['chat'],
		oauthTokenData: {
			access_token: TOKEN,
			refresh_token: REFRESH,
			token_type: 'bearer',
			expires_in: 3600,
		},
		...extra,
	});
}

const its = (sdkMethod: string, values: IDataObject = {}, extra: IDataObject = {}) =>
	paramsFor(pkg, sdkMethod, values, extra);
/** Genesys parameters (shared.ts builds them from the row and the node's properties). */
const gen = (
	sdkMethod: string,
	values: IDataObject = {},
	extra: IDataObject = {},
): INodeParameters => genParams(pkg, sdkMethod, values, extra);

async function runIts(
	parameters: INodeParameters,
	options: {
		credential?: ReturnType<typeof itsCredential>;
		continueOnFail?: boolean;
		input?: ReturnType<typeof binaryItem>[];
		cancelAfterMs?: number;
	} = {},
) {
	return await runNode({
		typeVersion: 1,
		store,
		nodeType: 'itslearningInstantMessage',
		parameters,
		credentials: { [ITS]: options.credential ?? itsCredential() },
		...(options.input ? { input: options.input } : {}),
		...(options.continueOnFail ? { continueOnFail: true } : {}),
		...(options.cancelAfterMs !== undefined ? { cancelAfterMs: options.cancelAfterMs } : {}),
	});
}
async function runGen(
	parameters: INodeParameters,
	options: { credential?: ReturnType<typeof genCredential>; continueOnFail?: boolean } = {},
) {
	return await runNode({
		typeVersion: 1,
		store,
		nodeType: 'genesysChat',
		parameters,
		credentials: { [GEN]: options.credential ?? genCredential() },
		...(options.continueOnFail ? { continueOnFail: true } : {}),
	});
}

/** All a user could see of an error, as one text. */
function visible(result: RunNodeResult): string {
	const e = result.error as unknown as Record<string, unknown> | undefined;
	const parts = [JSON.stringify(jsonOf(result))];
	if (e)
		parts.push(
			String(e.message),
			String(e.description ?? ''),
			JSON.stringify(e.context ?? {}),
			JSON.stringify(e.errorResponse ?? {}),
			JSON.stringify(e.messages ?? []),
			JSON.stringify(e),
		);
	return parts.join('\n');
}

// ---------------------------------------------------------------------------------------------

describe('1. path values never leave their template', () => {
	it.each([
		[
			'Genesys Get User Settings',
			() => runGen(gen('getChatsUserSettings', { userId: '..' })),
			'userId',
		],
		[
			'Genesys Update User Settings',
			() => runGen(gen('patchChatsUserSettings', { userId: '.' })),
			'userId',
		],
		[
			'Genesys room message by IDs, blank list',
			() => runGen(gen('getChatsRoomMessage', { roomJid: 'r@conference.x', messageIds: '   ' })),
			'messageIds',
		],
		[
			'Genesys room message by IDs, an ID with a comma',
			() => runGen(gen('getChatsRoomMessage', { roomJid: 'r@conference.x', messageIds: ['a,b'] })),
			'messageIds',
		],
		[
			'Genesys room message by IDs, a dot segment in a list of one',
			() => runGen(gen('getChatsRoomMessage', { roomJid: 'r@conference.x', messageIds: ['..'] })),
			'messageIds',
		],
		[
			'Genesys room, a lone surrogate',
			() => runGen(gen('getChatsRoom', { roomJid: 'room\uD800' })),
			'roomJid',
		],
		['Genesys room, blank JID', () => runGen(gen('getChatsRoom', { roomJid: '  ' })), 'roomJid'],
		[
			'itslearning register channel',
			() => runIts(its('registerCommunicationChannel', { channelId: '..' })),
			'channelId',
		],
	])('%s: refused with an error naming the field, nothing sent', async (_name, run, field) => {
		const result = await run();
		expect(result.error?.message).toContain(`(${field})`);
		expect(raw.requests).toHaveLength(0);
	});

	it('any text as a path value stays one path segment, encoded as the SDKs encode it, or is refused before sending', async () => {
		raw.handle((_request, response) => json(response, 200, { id: 'x' }));
		await fc.assert(
			fc.asyncProperty(
				fc.oneof(
					fc
						.string()
						.filter((text) => !text.startsWith('=')) /* n8n reads a leading '=' as an expression */,
					fc.constantFrom(
						'.',
						'..',
						'%2e%2e',
						'./..',
						'/..',
						'..%2f',
						' .. ',
						'\\..',
						'?a=b',
						'#x',
						'%',
					),
				),
				async (value) => {
					raw.requests.length = 0;
					let result: RunNodeResult;
					try {
						result = await runGen(gen('getChatsUserSettings', { userId: value }));
					} catch (error) {
						// n8n itself refuses a workflow whose required field is empty.
						expect(value).toBe('');
						expect(String(error)).toMatch(/Parameter "[^"]+" is required/);
						expect(raw.requests).toHaveLength(0);
						return;
					}
					if (result.error) {
						expect(result.error.message).toContain('(userId)');
						expect(raw.requests).toHaveLength(0);
						return;
					}
					expect(raw.requests).toHaveLength(1);
					const target = raw.requests[0].target;
					const match = /^\/api\/v2\/chats\/users\/([^/?#]+)\/settings$/.exec(target);
					expect(match).not.toBeNull();
					expect(decodeURIComponent(match![1])).toBe(value);
					expect(match![1]).toBe(encodeURIComponent(value));
				},
			),
			{ numRuns: 60 },
		);
	});
});

// ---------------------------------------------------------------------------------------------

describe('2. secrets never travel over plain http', () => {
	it('a Genesys custom Login URL over plain http is refused before the client secret is sent', async () => {
		const credential = store.add(GEN, {
			serverUrl: 'https://custom.invalid',
			customBaseUrl: raw.url,
			customLoginUrl: 'http://login.example.com',
			grantType: 'clientCredentials',
			clientId: 'genesys-client',
			clientSecret: SECRET,
		});
		const result = await runGen(gen('getChatsSettings'), { credential });
		expect(result.error?.message).toMatch(/Genesys Cloud custom login URL must use https/);
		expect(raw.requests).toHaveLength(0);
		expect(visible(result)).not.toContain(SECRET);
	});

	it('a Genesys Region value that is none of the regions (stored through the API) sends neither token nor secret anywhere', async () => {
		const forged = {
			serverUrl: 'https://api.attacker.example',
			grantType: 'clientCredentials',
			clientId: 'genesys-client',
			clientSecret: SECRET,
		};
		const resolved = await store.resolve(GEN, store.add(GEN, forged).id);
		expect([resolved.authUrl, resolved.accessTokenUrl]).toEqual([
			'https://unknown-region.invalid/oauth/authorize',
			'https://unknown-region.invalid/oauth/token',
		]);
		const result = await runGen(gen('getChatsSettings'), { credential: store.add(GEN, forged) });
		expect(result.error?.message).toBe(
			'Unknown Genesys Cloud region "https://api.attacker.example"',
		);
		expect(raw.requests).toHaveLength(0);
		expect(visible(result)).not.toContain(SECRET);
	});

	it.each([
		[
			'itslearning',
			ITS,
			{ serverUrl: 'http://school.example.com' },
			'site-url-must-use-https.invalid',
		],
		[
			'itslearning with a login in the URL',
			ITS,
			{ serverUrl: 'https://user:pw@school.example.com' },
			'site-url-must-use-https.invalid',
		],
		[
			'Genesys',
			GEN,
			{
				serverUrl: 'https://custom.invalid',
				customBaseUrl: 'http://api.example.com',
				grantType: 'authorizationCode',
				clientSecret: SECRET,
			},
			'base-url-must-use-https.invalid',
		],
	])(
		"n8n's credential Test with a plain-http %s URL goes to an unresolvable host that says what is wrong",
		async (_name, type, data, host) => {
			const credential = store.add(type, {
				clientId: 'c',
				oauthTokenData: { access_token: TOKEN, token_type: 'bearer' },
				...data,
			});
			const test = await runCredentialTest({ store, credentialType: type, credential });
			expect(test.status).toBe('Error');
			expect(JSON.stringify(test.run.error)).toContain(host);
			expect(visible(test.run)).not.toContain(TOKEN);
		},
	);

	it("n8n's credential Test still works for https and for http on 127.0.0.1 / localhost", async () => {
		raw.handle((_request, response) => json(response, 200, { ok: true }));
		for (const siteUrl of [raw.url, raw.url.replace('127.0.0.1', 'localhost')]) {
			const credential = store.add(ITS, {
				serverUrl: siteUrl,
				clientId: 'c',
				oauthTokenData: { access_token: TOKEN, token_type: 'bearer' },
			});
			expect((await runCredentialTest({ store, credentialType: ITS, credential })).status).toBe(
				'OK',
			);
		}
		expect(raw.requests.map((r) => r.target)).toEqual([
			`${IM}/permissions/v1`,
			`${IM}/permissions/v1`,
		]);
	});

	it('the OAuth URLs n8n builds for Connect and token refresh (authorization URL, token URL) only ever point at https or loopback', async () => {
		const { ClientOAuth2 } = require('@n8n/client-oauth2') as typeof import('@n8n/client-oauth2');
		const cases: Array<[string, IDataObject, string | RegExp, string | RegExp]> = [
			[
				ITS,
				{ serverUrl: 'https://school.example.com/' },
				'https://school.example.com/oauth2/authorize.aspx',
				'https://school.example.com/restapi/oauth2/token',
			],
			[
				ITS,
				{ serverUrl: 'http://school.example.com' },
				'https://site-url-must-use-https.invalid/oauth2/authorize.aspx',
				'https://site-url-must-use-https.invalid/restapi/oauth2/token',
			],
			[
				ITS,
				{ serverUrl: 'http://localhost:5678' },
				'http://localhost:5678/oauth2/authorize.aspx',
				'http://localhost:5678/restapi/oauth2/token',
			],
			[
				ITS,
				{ serverUrl: 'http://127.0.0.1.example.com' },
				'https://site-url-must-use-https.invalid/oauth2/authorize.aspx',
				/must-use-https\.invalid/,
			],
			[
				GEN,
				{ serverUrl: 'https://api.mypurecloud.de' },
				'https://login.mypurecloud.de/oauth/authorize',
				'https://login.mypurecloud.de/oauth/token',
			],
			[
				GEN,
				{
					serverUrl: 'https://custom.invalid',
					customBaseUrl: 'https://api.example.com',
					customLoginUrl: 'http://login.example.com',
				},
				'https://login-url-must-use-https.invalid/oauth/authorize',
				/login-url-must-use-https\.invalid/,
			],
			[
				GEN,
				{ serverUrl: 'https://custom.invalid', customBaseUrl: 'http://api.example.com' },
				/login-url-must-use-https\.invalid/,
				/login-url-must-use-https\.invalid/,
			],
			[
				GEN,
				{ serverUrl: 'https://custom.invalid', customBaseUrl: 'http://127.0.0.1:9/gw' },
				'http://127.0.0.1:9/gw/oauth/authorize',
				'http://127.0.0.1:9/gw/oauth/token',
			],
		];
		for (const [type, data, authUrl, tokenUrl] of cases) {
			const ref = store.add(type, {
				clientId: 'c',
				clientSecret: 's',
				grantType: 'authorizationCode',
				...data,
			});
			// What n8n's OAuth2 controller reads: the decrypted credential with defaults and expressions resolved.
			const resolved = await store.resolve(type, ref.id);
			expect([type, data, resolved.authUrl]).toEqual([
				type,
				data,
				typeof authUrl === 'string' ? authUrl : expect.stringMatching(authUrl),
			]);
			expect([type, data, resolved.accessTokenUrl]).toEqual([
				type,
				data,
				typeof tokenUrl === 'string' ? tokenUrl : expect.stringMatching(tokenUrl),
			]);
			const client = new ClientOAuth2({
				clientId: 'c',
				clientSecret: 's',
				authorizationUri: String(resolved.authUrl),
				accessTokenUri: String(resolved.accessTokenUrl),
				redirectUri: 'http://localhost:5678/rest/oauth2-credential/callback',
				scopes: [],
			});
			const connect = new URL(client.code.getUri());
			expect(
				connect.protocol === 'https:' || ['127.0.0.1', 'localhost'].includes(connect.hostname),
			).toBe(true);
		}
	});
});

// ---------------------------------------------------------------------------------------------

describe('3. no token or secret in anything the node shows', () => {
	it('itslearning 500 echoing the token in the query, in "error" and in an ExceptionMessage object', async () => {
		raw.handle((request, response) =>
			json(response, 500, {
				error: `boom at ${request.target}`,
				Message: `failed: https://x/?access_token=${TOKEN}&b=1`,
				ExceptionMessage: {
					inner: `Authorization: Bearer ${TOKEN}`,
					url: `https://admin:pa55w0rd@db.internal/x`,
				},
			}),
		);
		const credential = itsCredential({ requestSigning: 'query' });
		for (const continueOnFail of [false, true]) {
			const result = await runIts(its('getUnreadThreadsCount'), { credential, continueOnFail });
			const text = visible(result);
			expect(text).toContain('failed');
			expect(text).not.toContain(TOKEN);
			expect(text).not.toContain('pa55w0rd');
			if (continueOnFail) expect(jsonOf(result)[0].error).toMatch(/^itslearning error 500/);
		}
	});

	it('Genesys error bodies echoing Authorization headers, JSON token pairs and percent-encoded tokens', async () => {
		raw.handle((_request, response) =>
			json(response, 400, {
				message: `bad request: Authorization: Bearer ${TOKEN}`,
				code: `bad.request refresh_token=${REFRESH}`,
				details: [
					{ errorMessage: JSON.stringify({ access_token: TOKEN, refresh_token: REFRESH }) },
				],
				errors: [{ message: `redirect=https%3A%2F%2Fx%3Faccess_token%3D${TOKEN}%26y%3D1` }],
				contextId: 'c0ffee00-0000-4000-8000-000000000000',
			}),
		);
		for (const continueOnFail of [false, true]) {
			const result = await runGen(gen('getChatsSettings'), { continueOnFail });
			const text = visible(result);
			expect(text).toContain('bad request');
			expect(text).toContain('c0ffee00-0000-4000-8000-000000000000');
			for (const secret of [TOKEN, REFRESH]) expect(text).not.toContain(secret);
		}
	});

	it('a token endpoint 500 that echoes the refresh request: no refresh token, client secret or Basic value in the error', async () => {
		const basic = Buffer.from(`genesys-client:${SECRET}`).toString('base64');
		raw.handle((request, response) => {
			if (request.target.startsWith('/oauth/token')) {
				json(response, 500, {
					message: `token failure for ${request.body.toString()} with ${String(request.headers.authorization)}`,
					echo: { authorization: request.headers.authorization, body: request.body.toString() },
				});
				return;
			}
			json(response, 401, { message: 'Token expired', code: 'bad.credentials' });
		});
		for (const continueOnFail of [false, true]) {
			const result = await runGen(gen('getChatsSettings'), { continueOnFail });
			const tokenRequest = raw.requests.find((r) => r.target.startsWith('/oauth/token'));
			expect(tokenRequest?.body.toString()).toContain(REFRESH); // the refresh really was attempted with it
			const text = visible(result);
			for (const secret of [TOKEN, REFRESH, SECRET, basic]) expect(text).not.toContain(secret);
			raw.requests.length = 0;
		}
	});

	it('the Site URL error does not echo a user:password', async () => {
		const credential = itsCredential({ serverUrl: 'ht!tp://admin:s3cretpw@school.example.com' });
		const result = await runIts(its('getUnreadThreadsCount'), { credential });
		expect(result.error?.message).toMatch(/is not a URL/);
		expect(visible(result)).not.toContain('s3cretpw');
	});

	it('the redaction step removes every secret shape, whatever the token looks like (property)', () => {
		const { Redactor } =
			require('../../dist/nodes/shared/http/redact.js') as typeof import('../../nodes/shared/http/redact');
		const token = fc.stringMatching(/^[A-Za-z0-9\-._~+/]{12,40}$/);
		fc.assert(
			fc.property(token, token, fc.string({ maxLength: 20 }), (access, refresh, noise) => {
				const redactor = new Redactor(
					Redactor.secretsOf({
						oauthTokenData: { access_token: access, refresh_token: refresh },
						clientId: 'id',
						clientSecret: 'clientsecret1',
					}),
				);
				const shapes = [
					`GET /x?access_token=${encodeURIComponent(access)}&a=1 ${noise}`,
					`{"access_token":"${access}","refresh_token": "${refresh}"}`,
					`Authorization: Bearer ${access}`,
					`${noise}${access}${noise}`,
					`body grant_type=refresh_token&refresh_token=${encodeURIComponent(refresh)}`,
					`Basic ${Buffer.from('id:clientsecret1').toString('base64')}`,
					encodeURIComponent(`?access_token=${access}`),
				];
				for (const shape of shapes) {
					const out = redactor.text(shape);
					expect(out).not.toContain(access);
					expect(out).not.toContain(encodeURIComponent(access));
					expect(out).not.toContain(refresh);
					expect(out).not.toContain('clientsecret1');
				}
			}),
			{ numRuns: 200 },
		);
		// Query tokens of other credentials are removed by shape too.
		const redactor = new Redactor();
		expect(redactor.text('x?code=abc123&state=1 client_secret=zzz')).toBe(
			'x?code=[redacted]&state=1 client_secret=[redacted]',
		);
		expect(redactor.text('see https://u:p4ss@h/x')).toBe('see https://[redacted]@h/x');
	});
});

// ---------------------------------------------------------------------------------------------

describe('4. every wait has a budget', () => {
	const inAYear = () => new Date(Date.now() + 365 * 24 * 3600 * 1000).toUTCString();

	it.each([
		['3600 seconds', () => '3600', /asked to wait 3600 s/],
		['an HTTP date a year ahead', inAYear, /asked to wait 3153\d{4}(\.\d)? s/],
	])(
		'a Retry-After of %s fails at once with what the service asked for',
		async (_name, retryAfter, asked) => {
			raw.handle((_request, response) =>
				json(response, 429, { message: 'slow down' }, { 'retry-after': retryAfter() }),
			);
			const result = await runGen(gen('getChatsSettings'));
			expect(raw.requests).toHaveLength(1);
			expect(result.error?.message).toBe('Genesys Cloud error 429: slow down');
			expect(result.error?.description).toMatch(asked);
			expect(result.error?.description).toMatch(/Max Retry Wait/);
		},
	);

	it.each(['-5', 'soon', '1e9', ''])(
		'a garbage Retry-After (%j) counts as absent: exponential back-off within the budget',
		async (retryAfter) => {
			raw.handle((_request, response) =>
				json(response, 503, { message: 'busy' }, retryAfter ? { 'retry-after': retryAfter } : {}),
			);
			// Budget 2 s: waits 1 s (back-off), then the next 2 s back-off does not fit.
			const result = await runGen(
				gen('getChatsSettings', {}, { requestOptions: { maxWaitSeconds: 2 } }),
			);
			expect(raw.requests).toHaveLength(2);
			expect(result.error?.message).toBe('Genesys Cloud error 503: busy');
			expect(result.error?.description).toMatch(/retry wait budget of this item is used up/);
		},
	);

	it('Return All: the budget covers all pages of one item', async () => {
		let calls = 0;
		raw.handle((request, response) => {
			calls++;
			// Every page is rate-limited once (Retry-After: 1), then served; pages never end.
			if (calls % 2 === 1)
				return json(response, 429, { message: 'limited' }, { 'retry-after': '1' });
			const page = Number(new URL(request.target, raw.url).searchParams.get('threadPage') ?? 0);
			json(response, 200, {
				EntityArray: [{ InstantMessageThreadId: page + 1 }],
				Total: 1000,
				CurrentPageIndex: page,
				PageSize: 1,
			});
		});
		const result = await runIts(
			its('getMessageThreadsV2', {}, { returnAll: true, requestOptions: { maxWaitSeconds: 2.5 } }),
		);
		// Two waits of 1 s fit into 2.5 s, the third does not.
		expect(raw.requests).toHaveLength(5);
		expect(result.error?.description).toMatch(
			/asked to wait 1 s before retrying \(Retry-After\), longer than the 0\.5 s left/,
		);
	});

	it('a body that trickles after the headers is cut off by the timeout, which covers the whole response', async () => {
		raw.handle((_request, response) => {
			response.writeHead(200, { 'content-type': 'application/json' });
			response.write('{"a":"');
			const timer = setInterval(() => response.write('x'), 100);
			response.on('close', () => clearInterval(timer));
		});
		const result = await runGen(
			gen('getChatsSettings', {}, { requestOptions: { timeoutSeconds: 1, maxWaitSeconds: 0 } }),
		);
		expect(raw.requests).toHaveLength(1);
		expect(result.error?.message).toBe(
			'Genesys Cloud did not answer completely within 1 s (Request Options → Timeout)',
		);
	});

	it('a connection dropped on every try ends in an error that names the service, with the network code in the description', async () => {
		raw.handle((_request, response) => {
			response.socket?.destroy();
		});
		const result = await runGen(
			gen('getChatsSettings', {}, { requestOptions: { maxWaitSeconds: 1 } }),
		);
		expect(raw.requests).toHaveLength(2);
		expect(result.error?.message).toBe(
			'Genesys Cloud could not be reached (the connection was closed) (after 1 retry)',
		);
		expect(result.error?.description).toMatch(
			/^Code: ECONNRESET\nRequest: GET \/api\/v2\/chats\/settings \(getChatsSettings\)\n/,
		);
	});

	it('a wait for a retry ends when the execution is cancelled', async () => {
		raw.handle((_request, response) =>
			json(response, 429, { Message: 'slow down' }, { 'retry-after': '30' }),
		);
		const started = Date.now();
		const result = await runIts(its('getUnreadThreadsCount'), { cancelAfterMs: 500 });
		expect(Date.now() - started).toBeLessThan(10_000);
		expect(raw.requests).toHaveLength(1);
		expect(result.run.status).toBe('canceled');
	});
});

// ---------------------------------------------------------------------------------------------

describe('5. multipart uploads', () => {
	beforeEach(() =>
		raw.handle((_request, response) =>
			json(response, 200, [{ Item1: '3f2504e0-4f89-11d3-9a0c-0305e82c3301', Item2: 'f' }]),
		),
	);

	it('a MIME type with CR/LF cannot inject a header; it is sent as application/octet-stream', async () => {
		const item = binaryItem({}, Buffer.from('hello'), 'a.txt', 'text/plain\r\nX-Injected: 1');
		const result = await runIts(its('uploadAttachment'), { input: [item] });
		expect(result.error).toBeUndefined();
		const body = raw.requests[0].body.toString('latin1');
		expect(body).not.toContain('X-Injected');
		expect(body).toContain('Content-Type: application/octet-stream\r\n\r\nhello');
	});

	it('a well-formed MIME type (with parameters) is kept', async () => {
		const item = binaryItem({}, Buffer.from('hi'), 'a.txt', 'text/plain; charset=utf-8');
		await runIts(its('uploadAttachment'), { input: [item] });
		expect(raw.requests[0].body.toString('latin1')).toContain(
			'Content-Type: text/plain; charset=utf-8\r\n',
		);
	});

	it.each([
		['a trailing backslash', 'evil\\', 'evil%5C'],
		['quotes and CR/LF', 'a"\r\nb.txt', 'a%22%0D%0Ab.txt'],
	])('a file name with %s stays one quoted file name', async (_name, fileName, sent) => {
		const item = binaryItem({}, Buffer.from('x'), fileName, 'text/plain');
		const result = await runIts(its('uploadAttachment'), { input: [item] });
		expect(result.error).toBeUndefined();
		expect(raw.requests[0].body.toString('latin1')).toContain(
			`Content-Disposition: form-data; name="${sent}"; filename="${sent}"\r\n`,
		);
	});

	it.each(['={{ "" }}', '={{ " , " }}'])(
		'an Input Binary Field expression yielding no name (%s) is refused before anything is sent',
		async (field) => {
			const item = binaryItem({}, Buffer.from('x'), 'a.txt', 'text/plain');
			const result = await runIts(its('uploadAttachment', { binaryPropertyName: field }), {
				input: [item],
			});
			expect(result.error?.message).toMatch(/binaryPropertyName/);
			expect(raw.requests).toHaveLength(0);
		},
	);
});

// ---------------------------------------------------------------------------------------------

describe('6. smaller cases', () => {
	it('Older Than together with Newer Than is refused, naming both fields, before any request', async () => {
		const result = await runIts(
			its('getThreadMessagesV2', {
				threadId: 7,
				upperBoundInstantMessageId: 100,
				lowerBoundInstantMessageId: 50,
			}),
		);
		expect(result.error?.message).toBe(
			'"Older Than Message ID" (upperBoundInstantMessageId) and "Newer Than Message ID" (lowerBoundInstantMessageId) cannot be used together',
		);
		expect(raw.requests).toHaveLength(0);
	});

	it('int64 ids above 2^53 come out digit for digit (as text); smaller numbers stay numbers', async () => {
		raw.handle((_request, response) =>
			json(
				response,
				200,
				'{"EntityArray":[{"MessageId":9007199254740993,"Text":"big 12345678901234567890","Ratio":0.12345678901234567,"Count":3}],"HasMore":false}',
			),
		);
		const result = await runIts(its('getThreadMessagesV2', { threadId: 7 }, { returnAll: true }));
		expect(jsonOf(result)).toEqual([
			{
				MessageId: '9007199254740993',
				Text: 'big 12345678901234567890',
				Ratio: 0.12345678901234567,
				Count: 3,
			},
		]);
	});

	it('query signing survives a refresh: the retry carries only the new access_token, no Authorization header', async () => {
		const fresh = 'tok_new_7d6c5b4a39281706f5e4d3c2b1a0';
		raw.handle((request, response) => {
			if (request.target.startsWith('/restapi/oauth2/token'))
				return json(response, 200, {
					access_token: fresh,
					refresh_token: 'ref_new_0123456789',
					token_type: 'bearer',
					expires_in: 3600,
				});
			const url = new URL(request.target, raw.url);
			if (url.searchParams.get('access_token') !== fresh)
				return json(response, 401, { Message: 'Authorization has been denied for this request.' });
			json(response, 200, 5);
		});
		const result = await runIts(its('getUnreadThreadsCount'), {
			credential: itsCredential({ requestSigning: 'query' }),
		});
		expect(jsonOf(result)).toEqual([{ unreadThreadsCount: 5 }]);
		const api = raw.requests.filter((r) => !r.target.startsWith('/restapi/oauth2/token'));
		expect(api.map((r) => r.target)).toEqual([
			`${IM}/messagethreads/unread/count/v1?access_token=${TOKEN}`,
			`${IM}/messagethreads/unread/count/v1?access_token=${fresh}`,
		]);
		expect(api.map((r) => r.headers.authorization)).toEqual([undefined, undefined]);
	});
});

// Rotating refresh tokens (itslearning): another execution or worker may refresh between our read
// of the credential and our 401. The raw server plays both the API and "the other worker".
describe('refresh with a rotating refresh token, when another execution got there first', () => {
	const NEW = 'tok_other_worker_0f1e2d3c4b5a69788796';
	const rotate = (credentialId: string) => {
		const record = store.read({ id: credentialId, name: '' }, ITS);
		const data = JSON.parse(record.data) as IDataObject;
		record.data = JSON.stringify({
			...data,
			oauthTokenData: {
				access_token: NEW,
				refresh_token: 'ref_rotated_123456',
				token_type: 'bearer',
				expires_in: 3600,
			},
		});
	};
	const apiRequests = () =>
		raw.requests.filter((r) => !r.target.startsWith('/restapi/oauth2/token'));
	const tokenRequests = () =>
		raw.requests.filter((r) => r.target.startsWith('/restapi/oauth2/token'));

	it('a 401 reads the stored credential first and uses the token the other execution stored: no refresh, no spent refresh token', async () => {
		const credential = itsCredential();
		raw.handle((request, response) => {
			if (request.target.startsWith('/restapi/oauth2/token'))
				return json(response, 400, { error: 'invalid_grant' });
			if (request.headers.authorization === `Bearer ${NEW}`) return json(response, 200, 2);
			rotate(credential.id); // meanwhile, another worker refreshed
			json(response, 401, { Message: 'Authorization has been denied for this request.' });
		});
		const result = await runIts(its('getUnreadThreadsCount'), { credential });
		expect(result.error).toBeUndefined();
		expect(jsonOf(result)).toEqual([{ unreadThreadsCount: 2 }]);
		expect(tokenRequests()).toHaveLength(0);
		expect(apiRequests().map((r) => r.headers.authorization)).toEqual([
			`Bearer ${TOKEN}`,
			`Bearer ${NEW}`,
		]);
	});

	it('a refresh refused because the other worker rotated the refresh token a moment before falls back to the token it stored', async () => {
		const credential = itsCredential();
		raw.handle((request, response) => {
			if (request.target.startsWith('/restapi/oauth2/token')) {
				rotate(credential.id); // the other worker won the race and stored its new token
				return json(response, 400, {
					error: 'invalid_grant',
					error_description: 'refresh token revoked',
				});
			}
			if (request.headers.authorization === `Bearer ${NEW}`) return json(response, 200, 3);
			json(response, 401, { Message: 'Authorization has been denied for this request.' });
		});
		const result = await runIts(its('getUnreadThreadsCount'), { credential });
		expect(result.error).toBeUndefined();
		expect(jsonOf(result)).toEqual([{ unreadThreadsCount: 3 }]);
		expect(tokenRequests()).toHaveLength(1);
		expect(tokenRequests()[0].body.toString()).toContain(`refresh_token=${REFRESH}`);
		expect(apiRequests().map((r) => r.headers.authorization)).toEqual([
			`Bearer ${TOKEN}`,
			`Bearer ${NEW}`,
		]);
		// The newer token data is kept, not overwritten by anything of ours.
		expect((store.get(ITS, credential.id).oauthTokenData as IDataObject).access_token).toBe(NEW);
	});

	it("a refresh refused as spent while the winner's answer is still on its way: waits for the token the winner stores", async () => {
		const credential = itsCredential();
		let rotated: ReturnType<typeof setTimeout> | undefined;
		raw.handle((request, response) => {
			if (request.target.startsWith('/restapi/oauth2/token')) {
				// The other worker's refresh won; its new tokens reach the store 1.5 s from now.
				rotated = setTimeout(() => rotate(credential.id), 1500);
				return json(response, 400, {
					error: 'invalid_grant',
					error_description: 'refresh token revoked',
				});
			}
			if (request.headers.authorization === `Bearer ${NEW}`) return json(response, 200, 4);
			json(response, 401, { Message: 'Authorization has been denied for this request.' });
		});
		const started = Date.now();
		const result = await runIts(its('getUnreadThreadsCount'), { credential });
		clearTimeout(rotated);
		expect(result.error).toBeUndefined();
		expect(jsonOf(result)).toEqual([{ unreadThreadsCount: 4 }]);
		expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
		expect(tokenRequests()).toHaveLength(1);
		expect(apiRequests().map((r) => r.headers.authorization)).toEqual([
			`Bearer ${TOKEN}`,
			`Bearer ${NEW}`,
		]);
	});

	it('a refresh refused as spent with no newer token anywhere fails after a bounded wait, asking to reconnect', async () => {
		raw.handle((request, response) => {
			if (request.target.startsWith('/restapi/oauth2/token'))
				return json(response, 400, {
					error: 'invalid_grant',
					error_description: 'refresh token revoked',
				});
			json(response, 401, { Message: 'Authorization has been denied for this request.' });
		});
		const result = await runIts(its('getUnreadThreadsCount'), { credential: itsCredential() });
		expect(result.error?.message).toMatch(/needs to be reconnected/);
		expect(tokenRequests()).toHaveLength(1);
		expect(visible(result)).not.toContain(REFRESH);
	}, 30_000);

	it.each([
		[
			'without an expiry stamp: used, refused, then refreshed',
			undefined,
			['TOKEN', 'NEW', 'FRESH'],
		],
		['stamped as expired by n8n: not even tried, refreshed at once', 1, ['TOKEN', 'FRESH']],
	])(
		'a token another worker stored that has expired again by now, %s',
		async (_name, expiresAt, expected) => {
			const credential = itsCredential();
			const FRESH = 'tok_fresh_after_two_9f8e7d6c5b4a';
			raw.handle((request, response) => {
				if (request.target.startsWith('/restapi/oauth2/token'))
					return json(response, 200, {
						access_token: FRESH,
						refresh_token: 'ref_fresh_5566778899',
						token_type: 'bearer',
						expires_in: 3600,
					});
				if (request.headers.authorization === `Bearer ${FRESH}`) return json(response, 200, 6);
				if (request.headers.authorization === `Bearer ${TOKEN}`) {
					rotate(credential.id);
					if (expiresAt !== undefined) {
						const record = store.read({ id: credential.id, name: '' }, ITS);
						const data = JSON.parse(record.data) as IDataObject;
						record.data = JSON.stringify({
							...data,
							oauthTokenData: {
								...(data.oauthTokenData as IDataObject),
								n8n_expires_at: String(expiresAt),
							},
						});
					}
				}
				json(response, 401, { Message: 'Authorization has been denied for this request.' });
			});
			const result = await runIts(its('getUnreadThreadsCount'), { credential });
			expect(result.error).toBeUndefined();
			expect(jsonOf(result)).toEqual([{ unreadThreadsCount: 6 }]);
			const names: Record<string, string> = {
				[`Bearer ${TOKEN}`]: 'TOKEN',
				[`Bearer ${NEW}`]: 'NEW',
				[`Bearer ${FRESH}`]: 'FRESH',
			};
			expect(apiRequests().map((r) => names[String(r.headers.authorization)])).toEqual(expected);
			expect(tokenRequests()).toHaveLength(1);
		},
	);

	it('several items of one execution share one refresh', async () => {
		const fresh = 'tok_refreshed_once_a1b2c3d4e5f6';
		raw.handle((request, response) => {
			if (request.target.startsWith('/restapi/oauth2/token'))
				return json(response, 200, {
					access_token: fresh,
					refresh_token: 'ref_next_99887766',
					token_type: 'bearer',
					expires_in: 3600,
				});
			if (request.headers.authorization === `Bearer ${fresh}`) return json(response, 200, 1);
			json(response, 401, { Message: 'expired' });
		});
		const result = await runIts(its('getUnreadThreadsCount'), {
			input: [{ json: {} }, { json: {} }, { json: {} }] as never,
		});
		expect(jsonOf(result)).toEqual([
			{ unreadThreadsCount: 1 },
			{ unreadThreadsCount: 1 },
			{ unreadThreadsCount: 1 },
		]);
		expect(tokenRequests()).toHaveLength(1);
		expect(apiRequests()).toHaveLength(4);
	});
});
