import type { ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import {
	GENESYS_CUSTOM_REGION,
	GENESYS_REGIONS,
	GENESYS_REGION_URLS,
} from '../nodes/GenesysChat/GenesysChat.regions';
import { guardedUrlExpression } from '../nodes/shared/http/url';

/** `String(x || '').trim()` without trailing slashes, as an expression snippet. */
const trimmed = (expression: string) => `String(${expression} || '').trim().replace(/\\/+$/, '')`;

/**
 * Where the credential connects, as an expression, no trailing slash: the login host (token and
 * authorize endpoints: the region's origin with `login.` for `api.`, or Custom's Login URL, else its
 * Base URL) or the API host (the region's origin, or Custom's Base URL). A value that is not one of
 * the regions, and a custom URL that is not https (or http on 127.0.0.1 / localhost), becomes an
 * unresolvable `.invalid` host, so OAuth connect, token refreshes and the test request never send a
 * code, secret or token anywhere else. In its own fields n8n exposes the credential as `$self`, in
 * the test request as `$credentials`.
 */
const origin = (data: '$self' | '$credentials', host: 'login' | 'api') => {
	const region = `${data}.serverUrl`;
	const regionOrigin = host === 'login' ? `${region}.replace('://api.', '://login.')` : region;
	const custom = trimmed(
		host === 'login'
			? `(String(${data}.customLoginUrl || '').trim() || ${data}.customBaseUrl)`
			: `${data}.customBaseUrl`,
	);
	const refused = host === 'login' ? 'login-url-must-use-https' : 'base-url-must-use-https';
	return `{{ ${region} !== ${JSON.stringify(GENESYS_CUSTOM_REGION)} ? (${JSON.stringify(GENESYS_REGION_URLS)}.includes(${region}) ? ${regionOrigin} : 'https://unknown-region.invalid') : ${guardedUrlExpression(custom, true, refused)} }}`;
};
const LOGIN = origin('$self', 'login');
const API = origin('$credentials', 'api');

export class GenesysCloudOAuth2Api implements ICredentialType {
	name = 'genesysCloudOAuth2Api';

	displayName = 'Genesys Cloud OAuth2 API';

	extends = ['oAuth2Api'];

	documentationUrl =
		'https://github.com/n8n-nodes-itslearning-genesys/n8n-nodes-itslearning-genesys#genesys-cloud-credential';

	icon = { light: 'file:genesys.svg', dark: 'file:genesys.dark.svg' } as const;

	properties: INodeProperties[] = [
		{
			// Pinned off: with Dynamic Client Registration n8n would treat the Server URL field below
			// as an authorization server to register a client at.
			displayName: 'Use Dynamic Client Registration',
			name: 'useDynamicClientRegistration',
			type: 'hidden',
			default: false,
		},
		{
			// The Region is n8n's OAuth2 "Server URL" field (the API origin, the resource server), so that
			// the dialog asks for it right after Grant Type: n8n lists a credential's fields in its OAuth2
			// parent's order and appends new ones after Client ID, Client Secret and Allowed HTTP Request
			// Domains. Without Dynamic Client Registration n8n uses this field only to look up RFC 9728
			// metadata at Connect (n8n 2.x; a 404 is ignored). Custom is https://custom.invalid, a name that
			// never resolves (RFC 6761): n8n's editor drops empty values, and n8n 2.x wants a URL here.
			displayName: 'Region',
			name: 'serverUrl',
			type: 'options',
			options: [
				...GENESYS_REGIONS.map(([name, domain]) => ({
					name: `${name}: ${domain}`,
					value: `https://api.${domain}`,
				})),
				{
					name: 'Custom',
					value: GENESYS_CUSTOM_REGION,
					description: 'A private deployment, a gateway or a test server: enter its Base URL below',
				},
			],
			default: 'https://api.mypurecloud.com',
			description: 'Where your Genesys Cloud organization lives (the domain you log in at)',
		},
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'options',
			options: [
				{
					name: 'Authorization Code',
					value: 'authorizationCode',
					description:
						'Acts as the user who connects: needed for rooms, 1:1 messages, reactions, pins and my settings',
				},
				{
					name: 'PKCE',
					value: 'pkce',
					description:
						'Authorization code for a public OAuth client (no secret); acts as the user who connects',
				},
				{
					name: 'Client Credentials',
					value: 'clientCredentials',
					description:
						"Server-to-server, no user: only organization chat settings and other users' settings work",
				},
			],
			default: 'authorizationCode',
			description:
				'How n8n gets its access token: as a signed-in user (Authorization Code, PKCE) or as the OAuth client itself',
			hint: 'Chat messages are sent as a user. Client credentials work only for organization and user chat settings.',
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			description:
				'The client ID of the OAuth client (Genesys Cloud: Admin → Integrations → OAuth)',
		},
		{
			// Replaces the OAuth2 base field, which is required for every grant type: a PKCE client has
			// no secret, so the field is not shown for PKCE (n8n offers Connect once every shown
			// required field is filled).
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The secret of the OAuth client (Genesys Cloud: Admin → Integrations → OAuth)',
			displayOptions: { show: { grantType: ['authorizationCode', 'clientCredentials'] } },
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: `=${LOGIN}/oauth/authorize`,
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: `=${LOGIN}/oauth/token`,
		},
		{
			displayName: 'Base URL',
			name: 'customBaseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://api.mypurecloud.com',
			required: true,
			description:
				'Address of the Genesys Cloud API to use: https (plain http only for 127.0.0.1 or localhost)',
			displayOptions: { show: { serverUrl: [GENESYS_CUSTOM_REGION] } },
		},
		{
			displayName: 'Login URL',
			name: 'customLoginUrl',
			type: 'string',
			default: '',
			placeholder: 'https://login.mypurecloud.com',
			description:
				'Address of the Genesys Cloud login (where /oauth/token and /oauth/authorize are); leave empty to use the Base URL',
			displayOptions: { show: { serverUrl: [GENESYS_CUSTOM_REGION] } },
		},
		{
			displayName: 'Scopes',
			name: 'scopes',
			type: 'multiOptions',
			options: [
				{ name: 'Chat', value: 'chat' },
				{ name: 'Chat (Read Only)', value: 'chat:readonly' },
				{ name: 'Notifications', value: 'notifications' },
				{ name: 'Organization (Read Only)', value: 'organization:readonly' },
				{ name: 'Users (Read Only)', value: 'users:readonly' },
			],
			default: ['chat'],
			description:
				'Scopes to request for a code or PKCE client (they must be enabled on the OAuth client in Genesys Cloud)',
			hint: 'Client-credentials clients get their rights from the roles assigned to the OAuth client, not from scopes',
			displayOptions: { show: { grantType: ['authorizationCode', 'pkce'] } },
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			default:
				"={{ $self.grantType === 'clientCredentials' ? '' : ($self.scopes || []).join(' ') }}",
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: '',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'header',
		},
	];

	test: ICredentialTestRequest = {
		request: {
			baseURL: `=${API}`,
			url: '/api/v2/tokens/me',
			method: 'GET',
			// A redirect is not followed (the test then fails): the token never leaves the API origin.
			disableFollowRedirect: true,
			maxRedirects: 0,
			sendCredentialsOnCrossOriginRedirect: false,
		},
	};
}
