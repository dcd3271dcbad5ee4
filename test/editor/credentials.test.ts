/**
 * The credential dialogs as n8n builds them: the type's properties merged over the OAuth2 parent's
 * with n8n-workflow's own NodeHelpers.mergeNodeProperties (as the editor and the CLI do), then the
 * fields n8n shows (displayParameter). Checks what a user fills and in which order, that PKCE does
 * not ask for a client secret, that a Custom region asks for its Base URL, and that every shown field
 * says what it is for.
 */
import { NodeHelpers } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	INodeParameters,
	INodeProperties,
} from 'n8n-workflow';

import { CredentialStore, loadPackage, type LoadedPackage } from '../harness/n8n';

let pkg: LoadedPackage;
let store: CredentialStore;
beforeAll(async () => {
	pkg = await loadPackage();
	store = new CredentialStore(pkg);
});

const properties = (type: string): INodeProperties[] => store.helper.getCredentialsProperties(type);

/** The fields the dialog shows for these values (defaults filled, as the editor does). */
function shown(type: string, values: INodeParameters): INodeProperties[] {
	const props = properties(type);
	const resolved = NodeHelpers.getNodeParameters(props, values, true, false, null, null) ?? {};
	return props.filter(
		(p) => p.type !== 'hidden' && NodeHelpers.displayParameter(resolved, p, null, null),
	);
}

/** n8n's editor offers Connect / Save only when every shown required field has a value. */
const missingRequired = (type: string, values: ICredentialDataDecryptedObject) =>
	shown(type, values as INodeParameters)
		.filter((p) => p.required && (values[p.name] === undefined || values[p.name] === ''))
		.map((p) => p.name);

describe('Genesys Cloud OAuth2 API', () => {
	const TYPE = 'genesysCloudOAuth2Api';

	it('PKCE asks for no client secret; Authorization Code and Client Credentials do', () => {
		const names = (grantType: string) => shown(TYPE, { grantType }).map((p) => p.name);
		expect(names('pkce')).not.toContain('clientSecret');
		expect(names('authorizationCode')).toContain('clientSecret');
		expect(names('clientCredentials')).toContain('clientSecret');
		expect(missingRequired(TYPE, { grantType: 'pkce', clientId: 'public-client' })).toEqual([]);
		expect(missingRequired(TYPE, { grantType: 'authorizationCode', clientId: 'c' })).toEqual([
			'clientSecret',
		]);
	});

	it('Custom region requires its Base URL; the Login URL stays optional', () => {
		expect(
			missingRequired(TYPE, {
				serverUrl: 'https://custom.invalid',
				grantType: 'pkce',
				clientId: 'c',
			}),
		).toEqual(['customBaseUrl']);
		expect(
			missingRequired(TYPE, {
				serverUrl: 'https://custom.invalid',
				customBaseUrl: 'https://api.example.test',
				grantType: 'pkce',
				clientId: 'c',
			}),
		).toEqual([]);
		expect(
			shown(TYPE, { serverUrl: 'https://api.mypurecloud.com' }).map((p) => p.name),
		).not.toContain('customBaseUrl');
		expect(shown(TYPE, {}).map((p) => p.name)).not.toContain('customBaseUrl');
	});

	it('asks where to connect before the client: Grant Type, Region, Client ID, Client Secret, then the rest', () => {
		// n8n's own Grant Type stays first (the editor decides from its value whether to offer Connect).
		const names = shown(TYPE, { grantType: 'authorizationCode' }).map((p) => p.name);
		expect(names).toEqual([
			'grantType',
			'serverUrl',
			'clientId',
			'clientSecret',
			'allowedHttpRequestDomains',
			'scopes',
		]);
		expect(properties(TYPE).find((p) => p.name === 'serverUrl')!.displayName).toBe('Region');
		expect(shown(TYPE, { grantType: 'pkce' }).map((p) => p.name)).toEqual([
			'grantType',
			'serverUrl',
			'clientId',
			'allowedHttpRequestDomains',
			'scopes',
		]);
		// Custom: its URLs follow, before the scopes (n8n adds a credential's own fields after its
		// OAuth2 parent's, and Client ID / Secret / Allowed HTTP Request Domains are the parent's).
		const custom = shown(TYPE, {
			serverUrl: 'https://custom.invalid',
			grantType: 'clientCredentials',
		}).map((p) => p.name);
		expect(custom).toEqual([
			'grantType',
			'serverUrl',
			'clientId',
			'clientSecret',
			'allowedHttpRequestDomains',
			'customBaseUrl',
			'customLoginUrl',
		]);
	});
});

describe('Itslearning OAuth2 API', () => {
	const TYPE = 'itslearningOAuth2Api';

	it('asks for the Site URL and the client ID; the secret is optional (public clients)', () => {
		expect(missingRequired(TYPE, {})).toEqual(['serverUrl', 'clientId']);
		expect(
			missingRequired(TYPE, { serverUrl: 'https://school.itslearning.com', clientId: 'c' }),
		).toEqual([]);
	});

	it('asks for the Site URL first, then the client, then what to request', () => {
		const names = shown(TYPE, {}).map((p) => p.name);
		expect(names).toEqual([
			'serverUrl',
			'clientId',
			'clientSecret',
			'allowedHttpRequestDomains',
			'instantMessageScope',
			'additionalScopes',
			'requestSigning',
		]);
		expect(properties(TYPE).find((p) => p.name === 'serverUrl')!.displayName).toBe('Site URL');
	});

	it('option names are words, not raw API spellings', () => {
		const signing = properties(TYPE).find((p) => p.name === 'requestSigning')!;
		expect((signing.options as Array<{ name: string }>).map((o) => o.name)).toEqual([
			'Authorization Header (Bearer)',
			'Query Parameter',
		]);
	});
});

it.each(['genesysCloudOAuth2Api', 'itslearningOAuth2Api'])(
	'%s: every field the dialog shows has a description',
	(type) => {
		const values =
			type === 'genesysCloudOAuth2Api'
				? { serverUrl: 'https://custom.invalid', grantType: 'authorizationCode' }
				: {};
		const undocumented = shown(type, values)
			.filter(
				(p) => p.type !== 'notice' && p.name !== 'allowedHttpRequestDomains' && !p.description,
			)
			.map((p) => p.name);
		expect(undocumented).toEqual([]);
	},
);
