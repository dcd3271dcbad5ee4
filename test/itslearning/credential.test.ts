/**
 * The Itslearning OAuth2 API credential as n8n uses it: its "Test" button (the credential's test
 * request, run the way n8n's credential tester runs it) and the Site URL checks the node applies
 * before it sends anything.
 */
import { runCredentialTest } from '../harness/n8n';
import { API, CLIENT_ID, CREDENTIAL_TYPE, errorText, startSite, type Site } from './setup';

let site: Site;
beforeAll(async () => {
	site = await startSite();
});
afterAll(async () => await site.close());
beforeEach(() => site.clearLogs());

const testCredential = async (ref = site.me.ref) =>
	await runCredentialTest({ store: site.store, credentialType: CREDENTIAL_TYPE, credential: ref });

describe('credential test (the "Test" button)', () => {
	it('calls the permissions endpoint with the bearer token and reports OK', async () => {
		const result = await testCredential();
		expect(result).toMatchObject({ status: 'OK', message: 'Connection tested successfully' });
		const requests = site.apiRequests();
		expect(requests.map((r) => `${r.method} ${r.rawPath}`)).toEqual([`GET ${API}/permissions/v1`]);
		expect(requests[0].headers.authorization).toBe(`Bearer ${site.me.token.access_token}`);
	});

	it('with token placement "query" the test still signs with the header (n8n runs the test request itself)', async () => {
		const signedIn = site.signIn({ requestSigning: 'query' });
		const result = await testCredential(signedIn.ref);
		expect(result.status).toBe('OK');
		const [request] = site.apiRequests();
		expect(request.rawQuery).toBe('');
		expect(request.headers.authorization).toBe(`Bearer ${signedIn.token.access_token}`);
	});

	it('an expired access token is refreshed, the rotated refresh token persisted, and the test passes', async () => {
		const signedIn = site.signIn({ lifetimeSeconds: 1 });
		await new Promise((resolve) => setTimeout(resolve, 1100));
		const result = await testCredential(signedIn.ref);
		expect(result.status).toBe('OK');
		expect(site.tokenRequests()).toHaveLength(1);
		const persisted = site.store.get(CREDENTIAL_TYPE, signedIn.ref.id).oauthTokenData as {
			refresh_token: string;
		};
		expect(persisted.refresh_token).not.toBe(signedIn.token.refresh_token);
	});

	it('a token without the InstantMessage scope fails the test with the service message', async () => {
		const signedIn = site.signIn({ scopes: ['Calendar'] });
		const result = await testCredential(signedIn.ref);
		expect(result.status).toBe('Error');
		expect(site.apiRequests()).toHaveLength(1);
		expect(result.message).not.toContain(signedIn.token.access_token);
	});
});

describe('Site URL checks, before any request', () => {
	const runWith = async (siteUrl: string) => {
		const ref = site.store.add(CREDENTIAL_TYPE, {
			serverUrl: siteUrl,
			clientId: CLIENT_ID,
			oauthTokenData: { ...site.me.token },
		});
		return await site.run(
			{ resource: 'unread', operation: 'getThreadsCount' },
			{ as: { ...site.me, ref } },
		);
	};

	it.each([
		['http://school.itslearning.com', /must use https/],
		['ftp://school.itslearning.com', /must use https/],
		['school.itslearning.com', /is not a URL/],
		['https://school.itslearning.com/restapi', /origin only/],
		['https://school.itslearning.com/?tenant=1', /must not contain a query/],
		['https://user:pw@school.itslearning.com', /must not contain a query, fragment or login/],
	])('%s is refused with a clear message', async (siteUrl, reason) => {
		const result = await runWith(siteUrl);
		expect(errorText(result.error)).toMatch(reason);
		expect(errorText(result.error)).toMatch(/Site URL/);
		expect(site.emu.requests).toHaveLength(0);
	});

	it('an https origin passes the check (trailing slash dropped) and http is allowed for localhost', async () => {
		const local = site.emu.url.replace('127.0.0.1', 'localhost');
		const result = await runWith(`${local}/`);
		expect(result.error).toBeUndefined();
		expect(site.apiRequests().map((r) => r.rawPath)).toEqual([
			`${API}/messagethreads/unread/count/v1`,
		]);
	});
});

describe('Custom API Call (the option n8n adds to nodes with an OAuth2 credential)', () => {
	it('is offered, and points to the HTTP Request node with this credential instead of sending anything', async () => {
		const { properties } = site.pkg.nodeTypes.getByNameAndVersion(
			site.pkg.nodeTypeName('itslearningInstantMessage'),
		).description;
		const resource = properties.find((p) => p.name === 'resource')!;
		expect((resource.options as Array<{ value: string }>).map((o) => o.value)).toContain(
			'__CUSTOM_API_CALL__',
		);
		const result = await site.run({
			resource: '__CUSTOM_API_CALL__',
			operation: '__CUSTOM_API_CALL__',
		});
		expect(result.error?.message).toBe('Custom API Call is made with the HTTP Request node');
		expect(result.error?.description).toMatch(/Predefined Credential Type.*Itslearning OAuth2 API/);
		expect(site.emu.requests).toHaveLength(0);
	});
});
