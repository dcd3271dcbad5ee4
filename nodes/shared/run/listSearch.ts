/**
 * The "From List" mode of resource locators (n8n `methods.listSearch`), declared per service next
 * to its table: which row to call for a page, with which values, where the entries are in the
 * answer, how an entry is shown, and the API's own cursor for the next page. Requests go through
 * the same transport as the node's operations (OAuth2 refresh, retries, error messages).
 */
import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type ILoadOptionsFunctions,
	type INodeListSearchItems,
	type INodeListSearchResult,
} from 'n8n-workflow';

import { at } from '../table/json';
import type { ServiceDefinition } from '../table/service';
import type { EndpointRow, ListPage, ListSearchDef, ListSearchDetails } from '../table/types';
import type { RequestContext } from '../http/limits';
import { Transport } from '../http/transport';

/** Pages read at most for one name search that the API cannot do itself. */
const MAX_FILTER_PAGES = 10;

export type ListSearchMethod = (
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
) => Promise<INodeListSearchResult>;

/** Runs one list search: one request, one page of results. */
async function runListSearch(
	ctx: ILoadOptionsFunctions,
	service: ServiceDefinition,
	def: ListSearchDef,
	filter?: string,
	paginationToken?: string,
	extraRows: EndpointRow[] = [],
): Promise<INodeListSearchResult> {
	// The load-options context offers what the transport uses (credentials, node, authenticated requests).
	const transport = await Transport.open(ctx as unknown as RequestContext, service);
	const page: ListPage = {
		filter: filter?.trim() || undefined,
		token: paginationToken || undefined,
		baseUrl: transport.baseUrl,
	};
	if (def.needsFilter && !page.filter) return { results: [] };
	const rowOf = (sdkMethod: string) => {
		const found = [...service.table, ...extraRows].find((r) => r.sdkMethod === sdkMethod);
		if (!found)
			throw new Error(`List search row ${sdkMethod} is not in the ${service.displayName} table`);
		return found;
	};
	const row = rowOf(typeof def.sdkMethod === 'function' ? def.sdkMethod(page) : def.sdkMethod);
	const needle = def.filterByName && page.filter ? page.filter.toLowerCase() : undefined;
	let results: INodeListSearchItems[] = [];
	let next: string | undefined;
	// Searching by name here (the API cannot): follow the API's cursor until a page has a match, so
	// the editor does not show an empty list while more pages exist (at most MAX_FILTER_PAGES requests).
	for (let fetched = 0; fetched < (needle ? MAX_FILTER_PAGES : 1); fetched++) {
		let answer: unknown;
		try {
			answer = await transport.call(row, def.values(page));
		} catch (error) {
			// The editor shows this message in the list: the service's words, no token or secret.
			throw transport.redactError(
				error instanceof NodeApiError || error instanceof NodeOperationError
					? error
					: new NodeOperationError(ctx.getNode(), error as Error),
			);
		}
		const path = typeof def.items === 'function' ? def.items(page) : def.items;
		const list = path ? at(answer, path) : answer;
		const entries = (Array.isArray(list) ? list : []).filter(
			(e): e is IDataObject => Boolean(e) && typeof e === 'object',
		);
		results = entries
			.map((entry) => def.toItem(entry, page))
			.filter((item): item is INodeListSearchItems => item !== undefined);
		if (needle) results = results.filter((item) => item.name.toLowerCase().includes(needle));
		next = def.next?.(answer, entries, page);
		if (results.length > 0 || next === undefined) break;
		page.token = next;
	}
	if (def.details && results.length > 0 && def.details.when(page))
		results = await withDetails(transport, def.details, rowOf(def.details.sdkMethod), results);
	return { results, ...(next !== undefined && { paginationToken: next }) };
}

/**
 * The page's items with the names of a second request (`ListSearchDef.details`), matched by value.
 * Best effort: the list is still useful without the details, so a failed request (say, no
 * permission to read the directory) keeps the first names, and nothing of it reaches the editor.
 */
async function withDetails(
	transport: Transport,
	details: ListSearchDetails,
	row: EndpointRow,
	items: INodeListSearchItems[],
): Promise<INodeListSearchItems[]> {
	const ids = new Set(items.map((item) => String(item.value)));
	let answer: unknown;
	try {
		answer = await transport.call(row, details.values([...ids]));
	} catch {
		return items;
	}
	const list = at(answer, details.items);
	const names = new Map<string, string>();
	for (const entry of Array.isArray(list) ? list : []) {
		if (!entry || typeof entry !== 'object') continue;
		const item = details.toItem(entry as IDataObject);
		if (item && ids.has(String(item.value))) names.set(String(item.value), item.name);
	}
	return items.map((item) => ({ ...item, name: names.get(String(item.value)) ?? item.name }));
}

/**
 * The node's `methods.listSearch` for a service's list-search definitions. `extraRows` are calls
 * outside the node's operations that only the lists use (e.g. the user's chats).
 */
export function listSearchMethods(
	service: ServiceDefinition,
	defs: Record<string, ListSearchDef>,
	extraRows: EndpointRow[] = [],
): Record<string, ListSearchMethod> {
	const methods: Record<string, ListSearchMethod> = {};
	for (const [name, def] of Object.entries(defs)) {
		methods[name] = async function (
			this: ILoadOptionsFunctions,
			filter?: string,
			paginationToken?: string,
		) {
			return await runListSearch(this, service, def, filter, paginationToken, extraRows);
		};
	}
	return methods;
}
