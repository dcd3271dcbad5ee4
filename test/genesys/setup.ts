/**
 * Shared set-up of the Genesys Chat tests: one Genesys emulator per test file, the BUILT package
 * loaded through n8n-core (test/harness/n8n.ts), credentials pointing at the emulator, a response
 * log taken from the emulator's HTTP server, and the contract (test/spec/genesys-chat.json).
 *
 * Expectations are derived from the spec entry plus the sample values of a test, never from the
 * node's own table: the table is only used to learn which resource/operation selects a row.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type {
	IDataObject,
	INodeExecutionData,
	INodeParameters,
	IWorkflowSettings,
} from 'n8n-workflow';

import type { EndpointRow } from '../../nodes/shared/table/types';
import { recordResponses, type RecordedRequest, type WireResponse } from '../emulator/core';
import {
	startGenesysEmulator,
	type EmulatorUser,
	type GenesysEmulator,
	type IssuedToken,
} from '../emulator/genesys';
import {
	CredentialStore,
	REPO_ROOT,
	loadPackage,
	runNode,
	type CredentialReference,
	type LoadedPackage,
	type RunNodeResult,
} from '../harness/n8n';

export const CREDENTIAL_TYPE = 'genesysCloudOAuth2Api';
export const NODE_TYPE = 'genesysChat';

// ---------------------------------------------------------------------------------------------
// The contract and the built table
// ---------------------------------------------------------------------------------------------

export interface SpecParam {
	name: string;
	type: string;
	required?: boolean;
	description?: string;
}

export interface SpecEntry {
	sdkMethod: string;
	httpMethod: string;
	path: string;
	pathParams: SpecParam[];
	queryParams: SpecParam[];
	body: { model: string; required: boolean; fields: SpecParam[] } | null;
	responseModel: string | null;
	responseBody: 'json' | 'none';
	permissions: string[];
	notes: string[];
}

export const SPEC: SpecEntry[] = JSON.parse(
	readFileSync(path.join(REPO_ROOT, 'test', 'spec', 'genesys-chat.json'), 'utf8'),
) as SpecEntry[];

export function specOf(sdkMethod: string): SpecEntry {
	const entry = SPEC.find((e) => e.sdkMethod === sdkMethod);
	if (!entry) throw new Error(`${sdkMethod} is not in test/spec/genesys-chat.json`);
	return entry;
}

/** The node's table as built to dist/ (what n8n runs). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const TABLE: EndpointRow[] = (
	require(path.join(REPO_ROOT, 'dist', 'nodes', 'GenesysChat', 'GenesysChat.table.js')) as {
		genesysChatTable: EndpointRow[];
	}
).genesysChatTable;

export function rowOf(sdkMethod: string): EndpointRow {
	const row = TABLE.find((r) => r.sdkMethod === sdkMethod);
	if (!row) throw new Error(`${sdkMethod} is not in the built table`);
	return row;
}

/** resource/operation node parameters that select the row of an SDK method. */
export const select = (sdkMethod: string): INodeParameters => {
	const row = rowOf(sdkMethod);
	return { resource: row.resource, operation: row.operation };
};

/** n8n parameter name of an API name: the camelCase of its dotted wire name (`mobile.notifications.when` → `mobileNotificationsWhen`). */
export const n8nName = (specName: string): string =>
	specName
		.split('.')
		.map((part, i) => (i === 0 ? part : part[0].toUpperCase() + part.slice(1)))
		.join('');

/** Sets `a.b.c` in an object, creating the levels between. */
export function setDotted(target: IDataObject, dotted: string, value: unknown): void {
	const keys = dotted.split('.');
	let node = target;
	for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as IDataObject;
	node[keys[keys.length - 1]] = value as IDataObject[string];
}

/** What the SDK puts in the path for a value: encodeURIComponent, lists comma-joined first. */
export const sdkPathValue = (value: unknown): string =>
	encodeURIComponent(Array.isArray(value) ? value.join(',') : String(value));

/** The raw path the SDK sends for a spec entry and values (by spec name). */
export function expectedRawPath(entry: SpecEntry, values: Record<string, unknown>): string {
	return entry.path.replace(/\{(\w+)\}/g, (_, name: string) => {
		if (!(name in values))
			throw new Error(`No sample value for path parameter ${name} of ${entry.sdkMethod}`);
		return sdkPathValue(values[name]);
	});
}

// ---------------------------------------------------------------------------------------------
// Emulator, store, credentials, runs
// ---------------------------------------------------------------------------------------------

/** An answer the emulator sent (status, headers, body). */
export type ResponseRecord = WireResponse;

export interface GenesysTestEnv {
	emu: GenesysEmulator;
	pkg: LoadedPackage;
	store: CredentialStore;
	/** users[0]: the user every user credential acts as, unless told otherwise. */
	me: EmulatorUser;
	other: EmulatorUser;
	third: EmulatorUser;
	fourth: EmulatorUser;
	/** Every response the emulator sent (status + headers), in order. */
	responses: ResponseRecord[];
	/** The default Authorization Code credential (acts as `me`) and its token. */
	userCred: CredentialReference;
	userToken: IssuedToken;
}

/**
 * Starts the emulator and loads the package for the current test file (beforeAll/afterAll), and
 * returns an object that is filled in once beforeAll has run.
 */
export function useGenesys(): GenesysTestEnv {
	const env = {} as GenesysTestEnv;
	beforeAll(async () => {
		env.emu = await startGenesysEmulator();
		env.pkg = await loadPackage();
		env.store = new CredentialStore(env.pkg);
		[env.me, env.other, env.third, env.fourth] = env.emu.users;
		env.responses = recordResponses(env.emu.app.server);
		const user = userCredential(env);
		env.userCred = user.ref;
		env.userToken = user.token;
	});
	afterAll(async () => {
		await env.emu?.close();
	});
	afterEach(() => {
		env.emu?.clearFaults();
		env.emu?.setRateLimit(undefined);
	});
	return env;
}

/** An Authorization Code credential on the emulator (region Custom), holding a fresh user token. */
export function userCredential(
	env: Pick<GenesysTestEnv, 'emu' | 'store'>,
	userId: string = env.emu.users[0].id,
	extra: IDataObject = {},
): { ref: CredentialReference; token: IssuedToken } {
	const token = env.emu.issueUserToken(userId);
	const ref = env.store.add(CREDENTIAL_TYPE, {
		serverUrl: 'https://custom.invalid',
		customBaseUrl: env.emu.url,
		grantType: 'authorizationCode',
		clientId: env.emu.clientId,
		clientSecret: env.emu.clientSecret,
		scopes: ['chat'],
		oauthTokenData: { ...token },
		...extra,
	});
	return { ref, token };
}

/** A Client Credentials credential on the emulator: no token stored, n8n fetches one itself. */
export function clientCredential(env: Pick<GenesysTestEnv, 'emu' | 'store'>): CredentialReference {
	return env.store.add(CREDENTIAL_TYPE, {
		serverUrl: 'https://custom.invalid',
		customBaseUrl: env.emu.url,
		grantType: 'clientCredentials',
		clientId: env.emu.clientId,
		clientSecret: env.emu.clientSecret,
	});
}

export interface RunOptions {
	credential?: CredentialReference;
	input?: INodeExecutionData[];
	continueOnFail?: boolean;
	workflowSettings?: IWorkflowSettings;
	/** Node version (default 1: the raw answers). */
	typeVersion?: number;
}

/** Runs the Genesys Chat node once in n8n (Harness Input → Genesys Chat). */
export async function run(
	env: GenesysTestEnv,
	parameters: INodeParameters,
	options: RunOptions = {},
): Promise<RunNodeResult> {
	return await runNode({
		// Version 1: the raw API answers the contract tests compare (1.1 only turns Simplify on by default).
		typeVersion: options.typeVersion ?? 1,
		store: env.store,
		nodeType: NODE_TYPE,
		parameters,
		credentials: { [CREDENTIAL_TYPE]: options.credential ?? env.userCred },
		input: options.input,
		continueOnFail: options.continueOnFail,
		workflowSettings: options.workflowSettings,
	});
}

/**
 * Runs `fn` and returns the API requests and responses it caused, and apart from them the requests
 * to the OAuth endpoints (`/oauth/token`, `/oauth/authorize`).
 */
export async function capture<T>(
	env: GenesysTestEnv,
	fn: () => Promise<T>,
): Promise<{
	result: T;
	requests: RecordedRequest[];
	responses: ResponseRecord[];
	tokenRequests: RecordedRequest[];
}> {
	const requestMark = env.emu.requests.length;
	const responseMark = env.responses.length;
	const result = await fn();
	const isToken = (path: string) => path.startsWith('/oauth/');
	const requests = env.emu.requests.slice(requestMark).filter((r) => !isToken(r.rawPath));
	const tokenRequests = env.emu.requests.slice(requestMark).filter((r) => isToken(r.rawPath));
	const responses = env.responses.slice(responseMark).filter((r) => !isToken(r.url));
	return { result, requests, responses, tokenRequests };
}

/** Sends a recorded request again, same method, URL and Authorization, and returns the parsed answer. */
export async function replay(env: GenesysTestEnv, request: RecordedRequest): Promise<unknown> {
	const res = await fetch(`${env.emu.url}${request.url}`, {
		method: request.method,
		headers: { accept: 'application/json', authorization: String(request.headers.authorization) },
	});
	const text = await res.text();
	if (!res.ok)
		throw new Error(`Replay of ${request.method} ${request.url} answered ${res.status}: ${text}`);
	return text ? (JSON.parse(text) as unknown) : undefined;
}

/** The JSON of the node's output items. */
export { jsonOf } from '../harness/n8n';

/** Everything about an n8n error a user can see, as one text (to look for leaked secrets). */
export function errorText(error: unknown): string {
	if (!error || typeof error !== 'object') return String(error);
	const e = error as Record<string, unknown>;
	return [
		e.message,
		e.description,
		JSON.stringify(e.context ?? {}),
		JSON.stringify(e.errorResponse ?? {}),
		JSON.stringify(error),
		String(e.stack ?? ''),
	].join('\n');
}
