/**
 * Shared setup of the itslearning Instant Message tests: an emulated itslearning site, a
 * credential store with one OAuth2 credential per signed-in person, a way to run the BUILT node
 * through n8n-core (test/harness/n8n.ts) and a log of what the emulator answered on the wire.
 *
 * Nothing here is a mock: the node runs in n8n's WorkflowExecute, requests travel over real HTTP
 * to the emulator (test/emulator/itslearning.ts), and OAuth2 refreshes go through n8n-core.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type {
	IDataObject,
	INodeExecutionData,
	INodeParameters,
	INodeProperties,
} from 'n8n-workflow';

import type { EndpointRow } from '../../nodes/shared/table/types';
import {
	startItslearningEmulator,
	type IssuedToken,
	type ItslearningEmulator,
	type ItslearningEmulatorOptions,
} from '../emulator/itslearning';
import { recordResponses, type RecordedRequest, type WireResponse } from '../emulator/core';
import {
	CredentialStore,
	REPO_ROOT,
	loadPackage,
	runNode,
	type CredentialReference,
	type LoadedPackage,
	type RunNodeResult,
} from '../harness/n8n';

export const NODE_TYPE = 'itslearningInstantMessage';
export const CREDENTIAL_TYPE = 'itslearningOAuth2Api';
export const CLIENT_ID = 'n8n-test-client';
export const API = '/restapi/personal/instantmessages';
export const TOKEN_PATH = '/restapi/oauth2/token';

// ---------------------------------------------------------------------------------------------
// The contract and the node's table, both as shipped

export interface SpecParam {
	name: string;
	type: string;
	required?: boolean;
	default?: unknown;
	style?: string;
}

export interface SpecEntry {
	sdkMethod: string;
	httpMethod: string;
	path: string;
	pathParams: SpecParam[];
	queryParams: SpecParam[];
	body: null | { contentType: string; type: string; fields: SpecParam[] };
	responseType: string;
	paging: null | Record<string, unknown>;
}

/** test/spec/itslearning-instant-message.json: the 45 endpoints the node must call exactly so. */
export const SPEC: SpecEntry[] = JSON.parse(
	readFileSync(path.join(REPO_ROOT, 'test', 'spec', 'itslearning-instant-message.json'), 'utf8'),
) as SpecEntry[];

/** The node's endpoint table from dist/ (what n8n runs). */
export function loadTable(): EndpointRow[] {
	const file = path.join(
		REPO_ROOT,
		'dist',
		'nodes',
		'ItslearningInstantMessage',
		'ItslearningInstantMessage.table.js',
	);
	return (require(file) as { itslearningInstantMessageTable: EndpointRow[] })
		.itslearningInstantMessageTable;
}

export function rowOf(sdkMethod: string): EndpointRow {
	const row = loadTable().find((r) => r.sdkMethod === sdkMethod);
	if (!row) throw new Error(`No row for ${sdkMethod} in the built table`);
	return row;
}

// ---------------------------------------------------------------------------------------------
// What the emulator answered (captured on its HTTP server, before Fastify sees the request)

/** The JSON value of an answer; undefined for an empty body. */
export function answerOf(response: WireResponse): unknown {
	return response.body === '' ? undefined : (JSON.parse(response.body) as unknown);
}

// ---------------------------------------------------------------------------------------------
// A site: emulator + credentials + node runs

export interface CredentialOptions {
	personId?: number;
	scopes?: string[];
	lifetimeSeconds?: number;
	requestSigning?: 'header' | 'query';
}

export interface SignedIn {
	ref: CredentialReference;
	token: IssuedToken;
	personId: number;
}

export interface RunOptions {
	/** Credential to run with (default: the site's person 1). */
	as?: SignedIn;
	input?: INodeExecutionData[];
	continueOnFail?: boolean;
	/** Node version (default 1: the raw answers). */
	typeVersion?: number;
}

export interface Site {
	emu: ItslearningEmulator;
	pkg: LoadedPackage;
	store: CredentialStore;
	/** Person 1 (Ada Lovelace, Teacher), signed in with the InstantMessage scope. */
	me: SignedIn;
	/** Every answer the emulator sent, in order (token endpoint included). */
	responses: WireResponse[];
	/** Answers of API routes only (token/authorize endpoints left out). */
	apiResponses(): WireResponse[];
	/** API requests as received on the wire. */
	apiRequests(): RecordedRequest[];
	/** Requests to the token endpoint. */
	tokenRequests(): RecordedRequest[];
	/** Adds a credential for a person (issues a token in the emulator first). */
	signIn(options?: CredentialOptions): SignedIn;
	/** Runs the node once with these parameters (resource, operation, fields). */
	run(parameters: INodeParameters, options?: RunOptions): Promise<RunNodeResult>;
	/** Forgets the request/answer logs (emulator state is kept). */
	clearLogs(): void;
	close(): Promise<void>;
}

export async function startSite(options: ItslearningEmulatorOptions = {}): Promise<Site> {
	const pkg = await loadPackage();
	const emu = await startItslearningEmulator(options);
	const responses = recordResponses(emu.app.server);
	const store = new CredentialStore(pkg);
	const isToken = (rawPath: string) => rawPath === TOKEN_PATH;

	const signIn = ({
		personId = 1,
		scopes,
		lifetimeSeconds,
		requestSigning,
	}: CredentialOptions = {}): SignedIn => {
		const token = emu.issueToken({
			personId,
			...(scopes ? { scopes } : {}),
			...(lifetimeSeconds !== undefined ? { lifetimeSeconds } : {}),
		});
		const ref = store.add(CREDENTIAL_TYPE, {
			serverUrl: emu.url,
			clientId: CLIENT_ID,
			...(requestSigning ? { requestSigning } : {}),
			oauthTokenData: { ...token },
		});
		return { ref, token, personId };
	};
	const me = signIn();

	return {
		emu,
		pkg,
		store,
		me,
		responses,
		apiResponses: () => responses.filter((r) => !isToken(r.rawPath)),
		apiRequests: () => emu.apiRequests(),
		tokenRequests: () => emu.requests.filter((r) => isToken(r.rawPath)),
		signIn,
		run: async (parameters, { as = me, input, continueOnFail, typeVersion = 1 } = {}) =>
			await runNode({
				// Version 1: the raw API answers the contract tests compare (1.1 only turns Simplify on by default).
				typeVersion,
				store,
				nodeType: NODE_TYPE,
				parameters,
				credentials: { [CREDENTIAL_TYPE]: as.ref },
				...(input ? { input } : {}),
				...(continueOnFail ? { continueOnFail } : {}),
			}),
		clearLogs: () => {
			emu.clearRequests();
			responses.length = 0;
		},
		close: async () => await emu.close(),
	};
}

// ---------------------------------------------------------------------------------------------
// Node parameters

/**
 * Names of the top-level (non-collection) fields the node always shows for a resource/operation.
 * Fields that appear only after a further choice (e.g. Message → Send's "Send To") are left out:
 * without that choice their values go into Additional Fields, as in workflows saved before it.
 */
export function topLevelFields(
	pkg: LoadedPackage,
	resource: string,
	operation: string,
): Set<string> {
	const { properties } = pkg.nodeTypes.getByNameAndVersion(pkg.nodeTypeName(NODE_TYPE)).description;
	const shown = (p: INodeProperties) => {
		const show = p.displayOptions?.show;
		// '@version': a field whose form depends on the node version (e.g. People: one picker before 1.2, a list of pickers from 1.2 on).
		const always = Object.keys(show ?? {}).every(
			(key) => key === 'resource' || key === 'operation' || key === '@version',
		);
		return (
			always &&
			(show?.resource as string[] | undefined)?.includes(resource) &&
			(show?.operation as string[] | undefined)?.includes(operation)
		);
	};
	return new Set(properties.filter((p) => shown(p) && p.type !== 'collection').map((p) => p.name));
}

/**
 * Node parameters for a row: each value goes where the node's UI puts it (a top-level field or
 * the Additional Fields collection), as a user would fill them in.
 */
export function nodeParameters(
	pkg: LoadedPackage,
	row: EndpointRow,
	values: IDataObject,
	extra: IDataObject = {},
): INodeParameters {
	const top = topLevelFields(pkg, row.resource, row.operation);
	const parameters: IDataObject = { resource: row.resource, operation: row.operation, ...extra };
	const additionalFields: IDataObject = {};
	for (const [name, value] of Object.entries(values)) {
		if (top.has(name)) parameters[name] = value;
		else additionalFields[name] = value;
	}
	if (Object.keys(additionalFields).length) parameters.additionalFields = additionalFields;
	return parameters as INodeParameters;
}

/** Parameters of the row with this sdkMethod (resource/operation from the built table). */
export function paramsFor(
	pkg: LoadedPackage,
	sdkMethod: string,
	values: IDataObject = {},
	extra: IDataObject = {},
): INodeParameters {
	return nodeParameters(pkg, rowOf(sdkMethod), values, extra);
}

/** The JSON of the output items. */
export { jsonOf } from '../harness/n8n';
export type { WireResponse } from '../emulator/core';

/** Everything an error carries that a user could see (message, description, context, cause…). */
export function errorText(error: unknown): string {
	const seen = new WeakSet<object>();
	return JSON.stringify(error, function (this: unknown, _key: string, value: unknown) {
		if (value instanceof Error) {
			const out: Record<string, unknown> = {};
			for (const name of Object.getOwnPropertyNames(value))
				out[name] = (value as unknown as Record<string, unknown>)[name];
			for (const [name, v] of Object.entries(value)) out[name] = v;
			value = out;
		}
		if (value && typeof value === 'object') {
			if (seen.has(value)) return '[circular]';
			seen.add(value);
		}
		return value;
	});
}

export const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

/** The Authorization header of a recorded request. */
export const authorizationOf = (request: RecordedRequest) =>
	request.headers.authorization as string | undefined;
