/**
 * Editor-side checks of the BUILT nodes with n8n's own functions: parameter resolution and issues
 * (n8n-workflow NodeHelpers, as the editor and the workflow loader use them) and list searches run
 * in n8n-core's LoadOptionsContext, the context n8n's backend gives `methods.listSearch` when the
 * editor opens a "From List" dropdown.
 */
import { randomUUID } from 'node:crypto';

import { LoadOptionsContext } from 'n8n-core';
import { NodeHelpers, Workflow, deepCopy } from 'n8n-workflow';
import type {
	INode,
	INodeCredentials,
	INodeIssues,
	INodeListSearchResult,
	INodeParameterResourceLocator,
	INodeParameters,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import type { EndpointRow } from '../../nodes/shared/table/types';
import {
	REPO_ROOT,
	createAdditionalData,
	type CredentialStore,
	type LoadedPackage,
} from '../harness/n8n';

/** The built node type (what n8n loads). */
export function nodeTypeOf(pkg: LoadedPackage, name: string): INodeType {
	return pkg.nodeTypes.getByNameAndVersion(pkg.nodeTypeName(name)) as INodeType;
}

/** The node's description as n8n offers it to an AI agent (the `…Tool` variant n8n derives). */
export function toolDescription(description: INodeTypeDescription): INodeTypeDescription {
	return { ...description, name: `${description.name}Tool` };
}

export function makeNode(
	pkg: LoadedPackage,
	name: string,
	parameters: INodeParameters,
	credentials?: INodeCredentials,
	typeVersion = 1,
): INode {
	return {
		id: randomUUID(),
		name: 'Node under test',
		type: pkg.nodeTypeName(name),
		typeVersion,
		position: [0, 0],
		parameters,
		...(credentials ? { credentials } : {}),
	};
}

/** The parameters n8n works with after loading a node: defaults filled, hidden ones dropped. */
export function resolveParameters(
	description: INodeTypeDescription,
	parameters: INodeParameters,
	node?: INode,
): INodeParameters {
	return (
		NodeHelpers.getNodeParameters(
			description.properties,
			parameters,
			true,
			false,
			node ?? null,
			description,
		) ?? {}
	);
}

/** The issues n8n shows on a node (and that make it refuse to run the workflow). */
export function parameterIssues(
	description: INodeTypeDescription,
	node: INode,
): INodeIssues | null {
	const resolved = { ...node, parameters: resolveParameters(description, node.parameters, node) };
	return NodeHelpers.getNodeParametersIssues(description.properties, resolved, description);
}

/** Top-level properties displayed for these (resolved) parameters. */
export function displayedProperties(
	description: INodeTypeDescription,
	parameters: INodeParameters,
	node?: INode,
): INodeProperties[] {
	const resolved = resolveParameters(description, parameters, node);
	return description.properties.filter((p) =>
		NodeHelpers.displayParameter(resolved, p, node ?? null, description),
	);
}

/** The built table of a node (dist/), to walk every row. */
export function builtTable(file: string, exportName: string): EndpointRow[] {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return (require(`${REPO_ROOT}/dist/nodes/${file}`) as Record<string, EndpointRow[]>)[exportName];
}

/** A resource-locator value as the editor stores it. */
export const rl = (
	value: string | number,
	mode: 'list' | 'id' | 'url' = 'id',
	cachedResultName?: string,
): INodeParameterResourceLocator => ({
	__rl: true,
	mode,
	value,
	...(cachedResultName ? { cachedResultName } : {}),
});

/**
 * Calls a node's listSearch method as n8n's backend does for the editor: a temporary workflow with
 * the node, n8n-core's LoadOptionsContext for the locator's path, then `method.call(ctx, filter,
 * paginationToken)`.
 */
export async function listSearch(options: {
	pkg: LoadedPackage;
	store: CredentialStore;
	nodeType: string;
	method: string;
	credentials: INodeCredentials;
	parameters?: INodeParameters;
	filter?: string;
	paginationToken?: string;
	path?: string;
}): Promise<INodeListSearchResult> {
	const type = nodeTypeOf(options.pkg, options.nodeType);
	const fn = type.methods?.listSearch?.[options.method];
	if (!fn) throw new Error(`${options.nodeType} has no listSearch method ${options.method}`);
	const node = makeNode(
		options.pkg,
		options.nodeType,
		deepCopy(options.parameters ?? {}),
		options.credentials,
	);
	const workflow = new Workflow({
		id: 'list-search',
		name: 'List search',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: options.pkg.nodeTypes,
	});
	const context = new LoadOptionsContext(
		workflow,
		workflow.getNode(node.name)!,
		createAdditionalData(options.store),
		options.path ?? 'parameters.id',
	);
	return await fn.call(context, options.filter, options.paginationToken);
}
