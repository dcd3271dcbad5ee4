import type { ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { guardedUrlExpression } from '../nodes/shared/http/url';

/** Scopes of the itslearning REST API besides InstantMessage (official list, plus the all-access ones real clients use). */
const OTHER_SCOPES = [
	'All',
	'Assignment',
	'Calendar',
	'Children',
	'CkEditor',
	'Courses',
	'FileUpload',
	'Hierarchies',
	'LearningObjectiveRepository',
	'LearningObjectivesReports',
	'LightBulletin',
	'Messages',
	'Notifications',
	'Page',
	'Person',
	'Planner',
	'Reports',
	'SCOPE',
	'Sso',
	'Statistics',
	'StudentPlan',
	'Supervisor',
	'TaskListDailyWorkflow',
	'Tasks',
	'Workload',
];

/**
 * The site origin without a trailing slash, used by the hidden URL expressions below. A Site URL that
 * is not https (or http on 127.0.0.1 / localhost) becomes https://site-url-must-use-https.invalid, so
 * n8n's credential Test and OAuth connect never send a token, code or secret over plain http.
 */
const site = (data: '$self' | '$credentials') =>
	`{{ ${guardedUrlExpression(`String(${data}.serverUrl || '').trim().replace(/\\/+$/, '')`, false, 'site-url-must-use-https')} }}`;
/** In the credential's own fields n8n exposes the credential as `$self`… */
const SITE = site('$self');

export class ItslearningOAuth2Api implements ICredentialType {
	name = 'itslearningOAuth2Api';

	displayName = 'Itslearning OAuth2 API';

	extends = ['oAuth2Api'];

	documentationUrl =
		'https://github.com/n8n-nodes-itslearning-genesys/n8n-nodes-itslearning-genesys#itslearning-credential';

	icon = { light: 'file:itslearning.svg', dark: 'file:itslearning.dark.svg' } as const;

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
			// The Site URL is n8n's OAuth2 "Server URL" field (the server that is both the authorization
			// server and the resource server), so that the dialog asks for it first: n8n lists a
			// credential's fields in its OAuth2 parent's order and appends new ones after Client ID,
			// Client Secret and Allowed HTTP Request Domains. Without Dynamic Client Registration n8n
			// uses this field only to look up RFC 9728 metadata at Connect (n8n 2.x; a 404 is ignored).
			displayName: 'Site URL',
			name: 'serverUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://yourschool.itslearning.com',
			description:
				"The address of your school's itslearning site: https, no path (plain http only for 127.0.0.1 or localhost, for testing)",
		},
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'hidden',
			default: 'authorizationCode',
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: `=${SITE}/oauth2/authorize.aspx`,
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: `=${SITE}/restapi/oauth2/token`,
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. 3f2504e0-4f89-11d3-9a0c-0305e82c3301',
			description: 'The ID (a GUID) of the API client itslearning registered for you',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'itslearning API clients are public clients identified by their client ID alone: leave this empty unless itslearning issued you a secret',
		},
		{
			displayName: 'Instant Message Scope',
			name: 'instantMessageScope',
			type: 'boolean',
			default: true,
			description:
				'Whether to request the InstantMessage scope, which every Instant Message operation and trigger needs',
		},
		{
			displayName: 'Additional Scopes',
			name: 'additionalScopes',
			type: 'multiOptions',
			options: OTHER_SCOPES.map((scope) => ({ name: scope, value: scope })),
			default: [],
			description:
				'Other scopes to request (SCOPE and All are the all-access scopes some itslearning clients use)',
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			default:
				"={{ [$self.instantMessageScope !== false ? 'InstantMessage' : ''].concat($self.additionalScopes || []).filter(Boolean).join(' ') }}",
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
			default: 'body',
		},
		{
			displayName: 'Send Access Token As',
			name: 'requestSigning',
			type: 'options',
			options: [
				{
					name: 'Authorization Header (Bearer)',
					value: 'header',
					description: 'Keeps the token out of URLs and logs',
				},
				{
					name: 'Query Parameter',
					value: 'query',
					description:
						'Adds access_token=… to the address of each request, as the itslearning SDK and apps do',
				},
			],
			default: 'header',
			description: 'How API requests carry the access token',
		},
	];

	test: ICredentialTestRequest = {
		request: {
			// …in its test request as `$credentials` (n8n's credential tester runs it as a routing request).
			baseURL: `=${site('$credentials')}`,
			url: '/restapi/personal/instantmessages/permissions/v1',
			method: 'GET',
			// A redirect is not followed (the test then fails): the token never leaves the API origin.
			disableFollowRedirect: true,
			maxRedirects: 0,
			sendCredentialsOnCrossOriginRedirect: false,
		},
	};
}
