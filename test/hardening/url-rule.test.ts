/**
 * Hardening 3, point 2 (issue #15): one URL rule. Every value of the table goes through every path
 * that takes a service URL from a credential, and all of them must give the same verdict:
 * - the rule itself (`isAllowedServiceUrl`, dist/nodes/shared/http/url.js);
 * - the node: an action node run through n8n-core (refused: an error naming the field, nothing sent);
 * - the credential's expressions, evaluated by n8n's expression engine (authorization URL, token
 *   URL): refused values are routed to an unresolvable `.invalid` host;
 * - the credential Test request, run as n8n's credential tester runs it (refused: it goes to the
 *   `.invalid` host, never to the server);
 * - a list search, as n8n's editor runs it.
 * Hostile values are built around the port of a raw server on 127.0.0.1, so a path that wrongly
 * accepted one (and let the WHATWG parser rewrite it into 127.0.0.1:<port>) would reach the server.
 */
import {
	CredentialStore,
	loadPackage,
	runCredentialTest,
	type LoadedPackage,
} from '../harness/n8n';
import { json, startRawServer, type RawServer } from './raw-server';
import {
	GEN,
	ITS,
	gen,
	genCredential,
	its,
	itsCredential,
	runAction,
	runListSearch,
	visible,
} from './shared';

const { isAllowedServiceUrl } = require('../../dist/nodes/shared/http/url.js') as {
	isAllowedServiceUrl: (value: unknown, allowPath: boolean) => boolean;
};

let pkg: LoadedPackage;
let store: CredentialStore;
let api: RawServer;
let port: string;

beforeAll(async () => {
	pkg = await loadPackage();
	store = new CredentialStore(pkg);
	api = await startRawServer('127.0.0.1');
	port = new URL(api.url).port;
	api.handle((_request, response) =>
		json(response, 200, { Threads: { EntityArray: [] }, entities: [] }),
	);
});
afterAll(async () => {
	await api.close();
});

/** `P` stands for the raw server's port. */
const HOSTILE_ORIGINS = [
	'http://127.1:P',
	'http://2130706433:P',
	'http://0x7f000001:P',
	'http://0177.0.0.1:P',
	'http://127.000.000.001:P',
	'http://127.0.0.1.:P',
	'HTTP://127.1:P',
	'http://ｌｏｃａｌｈｏｓｔ:P',
	'http://localhost.:P',
	'http://localhost%2e:P',
	'http://local\u00adhost:P',
	'http://local\u200bhost:P',
	'http://127。0。0。1:P',
	'http://１２７.0.0.1:P',
	'http://127.0.0.2:P',
	'http://0.0.0.0:P',
	'http://[::ffff:127.0.0.1]:P',
	'http://[0:0:0:0:0:0:0:1]:P',
	'http://evil.example',
	'https:evil.example',
	'https:/evil.example',
	'https:\\\\evil.example',
	'http:127.0.0.1:P',
	'http:/127.0.0.1:P',
	'http:\\\\127.0.0.1:P',
	'//127.0.0.1:P',
	'127.0.0.1:P',
	'http://127.0.0.1:P\nhttp://evil.example',
	'https://ok.example\nhttp://evil.example',
	'http://127.0.0.1\t:P',
	'http://127.0.0.1:\nP',
	'http://127.0.0.1:P\u0000',
	'\u0000http://127.0.0.1:P',
	'http://127.0.0.1 :P',
	'http://127.0.0.1\u3000:P',
	'http://127.0.0.1:P/\r\nX-Injected: 1',
	'http://evil.example@127.0.0.1:P',
	'http://user:pass@127.0.0.1:P',
	'https://evil.example%2f@127.0.0.1:P',
	'http://127.0.0.1:P?x=1',
	'http://127.0.0.1:P#frag',
	'http://127.0.0.1:0P',
	'http://127.0.0.1:P:P',
	'http://127.0.0.1:99999',
	'http://127.0.0.1%00.evil.example:P',
	'http://127.0.0.1:P\\evil',
	'ftp://127.0.0.1:P',
	'ws://127.0.0.1:P',
	'javascript:alert(1)',
	'https://0x7f.1',
	'https://1.2.3',
	'https://example.com:443',
	'https://exa mple.com',
	'https://xn--80ak6aa92e.com',
	'',
	'   ',
];
/** Only for the itslearning Site URL (origin only). */
const HOSTILE_SITE_ONLY = [
	'http://127.0.0.1:P/path',
	'http://127.0.0.1:P/..',
	'http://localhost:P/%2e%2e',
];
/** Only for the Genesys Base URL (a path is allowed, but no dot segment or anything the parser rewrites). */
const HOSTILE_BASE_ONLY = [
	'http://127.0.0.1:P/api/../x',
	'http://127.0.0.1:P/a/%2e%2e',
	'http://127.0.0.1:P/a/.',
	'http://127.0.0.1:P//x',
	'http://127.0.0.1:P/a b',
	'http://127.0.0.1:P/a\nb',
	'http://127.0.0.1:P/ä',
	'http://127.0.0.1:P/a\\..\\b',
	'http://127.0.0.1:P/a?b',
];
const ACCEPTED = [
	'http://127.0.0.1:P',
	'http://localhost:P',
	'HTTP://LocalHost:P/',
	'  http://127.0.0.1:P//  ',
];
const ACCEPTED_BASE_ONLY = ['http://127.0.0.1:P/gateway', 'http://127.0.0.1:P/a.b/c-d_e~f'];

/** Puts the port in for `P` (after `:`, `0` or a line break; the P of HTTP stays). */
const fill = (value: string) => value.replace(/(?<=[:0\n])P/g, () => port);
/** The value as the credential expressions and the node see it: trimmed, without trailing slashes. */
const normal = (value: string) => value.trim().replace(/\/+$/, '');

interface Verdicts {
	rule: boolean;
	node: boolean;
	expression: boolean;
	credentialTest: boolean;
	listSearch: boolean;
}

/** Runs one itslearning Site URL through every path; true = accepted (the URL is used). */
async function itslearningVerdicts(value: string): Promise<Verdicts> {
	const rule = isAllowedServiceUrl(value, false);

	api.requests.length = 0;
	const run = await runAction(
		store,
		'itslearningInstantMessage',
		its(pkg, 'getMessageThreadsV3'),
		itsCredential(store, value),
	);
	const nodeSent = api.requests.length > 0;
	const nodeRefused = /The itslearning Site URL/.test(run.error?.message ?? '');
	expect(nodeSent).toBe(!nodeRefused);

	const resolved = await store.resolve(ITS, itsCredential(store, value).id);
	const expression =
		resolved.accessTokenUrl !== 'https://site-url-must-use-https.invalid/restapi/oauth2/token';
	expect(resolved.authUrl === 'https://site-url-must-use-https.invalid/oauth2/authorize.aspx').toBe(
		!expression,
	);
	if (expression) expect(resolved.accessTokenUrl).toBe(`${normal(value)}/restapi/oauth2/token`);

	api.requests.length = 0;
	const test = await runCredentialTest({
		store,
		credentialType: ITS,
		credential: itsCredential(store, value),
	});
	const testSent = api.requests.length > 0;
	if (!testSent) {
		expect(test.status).toBe('Error');
		expect(visible(test.run)).toContain('site-url-must-use-https.invalid');
	}

	api.requests.length = 0;
	const search = await runListSearch(
		store,
		'itslearningInstantMessage',
		'searchThreads',
		itsCredential(store, value),
	);
	const searchSent = api.requests.length > 0;
	expect(searchSent).toBe(search.error === undefined);
	if (!searchSent) expect(search.error?.message).toContain('The itslearning Site URL');

	return { rule, node: nodeSent, expression, credentialTest: testSent, listSearch: searchSent };
}

/** Runs one Genesys credential through every path; `field` is the custom Base URL or the region. */
async function genesysVerdicts(
	field: 'customBaseUrl' | 'serverUrl',
	value: string,
): Promise<Verdicts> {
	const fields =
		field === 'customBaseUrl'
			? { customBaseUrl: value }
			: { serverUrl: value, customBaseUrl: api.url };
	const credential = () => genCredential(store, api.url, fields);
	const rule = field === 'customBaseUrl' ? isAllowedServiceUrl(value, true) : false;

	api.requests.length = 0;
	const run = await runAction(store, 'genesysChat', gen(pkg, 'getChatsSettings'), credential());
	const nodeSent = api.requests.length > 0;
	const nodeRefused = /The Genesys Cloud custom base URL|Unknown Genesys Cloud region/.test(
		run.error?.message ?? '',
	);
	expect(nodeSent).toBe(!nodeRefused);

	const resolved = await store.resolve(GEN, credential().id);
	const refusedLogin =
		field === 'customBaseUrl'
			? 'https://login-url-must-use-https.invalid'
			: 'https://unknown-region.invalid';
	const expression = resolved.accessTokenUrl !== `${refusedLogin}/oauth/token`;
	expect(resolved.authUrl === `${refusedLogin}/oauth/authorize`).toBe(!expression);
	if (expression) expect(resolved.accessTokenUrl).toBe(`${normal(value)}/oauth/token`);

	api.requests.length = 0;
	const test = await runCredentialTest({ store, credentialType: GEN, credential: credential() });
	const testSent = api.requests.length > 0;
	if (!testSent) {
		expect(test.status).toBe('Error');
		expect(visible(test.run)).toContain(
			field === 'customBaseUrl' ? 'base-url-must-use-https.invalid' : 'unknown-region.invalid',
		);
	}

	api.requests.length = 0;
	const search = await runListSearch(store, 'genesysChat', 'searchRooms', credential());
	const searchSent = api.requests.length > 0;
	expect(searchSent).toBe(search.error === undefined);

	return { rule, node: nodeSent, expression, credentialTest: testSent, listSearch: searchSent };
}

const all = (accepted: boolean): Verdicts => ({
	rule: accepted,
	node: accepted,
	expression: accepted,
	credentialTest: accepted,
	listSearch: accepted,
});

describe('one URL rule: node, credential expressions, credential test and list search agree', () => {
	it('the table has at least 50 hostile values', () => {
		expect(
			HOSTILE_ORIGINS.length + HOSTILE_SITE_ONLY.length + HOSTILE_BASE_ONLY.length,
		).toBeGreaterThanOrEqual(50);
	});

	it.each([...HOSTILE_ORIGINS, ...HOSTILE_SITE_ONLY].map((v) => [JSON.stringify(v), v]))(
		'itslearning Site URL %s is refused everywhere',
		async (_shown, value) => {
			expect(await itslearningVerdicts(fill(value))).toEqual(all(false));
		},
	);

	it.each(ACCEPTED.map((v) => [JSON.stringify(v), v]))(
		'itslearning Site URL %s is accepted everywhere',
		async (_shown, value) => {
			expect(await itslearningVerdicts(fill(value))).toEqual(all(true));
		},
	);

	it.each([...HOSTILE_ORIGINS, ...HOSTILE_BASE_ONLY].map((v) => [JSON.stringify(v), v]))(
		'Genesys Base URL %s is refused everywhere',
		async (_shown, value) => {
			expect(await genesysVerdicts('customBaseUrl', fill(value))).toEqual(all(false));
		},
	);

	it.each([...ACCEPTED, ...ACCEPTED_BASE_ONLY].map((v) => [JSON.stringify(v), v]))(
		'Genesys Base URL %s is accepted everywhere',
		async (_shown, value) => {
			expect(await genesysVerdicts('customBaseUrl', fill(value))).toEqual(all(true));
		},
	);

	it.each([
		['http://127.1:P', false],
		['https:evil.example', false],
		['http://evil.example', false],
		['https://ok.example\nhttp://evil.example', false],
		['http://127.0.0.1:P/a/../b', false],
		['http://127.0.0.1:P?x=1', false],
		['http://localhost:P/login', true],
		['   ', true],
	] as const)(
		'Genesys Login URL %p: the node and the token/authorization URL expressions agree (accepted: %p)',
		async (value, accepted) => {
			const loginUrl = fill(value);
			const credential = () => genCredential(store, api.url, { customLoginUrl: loginUrl });
			expect(value.trim() === '' || isAllowedServiceUrl(loginUrl, true)).toBe(accepted);
			api.requests.length = 0;
			const run = await runAction(store, 'genesysChat', gen(pkg, 'getChatsSettings'), credential());
			expect(/The Genesys Cloud custom login URL/.test(run.error?.message ?? '')).toBe(!accepted);
			expect(api.requests.length > 0).toBe(accepted);
			const resolved = await store.resolve(GEN, credential().id);
			const login = accepted
				? normal(loginUrl) || api.url
				: 'https://login-url-must-use-https.invalid';
			expect([resolved.authUrl, resolved.accessTokenUrl]).toEqual([
				`${login}/oauth/authorize`,
				`${login}/oauth/token`,
			]);
			api.requests.length = 0;
			const search = await runListSearch(store, 'genesysChat', 'searchRooms', credential());
			expect(search.error === undefined).toBe(accepted);
		},
	);

	it.each(
		[
			'https://api.mypurecloud.com ',
			' https://api.mypurecloud.com',
			'https://API.mypurecloud.com',
			'https://api.mypurecloud.com/',
			'https://api.mypurecloud.com\n',
			'https://api.evil.example',
			'P',
		].map((v) => [JSON.stringify(v), v]),
	)(
		'Genesys Region %s (not exactly one of the regions) is refused everywhere',
		async (_shown, value) => {
			expect(await genesysVerdicts('serverUrl', value === 'P' ? api.url : value)).toEqual(
				all(false),
			);
		},
	);
});
