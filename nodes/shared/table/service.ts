/**
 * What the engine needs to know about a service besides its endpoint table: where requests go,
 * how its credential signs them, how it words errors, and its retry budget.
 */
import type { ICredentialDataDecryptedObject, IDataObject, INode } from 'n8n-workflow';

import type { SendAndWaitSpec } from './sendAndWait';
import type { EndpointRow, ResourceDef, ServiceError } from './types';

export interface ServiceDefinition {
	/** Service name used in messages ("itslearning", "Genesys Cloud"). */
	displayName: string;
	credentialType: string;
	/** The credential's name in n8n's UI ("Itslearning OAuth2 API"), for advice in messages. */
	credentialDisplayName: string;
	resources: ResourceDef[];
	table: EndpointRow[];
	/** API origin (no trailing slash) from the credential; throws a clear error for a bad one. */
	baseUrl(credentials: ICredentialDataDecryptedObject, node: INode): string;
	/** Options for n8n's OAuth2 signing (e.g. `{ tokenType: 'query' }` to send `access_token` in the URL). */
	oauth2Options?(credentials: ICredentialDataDecryptedObject): IDataObject | undefined;
	parseError(status: number, body: unknown, headers: IDataObject): ServiceError;
	/** Extra advice for an error (missing scope, user-only call, …). */
	hint?(status: number, row: EndpointRow, error: ServiceError): string | undefined;
	/** Response header carrying a correlation id, when the service sends one. */
	correlationHeader?: string;
	/** Retries per request; how long they may wait in all is the item's budget (Request Options). */
	retry: { maxRetries: number };
	/** The Send and Wait for Response operation (table/sendAndWait.ts, run/sendAndWait.ts), when the node offers it. */
	sendAndWait?: SendAndWaitSpec;
}

/** `resource:operation` → row, built once per table. */
export function indexTable(table: EndpointRow[]): Map<string, EndpointRow> {
	return new Map(table.map((row) => [`${row.resource}:${row.operation}`, row]));
}
