/**
 * itslearning specifics for the engine: the site URL from the credential, the token placement
 * option, ASP.NET / OAuth2 error bodies, and advice for 401/403.
 */
import type { ICredentialDataDecryptedObject, IDataObject, INode } from 'n8n-workflow';

import type { ServiceDefinition } from '../shared/table/service';
import { checkServiceUrl } from '../shared/http/url';
import { itslearningSendAndWait } from './ItslearningInstantMessage.sendAndWait';
import {
	itslearningInstantMessageTable,
	itslearningResources,
} from './ItslearningInstantMessage.table';

/** The site origin from the credential: https (http for 127.0.0.1 / localhost), no path. */
export function normalizeSiteUrl(value: unknown, node: INode): string {
	return checkServiceUrl(value, node, {
		subject: 'The itslearning Site URL',
		fix: 'Fix the Site URL in the itslearning credential',
		example: 'https://yourschool.itslearning.com',
		allowPath: false,
	});
}

export const itslearningService: ServiceDefinition = {
	displayName: 'itslearning',
	credentialType: 'itslearningOAuth2Api',
	credentialDisplayName: 'Itslearning OAuth2 API',
	resources: itslearningResources,
	table: itslearningInstantMessageTable,
	baseUrl: (credentials: ICredentialDataDecryptedObject, node: INode) =>
		normalizeSiteUrl(credentials.serverUrl, node),
	oauth2Options: (credentials) =>
		credentials.requestSigning === 'query' ? { tokenType: 'query' } : undefined,
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
			if (data[key] !== undefined) details[key] = data[key];
		}
		return {
			// The transport's Redactor removes tokens (e.g. ASP.NET echoing a query-signed request URI).
			message,
			code: typeof data.error === 'string' ? data.error : undefined,
			details: Object.keys(details).length ? details : undefined,
		};
	},
	hint(status, row) {
		if (status === 401)
			return 'The access token was refused. Reconnect the itslearning credential (its refresh token may have expired or been rotated elsewhere).';
		if (status === 403)
			return `The credential needs the "${row.scope}" scope: enable it in the credential and reconnect.`;
		if (status === 404)
			return 'The item does not exist or the signed-in user may not see it (itslearning answers 404 for both).';
		return undefined;
	},
	retry: { maxRetries: 5 },
	sendAndWait: itslearningSendAndWait,
};
