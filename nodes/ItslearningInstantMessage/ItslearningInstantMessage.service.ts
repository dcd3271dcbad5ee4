/**
 * itslearning specifics for the engine: the site URL from the credential, the token placement
 * option, ASP.NET / OAuth2 error bodies, and advice for 401/403.
 */
import { NodeOperationError, type ICredentialDataDecryptedObject, type IDataObject, type INode } from 'n8n-workflow';

import type { ServiceDefinition } from '../shared/service';
import { itslearningInstantMessageTable, itslearningResources } from './ItslearningInstantMessage.table';

/**
 * Normalises and checks a site URL: https origin only (`https://school.itslearning.com`), with
 * http allowed for 127.0.0.1 / localhost so a local emulator works.
 */
export function normalizeSiteUrl(value: unknown, node: INode): string {
	const invalid = (message: string) => new NodeOperationError(node, message, { description: 'Fix the Site URL in the itslearning credential' });
	const text = typeof value === 'string' ? value.trim().replace(/\/+$/, '') : '';
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw invalid(`The itslearning Site URL "${text}" is not a URL. Use the origin of your school's site, e.g. https://yourschool.itslearning.com`);
	}
	const local = url.hostname === '127.0.0.1' || url.hostname === 'localhost';
	if (url.protocol !== 'https:' && !(local && url.protocol === 'http:')) {
		throw invalid(`The itslearning Site URL must use https (got ${url.protocol}//${url.host})`);
	}
	if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
		throw invalid(`The itslearning Site URL must be an origin only, e.g. https://yourschool.itslearning.com (got a path, query or login in "${text}")`);
	}
	return url.origin;
}

/**
 * Removes token values from text the service sends back: ASP.NET echoes the request URI in some
 * errors ("No HTTP resource was found that matches the request URI '…?access_token=…'"), and with
 * query signing that URI carries the access token.
 */
export function redactTokens(text: string): string {
	return text.replace(/\b(access_token|refresh_token|client_secret)=[^&\s'"#]*/gi, '$1=[redacted]');
}

export const itslearningService: ServiceDefinition = {
	displayName: 'itslearning',
	credentialType: 'itslearningOAuth2Api',
	resources: itslearningResources,
	table: itslearningInstantMessageTable,
	baseUrl: (credentials: ICredentialDataDecryptedObject, node: INode) => normalizeSiteUrl(credentials.siteUrl, node),
	oauth2Options: (credentials) => (credentials.requestSigning === 'query' ? { tokenType: 'query' } : undefined),
	parseError(status, body) {
		const data = (body && typeof body === 'object' ? body : {}) as IDataObject;
		const message =
			(typeof data.Message === 'string' && data.Message) ||
			(typeof data.error_description === 'string' && data.error_description) ||
			(typeof data.error === 'string' && data.error) ||
			(typeof body === 'string' && body.trim() && body.trim().slice(0, 500)) ||
			`HTTP ${status}`;
		const details: IDataObject = {};
		for (const key of ['MessageDetail', 'ExceptionMessage', 'ExceptionType']) {
			if (data[key] !== undefined) details[key] = typeof data[key] === 'string' ? redactTokens(data[key]) : data[key];
		}
		return {
			message: redactTokens(message),
			code: typeof data.error === 'string' ? data.error : undefined,
			details: Object.keys(details).length ? details : undefined,
		};
	},
	hint(status, row) {
		if (status === 401) return 'The access token was refused. Reconnect the itslearning credential (its refresh token may have expired or been rotated elsewhere).';
		if (status === 403) return `The credential needs the "${row.scope}" scope: enable it in the credential and reconnect.`;
		if (status === 404) return 'The item does not exist or the signed-in user may not see it (itslearning answers 404 for both).';
		return undefined;
	},
	retry: { maxRetries: 5, maxWaitSeconds: 60 },
	timeoutMs: 60_000,
};
