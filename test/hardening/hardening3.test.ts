/**
 * Hardening 3 (issue #15), points 3–5, through the built package and n8n-core over real HTTP:
 * exact int64 in the list search (the next-page token from a SortIndex above 2^53), redaction of
 * more forms of a secret (twice percent-encoded, JSON-escaped slashes, base64, split across lines,
 * and the token that was current before a refresh), and bounded Request Options.
 */
import type { IDataObject } from 'n8n-workflow';

import { CredentialStore, loadPackage, type LoadedPackage } from '../harness/n8n';
import { json, startRawServer, type RawServer } from './raw-server';
import {
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

beforeAll(async () => {
	pkg = await loadPackage();
	store = new CredentialStore(pkg);
});
beforeEach(async () => {
	api = await startRawServer();
});
afterEach(async () => {
	await api.close();
});

describe('3. exact int64 in the list search', () => {
	it('thread ids and the next-page token above 2^53 stay exact, and the next page asks from that exact SortIndex', async () => {
		// Written as JSON text: 9007199254740993 is not a double.
		const page1 =
			'{"Threads":{"EntityArray":[' +
			'{"InstantMessageThreadId":9007199254740993,"Name":"Alpha","SortIndex":9007199254740995},' +
			'{"InstantMessageThreadId":9007199254740997,"Name":"Beta","SortIndex":9007199254740993}' +
			']},"HasMore":true}';
		const page2 =
			'{"Threads":{"EntityArray":[{"InstantMessageThreadId":9007199254740999,"Name":"Gamma","SortIndex":9007199254740992}]},"HasMore":false}';
		api.handle((request, response) =>
			json(response, 200, request.target.includes('fromSortIndex=') ? page2 : page1),
		);
		const credential = itsCredential(store, api.url);

		const first = await runListSearch(
			store,
			'itslearningInstantMessage',
			'searchThreads',
			credential,
		);
		expect(first.error).toBeUndefined();
		expect(first.page?.results.map((r) => r.value)).toEqual([
			'9007199254740993',
			'9007199254740997',
		]);
		expect(first.page?.paginationToken).toBe('9007199254740993');

		const second = await runListSearch(
			store,
			'itslearningInstantMessage',
			'searchThreads',
			credential,
			undefined,
			first.page?.paginationToken,
		);
		expect(second.page?.results.map((r) => r.value)).toEqual(['9007199254740999']);
		expect(second.page?.paginationToken).toBeUndefined();
		expect(
			api.requests.map((r) => new URL(r.target, api.url).searchParams.get('fromSortIndex')),
		).toEqual([null, '9007199254740993']);
	});

	it('the transport parses exactly for every caller (parseJsonExact keeps big ids, leaves safe numbers as numbers)', () => {
		const { parseJsonExact } = require('../../dist/nodes/shared/table/json.js') as {
			parseJsonExact: (text: string) => unknown;
		};
		expect(
			parseJsonExact(
				'{"a":9007199254740993,"b":12,"c":"9007199254740993x","d":[-9223372036854775808]}',
			),
		).toEqual({
			a: '9007199254740993',
			b: 12,
			c: '9007199254740993x',
			d: ['-9223372036854775808'],
		});
	});
});

describe('4. redaction of more forms of a secret', () => {
	// Characters that percent-encoding, base64 and JSON escaping all change.
	const OLD = 'old/Tok+en=4f1c2a9e8b7d/6c5e~4f3a';
	const NEW = 'new/Tok+en=9a8b7c6d5e4f/3a2b~1c0d';
	const REF = 'ref/9a8b7c6d+5e4f3a2b=1c0d';
	const forms = (token: string): Record<string, string> => ({
		plain: token,
		'percent-encoded': encodeURIComponent(token),
		'percent-encoded twice': encodeURIComponent(encodeURIComponent(token)),
		'JSON-escaped slashes': token.replace(/\//g, '\\/'),
		base64: Buffer.from(token).toString('base64'),
		'base64 without padding': Buffer.from(token).toString('base64').replace(/=+$/, ''),
		base64url: Buffer.from(token).toString('base64url'),
		'split across two lines': `${token.slice(0, 9)}\n${token.slice(9)}`,
		'split across two lines, indented': `${token.slice(0, 14)}\r\n    ${token.slice(14)}`,
	});

	it.each(Object.keys(forms(OLD)))(
		'%s: the token echoed in an error body (before and after a refresh) never reaches the user',
		async (form) => {
			api.handle((request, response) => {
				if (request.target.startsWith('/restapi/oauth2/token'))
					return json(response, 200, {
						access_token: NEW,
						refresh_token: 'ref/rotated+1234567890',
						token_type: 'bearer',
						expires_in: 3600,
					});
				if (request.headers.authorization === `Bearer ${OLD}`)
					return json(response, 401, { error: 'invalid_token' });
				// After the refresh: the service echoes both the old and the new token (text, not JSON).
				response.writeHead(400, { 'content-type': 'text/plain' });
				response.end(`Bad request. Seen: ${forms(OLD)[form]} then ${forms(NEW)[form]}`);
			});
			const credential = itsCredential(store, api.url, {
				oauthTokenData: {
					access_token: OLD,
					refresh_token: REF,
					token_type: 'bearer',
					expires_in: 3600,
				},
			});
			const result = await runAction(
				store,
				'itslearningInstantMessage',
				its(pkg, 'getMessageThreadsV3'),
				credential,
			);
			// The refresh really happened and the new token was used.
			expect(api.requests.map((r) => r.headers.authorization ?? r.target)).toEqual([
				`Bearer ${OLD}`,
				'/restapi/oauth2/token',
				`Bearer ${NEW}`,
			]);
			const text = visible(result);
			expect(text).toContain('Bad request. Seen: [redacted] then [redacted]');
			for (const token of [OLD, NEW]) expect(text).not.toContain(forms(token)[form]);
		},
	);

	it('the same through a list search (Genesys rooms): an echoed token in every form is redacted', async () => {
		const TOKEN = 'gen/Tok+en=1234567890abcdef/ghij';
		api.handle((_request, response) => {
			response.writeHead(400, { 'content-type': 'text/plain' });
			response.end(Object.values(forms(TOKEN)).join(' | '));
		});
		const credential = genCredential(store, api.url, {
			oauthTokenData: {
				access_token: TOKEN,
				refresh_token: 'r-1234567890',
				token_type: 'bearer',
				expires_in: 3600,
			},
		});
		const { error } = await runListSearch(store, 'genesysChat', 'searchRooms', credential);
		const text = visible({ error });
		expect(text).toContain('[redacted] | [redacted] | [redacted]');
		for (const shown of Object.values(forms(TOKEN))) expect(text).not.toContain(shown);
	});
});

describe('5. Request Options are bounded', () => {
	it('every Request Options field has a minimum and a maximum in the UI; Timeout and Max Retry Wait stay far below what a timer can hold', () => {
		for (const type of ['itslearningInstantMessage', 'genesysChat']) {
			const { properties } = pkg.nodeTypes.getByNameAndVersion(pkg.nodeTypeName(type)).description;
			const options = properties.find((p) => p.name === 'requestOptions')?.options as Array<{
				name: string;
				typeOptions?: IDataObject;
			}>;
			expect(options.map((o) => o.name).sort()).toEqual([
				'concurrency',
				'maxRequestsPerSecond',
				'maxWaitSeconds',
				'timeoutSeconds',
			]);
			for (const option of options) {
				expect(typeof option.typeOptions?.minValue).toBe('number');
				expect(typeof option.typeOptions?.maxValue).toBe('number');
			}
			const max = (name: string) =>
				Number(options.find((o) => o.name === name)?.typeOptions?.maxValue);
			expect(max('timeoutSeconds')).toBeLessThan(2_147_483 / 100);
			expect(max('maxWaitSeconds')).toBeLessThan(2_147_483 / 100);
		}
	});

	it.each([
		['timeoutSeconds', '={{ 2147484 }}', 'Timeout (Seconds)'],
		['timeoutSeconds', 4294968, 'Timeout (Seconds)'],
		['timeoutSeconds', 0, 'Timeout (Seconds)'],
		['timeoutSeconds', '={{ "ten" }}', 'Timeout (Seconds)'],
		['maxRequestsPerSecond', '={{ 1e-7 }}', 'Max Requests per Second'],
		['maxRequestsPerSecond', -1, 'Max Requests per Second'],
		['maxRequestsPerSecond', 1e6, 'Max Requests per Second'],
		['maxWaitSeconds', -5, 'Max Retry Wait (Seconds)'],
		['maxWaitSeconds', '={{ 1e9 }}', 'Max Retry Wait (Seconds)'],
		['maxWaitSeconds', '={{ Infinity }}', 'Max Retry Wait (Seconds)'],
		['concurrency', 0, 'Concurrency'],
		['concurrency', '={{ 2.5 }}', 'Concurrency'],
		['concurrency', 65, 'Concurrency'],
	])(
		'%s = %p is refused with an error naming the field, before any request',
		async (name, value, label) => {
			const result = await runAction(
				store,
				'itslearningInstantMessage',
				its(pkg, 'getMessageThreadsV3', {}, { requestOptions: { [name]: value } }),
				itsCredential(store, api.url),
			);
			expect(result.error?.message).toContain(`Request Options → ${label} must be`);
			expect(api.requests).toHaveLength(0);
		},
	);

	it.each([
		['timeoutSeconds', 3600],
		['maxRequestsPerSecond', 0],
		['maxRequestsPerSecond', 0.01],
		['maxWaitSeconds', 0],
		['concurrency', 64],
	])('%s = %p (in range) is accepted and the request goes out', async (name, value) => {
		api.handle((_request, response) => json(response, 200, { id: 'settings' }));
		const result = await runAction(
			store,
			'genesysChat',
			gen(pkg, 'getChatsSettings', {}, { requestOptions: { [name]: value } }),
			genCredential(store, api.url),
		);
		expect(result.error ?? undefined).toBeUndefined();
		expect(api.requests).toHaveLength(1);
	});
});
