/**
 * In-process n8n for tests: runs the BUILT nodes of a package through n8n-core's real workflow
 * engine (WorkflowExecute), with real HTTP and n8n's real OAuth2 handling.
 *
 * What is n8n's own code and what is stand-in:
 * - n8n-core / n8n-workflow (pinned 2.41.x) do the work: package loading
 *   (LazyPackageDirectoryLoader), Workflow + WorkflowExecute + ExecutionLifecycleHooks, the node
 *   execution contexts (ExecuteContext, PollContext), parameter/expression resolution,
 *   `httpRequestWithAuthentication` → `requestOAuth2` (sign, refresh on 401, retry, persist via
 *   `credentialsHelper.updateCredentialsOauthTokenData`), binary data helpers.
 * - Stand-ins for what lives in n8n's CLI package (`n8n`), which a community package cannot
 *   depend on: NodeTypes / CredentialTypes over the loaders, a small CredentialsHelper of our
 *   own whose database is an in-memory store (defaults, `$self` expressions, parent types and
 *   token persistence: what OAuth2 credentials need), and the
 *   `additionalData` object (`WorkflowExecuteAdditionalData.getBase` of 2.41.1).
 * - Test-only support package (test/harness/fixture/support): the start node that feeds input
 *   items, and our own minimal stand-in for n8n-nodes-base's `oAuth2Api` credential type, the parent that
 *   OAuth2 credentials extend (n8n-nodes-base is not installed here).
 *
 * How a node runs (runNode): the workflow is `Harness Input → <node under test>`. The harness
 * puts `Harness Input` on the node execution stack with the test's items as its input, exactly
 * as n8n puts a trigger's emitted items on the stack, then calls
 * `WorkflowExecute.processRunExecutionData(workflow)` and waits for the `workflowExecuteAfter`
 * lifecycle hook.
 *
 * Usage (the package must be built first: `npm run build`):
 *
 *   const pkg = await loadPackage();                      // this repository's dist/, as n8n loads it
 *   const store = new CredentialStore(pkg);
 *   const ref = store.add('itslearningOAuth2Api', {
 *     serverUrl: server.url, clientId: 'id', clientSecret: 'secret',
 *     oauthTokenData: { access_token: 'a', refresh_token: 'r', token_type: 'Bearer' },
 *   });
 *   const { items, error } = await runNode({
 *     store, nodeType: 'itslearningInstantMessage',
 *     parameters: { text: '={{ $json.text }}' },       // resolved per item, as in n8n
 *     credentials: { itslearningOAuth2Api: ref },
 *     input: [{ json: { text: 'hi' } }],
 *   });
 *   store.updates;                                        // token refreshes n8n persisted
 *
 * Logs: n8n's logger is silent in tests (env.ts); `N8N_LOG_LEVEL=debug npx jest ...` shows them.
 *
 * n8n-core internals change between minors; everything that depends on them is marked
 * "n8n-core 2.41 internals" below.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';

import {
	BinaryDataService,
	ExecutionLifecycleHooks,
	ExternalSecretsProxy,
	InstanceSettings,
	LazyPackageDirectoryLoader,
	PollContext,
	RoutingNode,
	UnrecognizedCredentialTypeError,
	UnrecognizedNodeTypeError,
	WorkflowExecute,
	getAdditionalKeys,
} from 'n8n-core';
import type { DirectoryLoader, ExecuteContext } from 'n8n-core';
import {
	ICredentials,
	ICredentialsHelper,
	NodeConnectionTypes,
	NodeHelpers,
	UnexpectedError,
	UserError,
	Workflow,
	createRunExecutionData,
	deepCopy,
	fileTypeFromMimeType,
	injectDomainRestrictionFields,
	isExpression,
	jsonParse,
} from 'n8n-workflow';
import type {
	ExecutionError,
	IBinaryData,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	ICredentialTypes,
	ICredentialsEncrypted,
	ICredentialsExpressionResolveValues,
	IDataObject,
	IExecuteData,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeParameters,
	INodeProperties,
	INodeType,
	INodeTypes,
	IPollFunctions,
	IRequestOptionsSimplified,
	IRun,
	IRunData,
	IVersionedNodeType,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
	KnownNodesAndCredentials,
	LoadedClass,
	WorkflowActivateMode,
	WorkflowExecuteMode,
} from 'n8n-workflow';

// ---------------------------------------------------------------------------------------------
// n8n-core's private copies of its @n8n/* dependencies
// ---------------------------------------------------------------------------------------------

/**
 * n8n-core 2.41 internals: n8n-core ships its own nested copies of `@n8n/di`,
 * `@n8n/backend-common`, `@n8n/config` and `@n8n/backend-network`
 * (node_modules/n8n-core/node_modules/@n8n/*); the top-level copies are other versions pulled in
 * by other dev dependencies. A DI container is a module singleton, so the harness must use the
 * exact module instances n8n-core uses, resolved from n8n-core's own directory. Importing
 * '@n8n/di' from here would give a second, empty container ("InstanceSettings is not decorated
 * with Service").
 */
const CORE_DIR = path.dirname(require.resolve('n8n-core'));
function requireFromCore<T>(id: string): T {
	return require(require.resolve(id, { paths: [CORE_DIR] })) as T;
}

interface DiContainer {
	get<T>(type: abstract new (...args: never[]) => T): T;
	get<T>(type: new (...args: never[]) => T): T;
}
const { Container } = requireFromCore<{ Container: DiContainer }>('@n8n/di');
const { LockService } = requireFromCore<{ LockService: new (...args: never[]) => object }>(
	'@n8n/backend-common',
);
const { SsrfProtectionConfig } = requireFromCore<{
	SsrfProtectionConfig: new (...args: never[]) => { enabled: boolean };
}>('@n8n/config');
const { SsrfProtectionService } = requireFromCore<{
	SsrfProtectionService: new (
		...args: never[]
	) => NonNullable<IWorkflowExecuteAdditionalData['ssrfBridge']>;
}>('@n8n/backend-network');
const prettyBytes = requireFromCore<(bytes: number) => string>('pretty-bytes');

// ---------------------------------------------------------------------------------------------
// One-time n8n-core setup
// ---------------------------------------------------------------------------------------------

let corePrepared: Promise<void> | undefined;

/**
 * Builds the n8n-core services that node execution reaches through the DI container. The
 * environment they read is set by test/harness/env.ts. Called by loadPackage/runNode/runPoll;
 * safe to call repeatedly.
 */
export async function prepareN8nCore(): Promise<void> {
	corePrepared ??= (async () => {
		// Every node execution context reads InstanceSettings (instance id, signing secret); it
		// writes `<N8N_USER_FOLDER>/.n8n/config` with a fresh encryption key the first time.
		Container.get(InstanceSettings);
		// getBinaryDataBuffer / prepareBinaryData go through this service. In 'default' mode
		// (N8N_DEFAULT_BINARY_DATA_MODE, set by env.ts) binary data stays base64 inside the items.
		await Container.get(BinaryDataService).init();
		// requestOAuth2's token refresh takes a per-credential lease from LockService
		// (`Container.get(LockService)` inside n8n-core's oauth.ts); its default provider is the
		// in-process lock, which is what a single n8n main uses. Built here so a DI problem fails
		// early and clearly rather than in the middle of a refresh.
		Container.get(LockService);
	})();
	return await corePrepared;
}

// Remove the temporary N8N_USER_FOLDER that env.ts created for this test file.
if (typeof afterAll === 'function' && process.env.N8N_HARNESS_OWNS_USER_FOLDER === 'true') {
	afterAll(() => {
		const folder = process.env.N8N_USER_FOLDER;
		if (folder && existsSync(folder)) rmSync(folder, { recursive: true, force: true });
	});
}

// ---------------------------------------------------------------------------------------------
// Loading packages the way n8n does
// ---------------------------------------------------------------------------------------------

/** The repository root: the package whose built nodes the tests exercise. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** Test-only package loaded next to the package under test (start node, oAuth2Api parent). */
export const SUPPORT_PACKAGE_DIR = path.join(__dirname, 'fixture', 'support');
const SUPPORT_PACKAGE_NAME = 'n8n-nodes-harness-support';
const INPUT_NODE_TYPE = `${SUPPORT_PACKAGE_NAME}.harnessInput`;

export interface LoadedPackage {
	/** n8n's view of all loaded node types (package under test + support package). */
	nodeTypes: HarnessNodeTypes;
	/** n8n's view of all loaded credential types, `extends` chains included. */
	credentialTypes: HarnessCredentialTypes;
	/** `name` from the package's package.json: the prefix of its node types in n8n. */
	packageName: string;
	/** Absolute, real path of the package root. */
	directory: string;
	/** n8n-core's loaders, by package name. */
	loaders: Record<string, DirectoryLoader>;
	/** Known node/credential types as n8n's LoadNodesAndCredentials lists them. */
	known: KnownNodesAndCredentials;
	/** Full n8n type names of the package's own nodes, e.g. `n8n-nodes-x.myNode`. */
	nodeNames: string[];
	/** Names of the package's own credential types. */
	credentialNames: string[];
	/** `'myNode'` → `'<package name>.myNode'`; full names pass through. Throws when unknown. */
	nodeTypeName(name: string): string;
	/** The version n8n gives a new node of this type (defaultVersion / currentVersion / latest). */
	defaultVersion(name: string): number;
}

const packageCache = new Map<string, Promise<LoadedPackage>>();

/**
 * Loads a package directory the way n8n 2.41 loads an installed community package: n8n-core's
 * LazyPackageDirectoryLoader reads package.json's `n8n.nodes` / `n8n.credentials` (it falls back
 * to loading every listed file when there is no `dist/known/*.json`, which is the case for
 * tsc-built community packages), then the CLI's post-processing is applied (node types prefixed
 * with the package name, credential `extends` recorded, domain-restriction fields injected into
 * credential types). Cached per directory (per test file: jest gives each file its own modules).
 *
 * Default directory: the repository root, i.e. the BUILT files under dist/ (run `npm run build`).
 */
export async function loadPackage(dir: string = REPO_ROOT): Promise<LoadedPackage> {
	const directory = path.resolve(dir);
	let loaded = packageCache.get(directory);
	if (!loaded) {
		loaded = loadPackageUncached(directory);
		packageCache.set(directory, loaded);
		loaded.catch(() => packageCache.delete(directory));
	}
	return await loaded;
}

async function loadPackageUncached(directory: string): Promise<LoadedPackage> {
	await prepareN8nCore();

	const loaders: Record<string, DirectoryLoader> = {};
	let packageName = '';
	for (const dir of [directory, SUPPORT_PACKAGE_DIR]) {
		const loader = new LazyPackageDirectoryLoader(dir);
		if (loader.packageName in loaders) {
			throw new UserError(`nodes package ${loader.packageName} is already loaded (${dir})`);
		}
		try {
			await loader.loadAll();
		} catch (error) {
			const hint =
				dir === REPO_ROOT ? ' Did you run `npm run build`? The harness loads the built files.' : '';
			throw new UserError(
				`Could not load the n8n package at ${dir}: ${(error as Error).message}.${hint}`,
				{
					cause: error,
				},
			);
		}
		loaders[loader.packageName] = loader;
		if (dir === directory) packageName = loader.packageName;
	}

	const own = loaders[packageName];
	if (
		Object.keys(own.known.nodes).length === 0 &&
		Object.keys(own.known.credentials).length === 0
	) {
		throw new UserError(
			`The package at ${directory} declares no nodes or credentials (package.json "n8n" section).`,
		);
	}

	// Mirrors LoadNodesAndCredentials.postProcessLoaders() of the n8n CLI 2.41.
	const known: KnownNodesAndCredentials = { nodes: {}, credentials: {} };
	for (const loader of Object.values(loaders)) {
		for (const type in loader.known.nodes) {
			const { className, sourcePath } = loader.known.nodes[type];
			known.nodes[`${loader.packageName}.${type}`] = {
				className,
				sourcePath: loader.resolveSourcePath(sourcePath),
			};
		}
		for (const type in loader.known.credentials) {
			const {
				className,
				sourcePath,
				supportedNodes,
				extends: extendsArr,
			} = loader.known.credentials[type];
			known.credentials[type] = {
				className,
				sourcePath: loader.resolveSourcePath(sourcePath),
				supportedNodes: supportedNodes?.map((nodeName) => `${loader.packageName}.${nodeName}`),
				extends: extendsArr,
			};
			const credentialType = loader.getCredential(type);
			credentialType.type.properties = injectDomainRestrictionFields(credentialType.type);
		}
	}

	injectCustomApiCallOptions(loaders);

	const nodeTypes = new HarnessNodeTypes(loaders, known);
	const credentialTypes = new HarnessCredentialTypes(loaders, known);

	const nodeTypeName = (name: string): string => {
		const full = name.includes('.') ? name : `${packageName}.${name}`;
		if (!(full in known.nodes)) {
			const available = Object.keys(own.known.nodes).join(', ') || '(none)';
			throw new UserError(`Unknown node type "${name}" in ${packageName}. Nodes: ${available}`);
		}
		return full;
	};

	return {
		nodeTypes,
		credentialTypes,
		packageName,
		directory: own.directory,
		loaders,
		known,
		nodeNames: Object.keys(own.known.nodes).map((name) => `${packageName}.${name}`),
		credentialNames: Object.keys(own.known.credentials),
		nodeTypeName,
		defaultVersion(name: string): number {
			const type = nodeTypes.getByName(nodeTypeName(name));
			if ('nodeVersions' in type) return type.currentVersion;
			const { version, defaultVersion } = type.description;
			if (defaultVersion !== undefined) return defaultVersion;
			return Array.isArray(version) ? Math.max(...version) : version;
		},
	};
}

/**
 * Mirrors LoadNodesAndCredentials.injectCustomApiCallOptions() of the n8n CLI 2.41: a node whose
 * credential can sign arbitrary requests (it extends oAuth2Api / oAuth1Api / googleOAuth2Api or
 * has `authenticate`) gets a "Custom API Call" entry appended to its `resource` / `operation`
 * options. The CLI does this on the loaded descriptions themselves, so nodes see the same option
 * lists here as in n8n (only for the default version, and - as in the CLI - not for descriptions
 * whose `version` is an array).
 */
function injectCustomApiCallOptions(loaders: Record<string, DirectoryLoader>): void {
	const credentialTypes = Object.values(loaders).flatMap((loader) => loader.types.credentials);
	const extendsProxyAuthBaseType = (credType: ICredentialType, seen = new Set<string>()): boolean =>
		Array.isArray(credType.extends) &&
		credType.extends.some((parentName) => {
			if (['oAuth2Api', 'googleOAuth2Api', 'oAuth1Api'].includes(parentName)) return true;
			if (seen.has(parentName)) return false;
			seen.add(parentName);
			const parent = credentialTypes.find((t) => t.name === parentName);
			return parent !== undefined && extendsProxyAuthBaseType(parent, seen);
		});
	for (const loader of Object.values(loaders)) {
		for (const node of loader.types.nodes) {
			const isLatestVersion =
				node.defaultVersion === undefined || node.defaultVersion === node.version;
			if (!isLatestVersion || !node.credentials) continue;
			const supportsProxyAuth = node.credentials.some(({ name }) => {
				const credType = credentialTypes.find((t) => t.name === name);
				if (!credType) return false;
				return credType.authenticate !== undefined || extendsProxyAuthBaseType(credType);
			});
			if (!supportsProxyAuth) continue;
			for (const p of node.properties) {
				if (
					['resource', 'operation'].includes(p.name) &&
					Array.isArray(p.options) &&
					(p.options[p.options.length - 1] as { name?: string }).name !== 'Custom API Call'
				) {
					(p.options as Array<{ name: string; value: string }>).push({
						name: 'Custom API Call',
						value: '__CUSTOM_API_CALL__',
					});
				}
			}
		}
	}
}

/** n8n CLI's `shouldAssignExecuteMethod` (packages/cli/src/utils.ts): declarative nodes. */
function isDeclarativeWithoutExecute(nodeType: INodeType): boolean {
	const isDeclarativeNode = nodeType?.description?.requestDefaults !== undefined;
	return (
		!nodeType.execute &&
		!nodeType.supplyData &&
		!nodeType.poll &&
		!nodeType.trigger &&
		(!nodeType.webhook || isDeclarativeNode) &&
		(!nodeType.methods || isDeclarativeNode)
	);
}

/** INodeTypes over n8n-core loaders; follows the n8n CLI's NodeTypes (tool variants left out). */
export class HarnessNodeTypes implements INodeTypes {
	/** Node types made at run time (the CLI's credential tester does this), by full name. */
	private readonly defined = new Map<string, INodeType>();

	constructor(
		private readonly loaders: Record<string, DirectoryLoader>,
		private readonly known: KnownNodesAndCredentials,
	) {}

	/** Registers a node type that no package file declares (see runCredentialTest). */
	define(fullName: string, type: INodeType): void {
		this.defined.set(fullName, type);
		this.known.nodes[fullName] = { className: 'Defined', sourcePath: '' };
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		return this.getNode(nodeType).type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		const versionedNodeType = NodeHelpers.getVersionedNodeType(
			this.getNode(nodeType).type,
			version,
		);
		if (isDeclarativeWithoutExecute(versionedNodeType)) {
			// As in the CLI: declarative (routing) nodes run through n8n-core's RoutingNode.
			versionedNodeType.execute = async function (this) {
				const routingNode = new RoutingNode(this as unknown as ExecuteContext, versionedNodeType);
				return (await routingNode.runNode()) ?? [];
			};
		}
		return versionedNodeType;
	}

	getKnownTypes(): IDataObject {
		return this.known.nodes as unknown as IDataObject;
	}

	private getNode(fullNodeType: string): LoadedClass<INodeType | IVersionedNodeType> {
		const defined = this.defined.get(fullNodeType);
		if (defined) return { type: defined, sourcePath: '' };
		const dot = fullNodeType.lastIndexOf('.');
		const packageName = fullNodeType.slice(0, dot);
		const nodeType = fullNodeType.slice(dot + 1);
		const loader = this.loaders[packageName];
		if (dot < 0 || !loader) throw new UnrecognizedNodeTypeError(packageName, nodeType);
		return loader.getNode(nodeType);
	}
}

/** ICredentialTypes over n8n-core loaders; follows the n8n CLI's CredentialTypes. */
export class HarnessCredentialTypes implements ICredentialTypes {
	constructor(
		private readonly loaders: Record<string, DirectoryLoader>,
		private readonly known: KnownNodesAndCredentials,
	) {}

	recognizes(type: string): boolean {
		return type in this.known.credentials;
	}

	getByName(type: string): ICredentialType {
		for (const loader of Object.values(this.loaders)) {
			if (type in loader.known.credentials) return loader.getCredential(type).type;
		}
		throw new UnrecognizedCredentialTypeError(type);
	}

	getSupportedNodes(type: string): string[] {
		return this.known.credentials[type]?.supportedNodes ?? [];
	}

	/** The whole `extends` chain, e.g. ['oAuth2Api'] — what routes a credential to OAuth2. */
	getParentTypes(typeName: string): string[] {
		const extendsArr = this.known.credentials[typeName]?.extends ?? [];
		if (extendsArr.length === 0) return [];
		const parents = [...extendsArr];
		for (const type of parents) parents.push(...this.getParentTypes(type));
		return parents;
	}
}

// ---------------------------------------------------------------------------------------------
// Credentials: in-memory store + n8n's CredentialsHelper logic
// ---------------------------------------------------------------------------------------------

export interface CredentialReference {
	id: string;
	name: string;
}

export interface CredentialUpdate {
	type: string;
	id: string;
	/** The data n8n handed over (for token updates: the full decrypted credential). */
	data: ICredentialDataDecryptedObject;
	/** Which CredentialsHelper method n8n called. */
	via: 'updateCredentialsOauthTokenData' | 'updateCredentials';
}

interface StoredCredential {
	id: string;
	name: string;
	type: string;
	/** JSON, the way n8n's database holds it (encrypted there); no object is shared with callers. */
	data: string;
}

/**
 * An in-memory credential store standing in for n8n's credentials table, plus the
 * CredentialsHelper n8n-core talks to (`store.helper`).
 */
export class CredentialStore {
	/** Every updateCredentialsOauthTokenData / updateCredentials call n8n made, in order. */
	readonly updates: CredentialUpdate[] = [];

	/** What n8n-core receives as `additionalData.credentialsHelper`. */
	readonly helper: HarnessCredentialsHelper;

	private readonly records = new Map<string, StoredCredential>();

	private nextId = 1;

	constructor(readonly pkg: LoadedPackage) {
		this.helper = new HarnessCredentialsHelper(pkg.credentialTypes, this);
	}

	/**
	 * Stores a credential (like creating it in n8n's UI) and returns the reference a node's
	 * `credentials` field holds. For OAuth2 types put the tokens under `oauthTokenData`
	 * (`{ access_token, refresh_token, token_type, ... }`) as n8n's OAuth callback does.
	 */
	add(
		type: string,
		data: ICredentialDataDecryptedObject,
		id?: string,
		name?: string,
	): CredentialReference {
		if (!this.pkg.credentialTypes.recognizes(type)) {
			throw new UnrecognizedCredentialTypeError(type);
		}
		let credentialId = id;
		while (credentialId === undefined || (id === undefined && this.records.has(credentialId))) {
			credentialId = String(this.nextId++);
		}
		if (this.records.has(credentialId)) {
			throw new UserError(`A credential with id "${credentialId}" already exists`);
		}
		const credentialName = name ?? `${type} #${credentialId}`;
		this.records.set(credentialId, {
			id: credentialId,
			name: credentialName,
			type,
			data: JSON.stringify(data),
		});
		return { id: credentialId, name: credentialName };
	}

	/** The stored (decrypted, raw) data, `oauthTokenData` included: what the database row holds now. */
	get(type: string, id: string): ICredentialDataDecryptedObject {
		return jsonParse<ICredentialDataDecryptedObject>(this.read({ id, name: '' }, type).data);
	}

	/**
	 * What a node gets from `this.getCredentials(type)` outside an execution: stored data with the
	 * credential type's defaults applied and expressions resolved (e.g. hidden
	 * `accessTokenUrl: '={{$self["baseUrl"]}}/token'`).
	 */
	async resolve(
		type: string,
		id: string,
		mode: WorkflowExecuteMode = 'internal',
	): Promise<ICredentialDataDecryptedObject> {
		const { name } = this.read({ id, name: '' }, type);
		return await this.helper.getDecrypted(createAdditionalData(this), { id, name }, type, mode);
	}

	/** @internal used by HarnessCredentialsHelper */
	read(nodeCredentials: INodeCredentialsDetails, type: string): StoredCredential {
		if (!nodeCredentials.id) {
			throw new UserError(`Credential "${nodeCredentials.name}" of type "${type}" has no ID`);
		}
		const record = this.records.get(nodeCredentials.id);
		if (!record || record.type !== type) {
			// Same wording as n8n's CredentialNotFoundError.
			throw new UserError(
				`Credential with ID "${nodeCredentials.id}" does not exist for type "${type}".`,
			);
		}
		return record;
	}

	/** @internal used by HarnessCredentialsHelper */
	write(
		record: StoredCredential,
		data: ICredentialDataDecryptedObject,
		update: CredentialUpdate,
	): void {
		record.data = JSON.stringify(data);
		this.updates.push(update);
	}
}

/**
 * The credentials entity `getCredentials` returns. n8n's CLI returns n8n-core's `Credentials`,
 * whose data is encrypted through a key provider the CLI registers at start-up
 * (`EncryptionKeyProxy.setProvider`, backed by the database); the store keeps plain JSON
 * instead, so this class has the same contract without the encryption.
 */
class StoredCredentials extends ICredentials {
	async getData(): Promise<ICredentialDataDecryptedObject> {
		return jsonParse<ICredentialDataDecryptedObject>(this.data ?? '{}');
	}

	async setData(data: ICredentialDataDecryptedObject): Promise<void> {
		this.data = JSON.stringify(data);
	}

	async updateData(
		toUpdate: ICredentialDataDecryptedObject,
		toDelete: string[] = [],
	): Promise<void> {
		const data = { ...(await this.getData()), ...toUpdate };
		for (const key of toDelete) delete data[key];
		await this.setData(data);
	}

	getDataToSave(): ICredentialsEncrypted {
		return { id: this.id, name: this.name, type: this.type, data: this.data };
	}
}

/** A one-node workflow used only to evaluate credential expressions outside an execution. */
const expressionNode: INode = {
	id: 'credential-expressions',
	name: '',
	typeVersion: 1,
	type: 'harness.expressions',
	position: [0, 0],
	parameters: {},
};
const expressionNodeTypes: INodeTypes = {
	getKnownTypes: () => ({}),
	getByName: () => ({ description: { properties: [] } }) as unknown as INodeType,
	getByNameAndVersion: () => ({ description: { properties: [] } }) as unknown as INodeType,
};

/**
 * The CredentialsHelper n8n-core talks to, over the in-memory CredentialStore. It does what the
 * credentials of OAuth2 community packages need from n8n's server:
 * - `getDecrypted`: the stored data with the type's property defaults filled in (own properties
 *   over the `extends` parents') and `={{ … }}` expressions resolved with `$self` = the credential,
 *   so hidden fields such as a token URL built from a site URL come out as n8n computes them;
 * - `getParentTypes`: the `extends` chain, which makes n8n-core take its OAuth2 path;
 * - `updateCredentialsOauthTokenData`: persists the token data n8n fetched or refreshed.
 * Credentials with a generic `authenticate` block get it applied; pre-authentication (expirable
 * session tokens) is not used by this package and is not offered.
 */
export class HarnessCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly credentialTypes: HarnessCredentialTypes,
		private readonly store: CredentialStore,
	) {
		super();
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incoming: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const options = incoming as IHttpRequestOptions;
		const { authenticate } = this.credentialTypes.getByName(typeName);
		if (typeof authenticate === 'function') return await authenticate(credentials, options);
		if (authenticate?.type !== 'generic' || !workflow || !node) return options;
		const target = options as unknown as Record<string, IDataObject>;
		for (const [where, entries] of Object.entries(authenticate.properties)) {
			target[where] = target[where] ?? {};
			for (const [key, value] of Object.entries(entries as IDataObject)) {
				const resolve = (v: string) =>
					isExpression(v)
						? String(
								workflow.expression.getSimpleParameterValue(
									node,
									v,
									'internal',
									{ $credentials: credentials },
									undefined,
									'',
								) ?? '',
							)
						: v;
				target[where][resolve(key)] = resolve(String(value));
			}
		}
		return options;
	}

	async preAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	getParentTypes(typeName: string): string[] {
		return this.credentialTypes.getParentTypes(typeName);
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async getCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentials> {
		const record = this.store.read(nodeCredentials, type);
		return new StoredCredentials({ id: record.id, name: record.name }, record.type, record.data);
	}

	/** The type's own properties over its parents' (a parent's `doNotInherit` fields stay with the parent). */
	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialType = this.credentialTypes.getByName(type);
		const merged: INodeProperties[] = [];
		for (const parent of credentialType.extends ?? []) {
			NodeHelpers.mergeNodeProperties(merged, this.getCredentialsProperties(parent));
		}
		NodeHelpers.mergeNodeProperties(merged, credentialType.properties);
		return merged;
	}

	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const stored = await (await this.getCredentials(nodeCredentials, type)).getData();
		if (raw === true) return stored;
		return await this.applyDefaultsAndOverwrites(
			additionalData,
			stored,
			type,
			mode,
			executeData,
			expressionResolveValues,
		);
	}

	async applyDefaultsAndOverwrites(
		additionalData: IWorkflowExecuteAdditionalData,
		stored: ICredentialDataDecryptedObject,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const properties = this.getCredentialsProperties(type);
		// Hidden fields are the credential type's to decide: a stored value never replaces them.
		const visible = { ...stored };
		for (const property of properties)
			if (property.type === 'hidden') delete visible[property.name];
		const data = NodeHelpers.getNodeParameters(
			properties,
			visible as INodeParameters,
			true,
			false,
			null,
			null,
		) as ICredentialDataDecryptedObject;
		if (stored.oauthTokenData !== undefined) data.oauthTokenData = stored.oauthTokenData;

		const additionalKeys = getAdditionalKeys(additionalData, mode, null, { isCredential: true });
		if (expressionResolveValues) {
			const { workflow, runExecutionData, runIndex, itemIndex, node, connectionInputData } =
				expressionResolveValues;
			return workflow.expression.getParameterValue(
				data as INodeParameters,
				runExecutionData,
				runIndex,
				itemIndex,
				node.name,
				connectionInputData,
				mode,
				additionalKeys,
				executeData,
				false,
				data,
			) as ICredentialDataDecryptedObject;
		}
		const workflow = new Workflow({
			nodes: [expressionNode],
			connections: {},
			active: false,
			nodeTypes: expressionNodeTypes,
		});
		await workflow.expression.acquireIsolate();
		try {
			return workflow.expression.getComplexParameterValue(
				expressionNode,
				data as INodeParameters,
				mode,
				additionalKeys,
				undefined,
				undefined,
				data,
			) as ICredentialDataDecryptedObject;
		} finally {
			await workflow.expression.releaseIsolate();
		}
	}

	async updateCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const record = this.store.read(nodeCredentials, type);
		this.store.write(record, data, {
			type,
			id: record.id,
			data: deepCopy(data),
			via: 'updateCredentials',
		});
	}

	/** What n8n-core calls after fetching or refreshing a token: only `oauthTokenData` changes. */
	async updateCredentialsOauthTokenData(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const record = this.store.read(nodeCredentials, type);
		const stored = jsonParse<ICredentialDataDecryptedObject>(record.data);
		this.store.write(
			record,
			{ ...stored, oauthTokenData: data.oauthTokenData },
			{ type, id: record.id, data: deepCopy(data), via: 'updateCredentialsOauthTokenData' },
		);
	}
}

// ---------------------------------------------------------------------------------------------
// additionalData
// ---------------------------------------------------------------------------------------------

const INSTANCE_BASE_URL = 'http://localhost:5678';
let executionCounter = 0;

/**
 * The `additionalData` n8n passes through an execution; field by field as the CLI's
 * `WorkflowExecuteAdditionalData.getBase()` of n8n 2.41.1 builds it, with services that only
 * exist in an n8n server (sub-workflows, task runners, AI agents, event bus) replaced by stubs
 * that fail loudly.
 */
export function createAdditionalData(
	store: CredentialStore,
	options: { hooks?: ExecutionLifecycleHooks; executionId?: string; workflowId?: string } = {},
): IWorkflowExecuteAdditionalData {
	const notInHarness = (what: string) => async () => {
		throw new UnexpectedError(`${what} is not available in the test harness`);
	};
	const additionalData = {
		currentNodeExecutionIndex: 0,
		credentialsHelper: store.helper,
		hooks: options.hooks,
		executionId: options.executionId,
		workflowId: options.workflowId,
		userId: 'harness-user',
		restApiUrl: `${INSTANCE_BASE_URL}/rest`,
		instanceBaseUrl: `${INSTANCE_BASE_URL}/`,
		formWaitingBaseUrl: `${INSTANCE_BASE_URL}/form-waiting`,
		formBaseUrl: `${INSTANCE_BASE_URL}/form`,
		formTestBaseUrl: `${INSTANCE_BASE_URL}/form-test`,
		webhookBaseUrl: `${INSTANCE_BASE_URL}/webhook`,
		webhookWaitingBaseUrl: `${INSTANCE_BASE_URL}/webhook-waiting`,
		webhookTestBaseUrl: `${INSTANCE_BASE_URL}/webhook-test`,
		mcpBaseUrl: `${INSTANCE_BASE_URL}/mcp`,
		mcpTestBaseUrl: `${INSTANCE_BASE_URL}/mcp-test`,
		variables: {},
		executeWorkflow: notInHarness('executeWorkflow (sub-workflows)'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		startRunnerTask: notInHarness('startRunnerTask (task runners)'),
		logAiEvent: () => {},
		externalSecretsProxy: new ExternalSecretsProxy(),
		// n8n-core 2.41 internals: requestOAuth2 hands `additionalData.ssrfBridge` to the OAuth2
		// client. The CLI sets it only when N8N_SSRF_PROTECTION_ENABLED is on (off by default);
		// so does the harness, which leaves it undefined in the default configuration.
		ssrfBridge: Container.get(SsrfProtectionConfig).enabled
			? Container.get(SsrfProtectionService)
			: undefined,
		// n8n-core 2.41 internals: every request helper first asks this evaluation mock handler;
		// it must be absent for requests to go out for real.
		evalLlmMockHandler: undefined,
	};
	return additionalData as unknown as IWorkflowExecuteAdditionalData;
}

// ---------------------------------------------------------------------------------------------
// Binary input
// ---------------------------------------------------------------------------------------------

/**
 * An item carrying an in-memory file, as n8n's binary mode 'default' stores it (base64 in
 * `binary[property].data`, metadata alongside) — the shape `prepareBinaryData` produces.
 */
export function binaryItem(
	json: IDataObject,
	data: Buffer,
	fileName: string,
	mimeType: string,
	property = 'data',
): INodeExecutionData {
	const fileExtension = path.extname(fileName).slice(1) || undefined;
	const binary: IBinaryData = {
		data: data.toString('base64'),
		mimeType,
		fileType: fileTypeFromMimeType(mimeType),
		fileName,
		...(fileExtension ? { fileExtension } : {}),
		fileSize: prettyBytes(data.length),
		bytes: data.length,
	};
	return { json, binary: { [property]: binary } };
}

// ---------------------------------------------------------------------------------------------
// runNode
// ---------------------------------------------------------------------------------------------

export interface RunNodeOptions {
	pkg?: LoadedPackage;
	store: CredentialStore;
	/** Node name inside the package (`'myNode'`) or full type (`'<package>.myNode'`). */
	nodeType: string;
	/** Default: the version n8n gives a new node (`pkg.defaultVersion`). */
	typeVersion?: number;
	parameters: INodeParameters;
	/** credential type → reference returned by `store.add`. */
	credentials?: Record<string, CredentialReference>;
	/** Items fed into the node (default: one empty item). */
	input?: INodeExecutionData[];
	/** Node setting "On Error: Continue" (`onError: 'continueRegularOutput'`). */
	continueOnFail?: boolean;
	/** Execution mode (default 'manual', as n8n's NodeTestHarness; 'trigger' = production run). */
	mode?: WorkflowExecuteMode;
	/** Extra node settings, e.g. `{ retryOnFail: true, maxTries: 2 }`, `{ alwaysOutputData: true }`. */
	nodeSettings?: Partial<Omit<INode, 'parameters' | 'type' | 'typeVersion' | 'credentials'>>;
	/** Workflow settings (default `{ executionOrder: 'v1' }`, as new n8n workflows). */
	workflowSettings?: IWorkflowSettings;
	/** Cancels the execution this many ms after it started (as n8n's "Stop execution" does). */
	cancelAfterMs?: number;
}

export interface RunNodeResult {
	/** The node's first main output. */
	items: INodeExecutionData[];
	/** All main outputs of the node. */
	outputs: INodeExecutionData[][];
	/** The node's error (node error, or the execution's error). */
	error?: ExecutionError;
	runData: IRunData;
	/** Execution status: 'success' | 'error' | ... */
	status: string;
	/** Name the node had in the workflow (key into runData). */
	nodeName: string;
	/** The full run as n8n-core reported it to the workflowExecuteAfter hook. */
	run: IRun;
}

const INPUT_NODE_NAME = 'Harness Input';

/**
 * Runs one node of the package in a real n8n workflow execution. See the header of this file
 * for how the workflow is built and started.
 */
export async function runNode(options: RunNodeOptions): Promise<RunNodeResult> {
	const pkg = options.pkg ?? options.store.pkg;
	await prepareN8nCore();

	const type = pkg.nodeTypeName(options.nodeType);
	const typeVersion = options.typeVersion ?? pkg.defaultVersion(type);
	const description = pkg.nodeTypes.getByNameAndVersion(type, typeVersion).description;
	let nodeName =
		options.nodeSettings?.name ?? description.defaults?.name ?? description.displayName;
	if (nodeName === INPUT_NODE_NAME) nodeName = `${nodeName} (under test)`;

	const inputNode: INode = {
		id: randomUUID(),
		name: INPUT_NODE_NAME,
		type: INPUT_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const node: INode = {
		id: randomUUID(),
		position: [220, 0],
		...options.nodeSettings,
		name: nodeName,
		type,
		typeVersion,
		parameters: deepCopy(options.parameters),
		...(options.credentials ? { credentials: deepCopy(options.credentials) } : {}),
		...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
	};

	const executionId = String(++executionCounter);
	const workflowId = `harness-${executionId}`;
	const workflowData = {
		id: workflowId,
		name: `Harness: ${type}`,
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes: [inputNode, node],
		connections: {
			[INPUT_NODE_NAME]: { main: [[{ node: nodeName, type: 'main' as const, index: 0 }]] },
		},
		settings: { executionOrder: 'v1' as const, ...options.workflowSettings },
	} as unknown as IWorkflowBase;

	// The Workflow constructor applies the node types' parameter defaults, as n8n does on load.
	const workflow = new Workflow({
		id: workflowData.id,
		name: workflowData.name,
		nodes: deepCopy(workflowData.nodes),
		connections: workflowData.connections,
		active: false,
		nodeTypes: pkg.nodeTypes,
		settings: workflowData.settings,
	});

	const mode = options.mode ?? 'manual';
	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
	let finished: IRun | undefined;
	hooks.addHandler('workflowExecuteAfter', (run) => {
		finished = run;
	});

	const additionalData = createAdditionalData(options.store, { hooks, executionId, workflowId });
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{
					node: workflow.getNode(INPUT_NODE_NAME)!,
					data: { main: [deepCopy(options.input ?? [{ json: {} }])] },
					source: null,
				},
			],
		},
	});

	const workflowExecute = new WorkflowExecute(additionalData, mode, runExecutionData);
	// Throws before running anything when n8n finds issues in the workflow (e.g. an empty
	// required parameter), like n8n refusing to start such a workflow.
	const pending = workflowExecute.processRunExecutionData(workflow);
	const canceller =
		options.cancelAfterMs === undefined
			? undefined
			: setTimeout(() => pending.cancel(), options.cancelAfterMs);
	let returned: IRun;
	try {
		returned = await pending;
	} finally {
		if (canceller) clearTimeout(canceller);
	}
	// n8n-core 2.41 internals: processRunExecutionData awaits the workflowExecuteAfter hook (on
	// success and on error) before it resolves, so the hook has run by now. Its IRun is what the
	// CLI persists as the execution.
	const run = finished ?? returned;

	const runData = run.data.resultData.runData;
	const taskData = runData[nodeName]?.[0];
	const outputs = (taskData?.data?.main ?? []).map((output) => output ?? []);
	const error = taskData?.error ?? run.data.resultData.error;
	return {
		items: outputs[0] ?? [],
		outputs,
		...(error ? { error } : {}),
		runData,
		status: run.status,
		nodeName,
		run,
	};
}

/** The JSON of a run's output items. */
export const jsonOf = (result: RunNodeResult): IDataObject[] =>
	result.items.map((item) => item.json);

// ---------------------------------------------------------------------------------------------
// runPoll
// ---------------------------------------------------------------------------------------------

export interface RunPollOptions {
	pkg?: LoadedPackage;
	store: CredentialStore;
	nodeType: string;
	typeVersion?: number;
	parameters: INodeParameters;
	credentials?: Record<string, CredentialReference>;
	/** The node's static data; mutated in place by the poll (default: a new empty object). */
	staticData?: IDataObject;
	/** 'trigger' = a scheduled production poll; 'manual' = "Fetch test event". Default 'trigger'. */
	mode?: 'trigger' | 'manual';
	/** How the workflow was activated (default 'init' in trigger mode, 'manual' in manual mode). */
	activation?: WorkflowActivateMode;
}

export interface RunPollResult {
	/** What poll() returned: null = nothing new. */
	result: INodeExecutionData[][] | null;
	/** The same object as options.staticData (when given), as the poll left it. */
	staticData: IDataObject;
	/** n8n's "static data changed" flag (ObservableObject), i.e. whether n8n would save it. */
	staticDataChanged: boolean;
}

/**
 * Runs one poll of a polling trigger with a real n8n-core PollContext, the way n8n's
 * `testPollingTriggerNode` and the active-workflow poller do: a Workflow holding the trigger
 * node, the node's static data under `node:<name>` (n8n's key), `new PollContext(workflow, node,
 * additionalData, mode, activation)` and `poll.call(context)`. Requests go out for real, OAuth2
 * refreshes are persisted in the store.
 */
export async function runPoll(options: RunPollOptions): Promise<RunPollResult> {
	const { context, nodeType, staticData, workflow } = await createPollContext(options);
	const result = await nodeType.poll!.call(context as unknown as IPollFunctions);

	return {
		result,
		staticData,
		staticDataChanged: Boolean(
			(workflow.staticData as IDataObject & { __dataChanged?: boolean }).__dataChanged,
		),
	};
}

/**
 * The n8n-core PollContext runPoll calls the trigger's poll with (and its workflow and static
 * data), for tests that drive the built engine inside a real node context themselves (e.g. the
 * engine's paging over a row no node exposes as an operation).
 */
export async function createPollContext(options: RunPollOptions): Promise<{
	context: PollContext;
	nodeType: INodeType;
	staticData: IDataObject;
	workflow: Workflow;
}> {
	const pkg = options.pkg ?? options.store.pkg;
	await prepareN8nCore();

	const type = pkg.nodeTypeName(options.nodeType);
	const typeVersion = options.typeVersion ?? pkg.defaultVersion(type);
	const nodeType = pkg.nodeTypes.getByNameAndVersion(type, typeVersion);
	if (typeof nodeType.poll !== 'function') {
		throw new UserError(`Node type "${type}" is not a polling trigger (no poll method)`);
	}
	const { description } = nodeType;
	const nodeName = description.defaults?.name ?? description.displayName;
	const node: INode = {
		id: randomUUID(),
		name: nodeName,
		type,
		typeVersion,
		position: [0, 0],
		parameters: deepCopy(options.parameters),
		...(options.credentials ? { credentials: deepCopy(options.credentials) } : {}),
	};

	const mode = options.mode ?? 'trigger';
	const staticData = options.staticData ?? {};
	const workflowId = `harness-poll-${++executionCounter}`;
	const workflow = new Workflow({
		id: workflowId,
		name: `Harness: ${type}`,
		nodes: [node],
		connections: {},
		active: mode === 'trigger',
		nodeTypes: pkg.nodeTypes,
		settings: { executionOrder: 'v1' },
		// n8n-workflow 2.41 internals: Workflow keeps node static data under `node:<node name>`
		// and wraps it (ObservableObject, a write-through Proxy), so the poll mutates `staticData`.
		staticData: { [`node:${nodeName}`]: staticData },
	});
	const workflowNode = workflow.getNode(nodeName)!;

	const additionalData = createAdditionalData(options.store, { workflowId });
	const activation = options.activation ?? (mode === 'manual' ? 'manual' : 'init');
	const context = new PollContext(workflow, workflowNode, additionalData, mode, activation);
	return { context, nodeType, staticData, workflow };
}

// ---------------------------------------------------------------------------------------------
// runCredentialTest
// ---------------------------------------------------------------------------------------------

export interface RunCredentialTestOptions {
	pkg?: LoadedPackage;
	store: CredentialStore;
	credentialType: string;
	credential: CredentialReference;
}

export interface RunCredentialTestResult {
	/** What n8n's credential dialog shows: 'OK' or 'Error' with a message. */
	status: 'OK' | 'Error';
	message: string;
	run: RunNodeResult;
}

/**
 * Runs a credential type's `test` request the way the n8n CLI's CredentialsTester (2.41) does for
 * request-style tests: a temporary copy of the NoOp node whose only property `temp` carries
 * `routing.request = test.request`, the credential attached, executed by n8n-core's RoutingNode
 * (so `={{$credentials.x}}` expressions resolve and n8n signs / refreshes the OAuth2 token).
 * The test passes when the request does not fail.
 */
export async function runCredentialTest(
	options: RunCredentialTestOptions,
): Promise<RunCredentialTestResult> {
	const pkg = options.pkg ?? options.store.pkg;
	const credentialType = pkg.credentialTypes.getByName(options.credentialType);
	const test = credentialType.test as ICredentialTestRequest | undefined;
	if (!test?.request)
		throw new UserError(`Credential type "${options.credentialType}" has no test request`);
	const name = `${SUPPORT_PACKAGE_NAME}.credentialTest_${options.credentialType}`;
	const nodeType: INodeType = {
		description: {
			displayName: 'Temp-Node',
			name,
			group: ['transform'],
			version: 1,
			description: 'Credential test (as n8n builds it from NoOp)',
			defaults: { name: 'Temp-Node' },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			credentials: [{ name: options.credentialType, required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					routing: { request: test.request },
					default: '',
				},
			],
		},
	};
	pkg.nodeTypes.define(name, nodeType);
	const run = await runNode({
		pkg,
		store: options.store,
		nodeType: name,
		typeVersion: 1,
		parameters: {},
		credentials: { [options.credentialType]: options.credential },
	});
	if (run.error) return { status: 'Error', message: run.error.message, run };
	return { status: 'OK', message: 'Connection tested successfully', run };
}
