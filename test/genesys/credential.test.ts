/**
 * The Genesys Cloud OAuth2 API credential as n8n uses it: its "Test" button (the credential's
 * test request, run the way n8n's credential tester runs it) for each grant, and the custom Base
 * URL checks the node applies before it sends anything.
 */
import { runCredentialTest, type CredentialReference } from '../harness/n8n';
import {
	CREDENTIAL_TYPE,
	clientCredential,
	errorText,
	run,
	useGenesys,
	userCredential,
} from './setup';

const env = useGenesys();
beforeEach(() => env.emu.clearRequests());

const testCredential = async (credential: CredentialReference) =>
	await runCredentialTest({ store: env.store, credentialType: CREDENTIAL_TYPE, credential });
const apiCalls = () => env.emu.apiRequests().map((r) => `${r.method} ${r.rawPath}`);

describe('credential test (the "Test" button)', () => {
	it('Authorization Code: GET /api/v2/tokens/me with the user token reports OK', async () => {
		const result = await testCredential(env.userCred);
		expect(result).toMatchObject({ status: 'OK', message: 'Connection tested successfully' });
		expect(apiCalls()).toEqual(['GET /api/v2/tokens/me']);
		expect(env.emu.apiRequests()[0].headers.authorization).toBe(
			`Bearer ${env.userToken.access_token}`,
		);
	});

	it('Client Credentials: n8n fetches a token at the custom URL first, then the test passes', async () => {
		const result = await testCredential(clientCredential(env));
		expect(result.status).toBe('OK');
		expect(env.emu.requests.map((r) => `${r.method} ${r.rawPath}`)).toEqual([
			'POST /oauth/token',
			'GET /api/v2/tokens/me',
		]);
	});

	it('a token and refresh token the service no longer knows fail the test, without leaking them', async () => {
		const { ref } = userCredential(env, env.me.id, {
			oauthTokenData: {
				access_token: 'revoked-access',
				refresh_token: 'revoked-refresh',
				token_type: 'bearer',
			},
		});
		const result = await testCredential(ref);
		expect(result.status).toBe('Error');
		expect(apiCalls()).toEqual(['GET /api/v2/tokens/me']);
		expect(result.message).not.toMatch(/revoked-(access|refresh)/);
	});
});

describe('custom Base URL checks, before any request', () => {
	const runWith = async (customBaseUrl: string) => {
		const { ref } = userCredential(env, env.me.id, { customBaseUrl });
		env.emu.clearRequests();
		return await run(env, { resource: 'settings', operation: 'get' }, { credential: ref });
	};

	it.each([
		['http://api.example.com', /must use https/],
		['api.mypurecloud.com', /is not a URL/],
		['https://api.example.com/?org=1', /must not contain a query/],
		['https://user:pw@api.example.com', /must not contain a query, fragment or login/],
		['', /is not a URL/],
	])('"%s" is refused with a clear message', async (customBaseUrl, reason) => {
		const result = await runWith(customBaseUrl);
		expect(errorText(result.error)).toMatch(reason);
		expect(errorText(result.error)).toMatch(/base URL/i);
		expect(env.emu.requests).toHaveLength(0);
	});

	it('http is allowed for localhost, and a trailing slash is dropped', async () => {
		const result = await runWith(`${env.emu.url.replace('127.0.0.1', 'localhost')}/`);
		expect(result.error).toBeUndefined();
		expect(apiCalls()).toEqual(['GET /api/v2/chats/settings']);
	});
});

describe('Custom API Call (the option n8n adds to nodes with an OAuth2 credential)', () => {
	it('points to the HTTP Request node with this credential instead of sending anything', async () => {
		const result = await run(env, { resource: 'room', operation: '__CUSTOM_API_CALL__' });
		expect(result.error?.message).toBe('Custom API Call is made with the HTTP Request node');
		expect(result.error?.description).toMatch(
			/Predefined Credential Type.*Genesys Cloud OAuth2 API/,
		);
		expect(env.emu.requests).toHaveLength(0);
	});
});
