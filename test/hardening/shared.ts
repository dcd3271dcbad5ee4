/**
 * Helpers of the hardening-3 tests: credentials on the raw server, the node parameters of a row,
 * and a list search run the way n8n's editor runs it (n8n-core's LoadOptionsContext, real HTTP).
 */
import { randomUUID } from 'node:crypto';

import { LoadOptionsContext } from 'n8n-core';
import {
	Workflow,
	type IDataObject,
	type ILoadOptionsFunctions,
	type INode,
	type INodeListSearchResult,
	type INodeParameters,
} from 'n8n-workflow';

import {
	createAdditionalData,
	prepareN8nCore,
	runNode,
	type CredentialReference,
	type CredentialStore,
	type LoadedPackage,
	type RunNodeResult,
} from '../harness/n8n';
import { paramsFor } from '../itslearning/setup';

export const ITS = 'itslearningOAuth2Api';
export const GEN = 'genesysCloudOAuth2Api';

export const TOKEN = 'tok_4f1c2a9e8b7d6c5e4f3a2b1c0d9e8f7a';
export const REFRESH = 'ref_9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d';
export const SECRET = 'sec_Zq8X2mN4pL6vB1cR';

export function itsCredential(
	store: CredentialStore,
	serverUrl: string,
	extra: IDataObject = {},
): CredentialReference {
	return store.add(ITS, {
		serverUrl,
		clientId: 'n8n-test-client',
		oauthTokenData: {
			access_token: TOKEN,
			refresh_token: REFRESH,
			token_type: 'bearer',
			expires_in: 3600,
		},
		...extra,
	});
}

export function genCredential(
	store: CredentialStore,
	customBaseUrl: string,
	extra: IDataObject = {},
): CredentialReference {
	return store.add(GEN, {
		serverUrl: 'https://custom.invalid',
		customBaseUrl,
		grantType: 'authorizationCode',
		clientId: 'genesys-client',
		clientSecret: SECRET,
		scopes: ['chat'],
		oauthTokenData: {
			access_token: TOKEN,
			refresh_token: REFRESH,
			token_type: 'bearer',
			expires_in: 3600,
		},
		...extra,
	});
}

export const its = (
	pkg: LoadedPackage,
	sdkMethod: string,
	values: IDataObject = {},
	extra: IDataObject = {},
) => paramsFor(pkg, sdkMethod, values, extra);

/** Genesys parameters: resource/operation of the row, the values as top-level fields or Additional Fields. */
export function gen(
	pkg: LoadedPackage,
	sdkMethod: string,
	values: IDataObject = {},
	extra: IDataObject = {},
): INodeParameters {
	const table = (
		require('../../dist/nodes/GenesysChat/GenesysChat.table.js') as {
			genesysChatTable: Array<{ sdkMethod: string; resource: string; operation: string }>;
		}
	).genesysChatTable;
	const row = table.find((r) => r.sdkMethod === sdkMethod)!;
	const { properties } = pkg.nodeTypes.getByNameAndVersion(
		pkg.nodeTypeName('genesysChat'),
	).description;
	const top = new Set(
		properties
			.filter(
				(p) =>
					p.type !== 'collection' &&
					(p.displayOptions?.show?.operation as string[] | undefined)?.includes(row.operation) &&
					(p.displayOptions?.show?.resource as string[] | undefined)?.includes(row.resource),
			)
			.map((p) => p.name),
	);
	const parameters: IDataObject = { resource: row.resource, operation: row.operation, ...extra };
	const additionalFields: IDataObject = {};
	for (const [name, value] of Object.entries(values))
		(top.has(name) ? parameters : additionalFields)[name] = value;
	if (Object.keys(additionalFields).length) parameters.additionalFields = additionalFields;
	return parameters as INodeParameters;
}

export async function runAction(
	store: CredentialStore,
	nodeType: 'itslearningInstantMessage' | 'genesysChat',
	parameters: INodeParameters,
	credential: CredentialReference,
	continueOnFail = false,
): Promise<RunNodeResult> {
	return await runNode({
		typeVersion: 1,
		store,
		nodeType,
		parameters,
		credentials: { [nodeType === 'genesysChat' ? GEN : ITS]: credential },
		...(continueOnFail ? { continueOnFail: true } : {}),
	});
}

/**
 * Runs one of a node's `methods.listSearch` as n8n's editor does (POST /node-list-search): an
 * n8n-core LoadOptionsContext for the node with its credential, the method called with the search
 * text and the page token. Returns the page, or the error the editor would show.
 */
export async function runListSearch(
	store: CredentialStore,
	nodeType: 'itslearningInstantMessage' | 'genesysChat',
	method: string,
	credential: CredentialReference,
	filter?: string,
	paginationToken?: string,
): Promise<{ page?: INodeListSearchResult; error?: Error }> {
	await prepareN8nCore();
	const pkg = store.pkg;
	const type = pkg.nodeTypeName(nodeType);
	const described = pkg.nodeTypes.getByNameAndVersion(type, 1);
	const node: INode = {
		id: randomUUID(),
		name: 'List search',
		type,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { [nodeType === 'genesysChat' ? GEN : ITS]: credential },
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: pkg.nodeTypes,
		settings: { executionOrder: 'v1' },
	});
	const context = new LoadOptionsContext(
		workflow,
		workflow.getNode(node.name)!,
		createAdditionalData(store),
		'parameters.x',
	);
	const search = described.methods?.listSearch?.[method];
	if (!search) throw new Error(`${nodeType} has no list search ${method}`);
	try {
		return {
			page: await search.call(context as unknown as ILoadOptionsFunctions, filter, paginationToken),
		};
	} catch (error) {
		return { error: error as Error };
	}
}

/** All a user could see of an error, as one text. */
export function visible(result: {
	error?: Error | null;
	items?: Array<{ json: IDataObject }>;
}): string {
	const e = result.error as unknown as Record<string, unknown> | undefined;
	const parts = [JSON.stringify((result.items ?? []).map((i) => i.json))];
	if (e)
		parts.push(
			String(e.message),
			String(e.description ?? ''),
			JSON.stringify(e.context ?? {}),
			JSON.stringify(e.errorResponse ?? {}),
			JSON.stringify(e.messages ?? []),
			JSON.stringify(e),
		);
	return parts.join('\n');
}
