/**
 * Genesys Cloud specifics for the engine: the API host from the credential's region (or a custom
 * base URL), Genesys ErrorBody parsing with the correlation id, and advice for user-only calls,
 * missing permissions and rate limits.
 */
import {
	NodeOperationError,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type INode,
} from 'n8n-workflow';

import type { ServiceDefinition } from '../shared/table/service';
import { checkServiceUrl } from '../shared/http/url';
import { genesysSendAndWait } from './GenesysChat.sendAndWait';
import { GENESYS_CUSTOM_REGION, GENESYS_REGION_URLS } from './GenesysChat.regions';
import { genesysChatTable, genesysResources } from './GenesysChat.table';

/** Checks a custom base URL: https (http only for 127.0.0.1 / localhost), no query or fragment. */
export function normalizeBaseUrl(value: unknown, node: INode): string {
	return checkServiceUrl(value, node, {
		subject: 'The Genesys Cloud custom base URL',
		fix: 'Fix the Base URL in the Genesys Cloud credential, e.g. https://api.mypurecloud.com',
		example: 'https://api.mypurecloud.com',
		allowPath: true,
	});
}

/**
 * The API origin: the Region field (n8n's OAuth2 "Server URL" field) holds a region's API origin,
 * https://api.<region domain>, or Custom, whose Base URL (and optional Login URL) is checked.
 */
export function genesysApiBase(credentials: ICredentialDataDecryptedObject, node: INode): string {
	// Exactly one of the Region values, as the credential's expressions compare it (no trimming).
	const region = typeof credentials.serverUrl === 'string' ? credentials.serverUrl : '';
	if (region === GENESYS_CUSTOM_REGION) {
		// The Login URL receives the client secret and refresh tokens: same rule as the Base URL.
		if (
			typeof credentials.customLoginUrl === 'string' &&
			credentials.customLoginUrl.trim() !== ''
		) {
			checkServiceUrl(credentials.customLoginUrl, node, {
				subject: 'The Genesys Cloud custom login URL',
				fix: 'Fix the Login URL in the Genesys Cloud credential, e.g. https://login.mypurecloud.com',
				example: 'https://login.mypurecloud.com',
				allowPath: true,
			});
		}
		return normalizeBaseUrl(credentials.customBaseUrl, node);
	}
	if (!GENESYS_REGION_URLS.includes(region)) {
		throw new NodeOperationError(node, `Unknown Genesys Cloud region "${region}"`, {
			description:
				'Choose the Region again in the Genesys Cloud credential (or Custom with a Base URL)',
		});
	}
	return region;
}

const USER_CONTEXT = /user context|client credentials/i;

export const genesysService: ServiceDefinition = {
	displayName: 'Genesys Cloud',
	credentialType: 'genesysCloudOAuth2Api',
	credentialDisplayName: 'Genesys Cloud OAuth2 API',
	resources: genesysResources,
	table: genesysChatTable,
	baseUrl: genesysApiBase,
	correlationHeader: 'inin-correlation-id',
	parseError(status, body) {
		const data = (body && typeof body === 'object' ? body : {}) as IDataObject;
		const message =
			(typeof data.message === 'string' && data.message) ||
			(typeof data.error_description === 'string' && data.error_description) ||
			(typeof body === 'string' && body.trim() && body.trim().slice(0, 500)) ||
			`HTTP ${status}`;
		const details: IDataObject = {};
		for (const key of ['entityId', 'entityName', 'details', 'errors', 'limit']) {
			const value = data[key];
			if (value !== undefined && !(Array.isArray(value) && value.length === 0))
				details[key] = value;
		}
		return {
			message,
			code:
				typeof data.code === 'string'
					? data.code
					: typeof data.error === 'string'
						? data.error
						: undefined,
			correlationId: typeof data.contextId === 'string' ? data.contextId : undefined,
			details: Object.keys(details).length ? details : undefined,
		};
	},
	hint(status, row, error) {
		if (row.userContext && (USER_CONTEXT.test(error.message) || status === 401 || status === 403)) {
			const base =
				'This operation acts as a user: the credential must use the Authorization Code or PKCE grant (a client-credentials token has no user).';
			if (status !== 403) return base;
			return `${base} The user also needs one of these permissions: ${(row.permissions ?? []).join(', ') || 'none'}.`;
		}
		if (status === 403 && row.permissions?.length)
			return `The token needs one of these permissions: ${row.permissions.join(', ')}.`;
		if (status === 429)
			return 'Genesys Cloud rate limit: the request was retried as Retry-After asked, until the retry budget ran out.';
		return undefined;
	},
	retry: { maxRetries: 5 },
	sendAndWait: genesysSendAndWait,
};
