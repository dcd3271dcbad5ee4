/**
 * Return All / Limit with each API's own paging. Every strategy stops as soon as Limit items are
 * collected, never sends parameters the style does not use, and guards against a server that
 * repeats itself (no progress → stop).
 */
import type { IDataObject } from 'n8n-workflow';

import { at, idJson, idOf, listAt, nextUriParam } from '../table/json';
import type { Paging } from '../table/types';

interface PageRequest {
	/** Parameter values to set (by ParamDef name) for this page; `undefined` removes a value. */
	set: Record<string, unknown>;
}

type FetchPage = (page: PageRequest) => Promise<unknown>;

function itemsOf(answer: unknown, path: string): IDataObject[] {
	const items = at(answer, path);
	return Array.isArray(items) ? (items as IDataObject[]) : [];
}

/** An item's id field by the engine's one id rule (int64 ids kept as digit strings compare exactly). */
const idValue = (item: IDataObject, field: string): bigint | undefined => idOf(item[field]);

/** The paging of a row that walks down by an id cursor (newest first). */
export type CursorPaging = Extract<Paging, { style: 'cursor' }>;

/**
 * Walks a cursor-style row page by page, newest first, as its table `paging` says (cursor and
 * page-size parameters, items path, has-more path, cursor field): each page's items go to
 * `onPage` with the lowest cursor-field id of the page; the walk stops when `onPage` returns
 * false, the service has no more, a page has no id, or the cursor does not go down (a server
 * repeating itself). `complete` is false only when `maxPages` ran out. The action nodes read the
 * same paging through collectPages; the triggers walk with this.
 */
export async function walkCursorPages(
	paging: CursorPaging,
	fetch: FetchPage,
	onPage: (items: IDataObject[], lowest: bigint | undefined, page: number) => boolean,
	maxPages = 1000,
): Promise<{ pages: number; complete: boolean }> {
	let cursor: bigint | undefined;
	for (let page = 0; page < maxPages; page++) {
		const answer = await fetch({
			set: {
				[paging.cursorParam]: cursor === undefined ? undefined : idJson(cursor),
				[paging.sizeParam]: paging.pageSize,
			},
		});
		const items = itemsOf(answer, paging.itemsPath).filter(
			(item) => item !== null && typeof item === 'object',
		);
		const lowest = items
			.map((item) => idValue(item, paging.cursorField))
			.reduce<
				bigint | undefined
			>((min, v) => (v !== undefined && (min === undefined || v < min) ? v : min), undefined);
		const go = onPage(items, lowest, page);
		if (
			!go ||
			!at(answer, paging.hasMorePath) ||
			lowest === undefined ||
			(cursor !== undefined && lowest >= cursor)
		)
			return { pages: page + 1, complete: true };
		cursor = lowest;
	}
	return { pages: maxPages, complete: false };
}

/** The paging of a row that walks a date window (Genesys history). */
export type DateWindowPaging = Extract<Paging, { style: 'dateWindow' }>;

/**
 * Walks a date-window row forwards, as its table `paging` says (after and page-size parameters,
 * items path, date and id fields): items created at or after `from` ms (strictly after when
 * `strict`; from the beginning when undefined), oldest first. `after` starts 1 ms early and items are
 * deduplicated by id, so items sharing a timestamp across a page boundary are kept; the walk goes on
 * while full pages come back, from the newest time of the page at most `cap` (a future-dated item
 * cannot push it past the service's clock); a page of only known ids steps strictly past its time
 * (a run of equal timestamps longer than a page); at most `maxPages` requests. The sort is stable,
 * so equal timestamps keep the server's order.
 */
export async function walkDatesForward(
	paging: DateWindowPaging,
	fetch: FetchPage,
	from: number | undefined,
	strict: boolean,
	cap: number,
	maxPages = 1000,
): Promise<IDataObject[]> {
	const afterParam = paging.afterParam;
	if (!afterParam) throw new Error('This date-window paging has no after parameter');
	const time = (value: unknown) => (typeof value === 'string' ? Date.parse(value) : NaN);
	const seen = new Map<string, IDataObject>();
	let after = from === undefined ? 0 : strict ? from : from - 1;
	for (let page = 0; page < maxPages; page++) {
		const answer = await fetch({
			set: { [afterParam]: new Date(after).toISOString(), [paging.sizeParam]: paging.pageSize },
		});
		// Pages come newest first: reversed, equal timestamps keep the server's order.
		const items = itemsOf(answer, paging.itemsPath)
			.filter((item) => item !== null && typeof item === 'object')
			.reverse();
		let fresh = 0;
		let newest = after;
		for (const item of items) {
			const id = String(item[paging.idField]);
			const created = time(item[paging.dateField]);
			if (!Number.isNaN(created) && created > newest && created <= cap) newest = created;
			if (!seen.has(id)) {
				seen.set(id, item);
				fresh++;
			}
		}
		if (items.length < paging.pageSize) break;
		const next = fresh === 0 ? newest : newest - 1;
		if (next <= after && fresh === 0) break;
		after = Math.max(next, after + (fresh === 0 ? 1 : 0));
	}
	return [...seen.values()].sort((a, b) => time(a[paging.dateField]) - time(b[paging.dateField]));
}

/** The paging of a row whose answers name their next page in a `nextUri` (Genesys cursor listings). */
export type NextUriPaging = Extract<Paging, { style: 'nextUri' }>;

/**
 * Walks a nextUri-style row page by page, as its table `paging` says: the first page without the
 * cursor, each next page with the cursor parameter's value from the answer's `nextUri` (read with
 * `URL`; an unreadable nextUri ends the walk). Each page's items go to `onPage`; the walk stops
 * when `onPage` returns false, a page has no `nextUri`, or the server sends a cursor it sent
 * before (a server repeating itself). `complete` is false only when `maxPages` ran out. The action
 * nodes' Return All / Limit (collectPages) and the triggers walk with this.
 */
export async function walkNextUriPages(
	paging: NextUriPaging,
	fetch: FetchPage,
	onPage: (items: IDataObject[], page: number) => boolean,
	maxPages = 1000,
): Promise<{ pages: number; complete: boolean }> {
	const seen = new Set<string>();
	let cursor: string | undefined;
	for (let page = 0; page < maxPages; page++) {
		const answer = await fetch({ set: { [paging.cursorParam]: cursor } });
		const items = listAt(answer, paging.itemsPath);
		const next = nextUriParam({ nextUri: at(answer, paging.nextUriPath) }, paging.cursorParam);
		if (!onPage(items, page) || !next || seen.has(next)) return { pages: page + 1, complete: true };
		seen.add(next);
		cursor = next;
	}
	return { pages: maxPages, complete: false };
}

interface PagingInput {
	paging: Paging;
	returnAll: boolean;
	limit: number;
	/** Values the user set for the paging parameters (start cursor / bounds / dates). */
	userValues: Map<string, unknown>;
	fetch: FetchPage;
}

const MAX_PAGES = 100_000;

export async function collectPages({
	paging,
	returnAll,
	limit,
	userValues,
	fetch,
}: PagingInput): Promise<IDataObject[]> {
	const wanted = returnAll ? Infinity : limit;
	// The page size to ask for (a nextUri listing has none: the service sets it).
	const pageSize = paging.style === 'nextUri' ? Infinity : paging.pageSize;
	const size = returnAll ? pageSize : Math.min(pageSize, limit);
	const out: IDataObject[] = [];
	const full = () => out.length >= wanted;

	switch (paging.style) {
		case 'pageIndex': {
			for (let page = 0; page < MAX_PAGES && !full(); page++) {
				const answer = await fetch({ set: { [paging.pageParam]: page, [paging.sizeParam]: size } });
				const items = itemsOf(answer, paging.itemsPath);
				out.push(...items);
				const total = Number(at(answer, paging.totalPath));
				const pageSize = Number(at(answer, paging.itemsPath.replace(/[^.]+$/, 'PageSize'))) || size;
				if (items.length === 0 || !Number.isFinite(total) || (page + 1) * pageSize >= total) break;
			}
			break;
		}
		case 'cursor': {
			let cursor = userValues.get(paging.cursorParam);
			for (let page = 0; page < MAX_PAGES && !full(); page++) {
				const answer = await fetch({
					set: { [paging.cursorParam]: cursor, [paging.sizeParam]: size },
				});
				const items = itemsOf(answer, paging.itemsPath);
				out.push(...items);
				const lowest = items
					.map((item) => idValue(item, paging.cursorField))
					.reduce<
						bigint | undefined
					>((min, v) => (v !== undefined && (min === undefined || v < min) ? v : min), undefined);
				const previous = cursor === undefined ? undefined : idOf(cursor);
				if (
					!at(answer, paging.hasMorePath) ||
					lowest === undefined ||
					(previous !== undefined && lowest >= previous)
				)
					break;
				cursor = idJson(lowest);
			}
			break;
		}
		case 'idBounds': {
			// Walk older with the upper bound, or newer when the user set the lower bound; never send both.
			const forward = userValues.has(paging.newerParam);
			const param = forward ? paging.newerParam : paging.olderParam;
			let bound = userValues.get(param);
			const seen = new Set<string>();
			for (let page = 0; page < MAX_PAGES && !full(); page++) {
				const answer = await fetch({
					set: {
						[paging.olderParam]: forward ? undefined : bound,
						[paging.newerParam]: forward ? bound : undefined,
						[paging.sizeParam]: size,
					},
				});
				const items = itemsOf(answer, paging.itemsPath).filter((item) => {
					const key = String(item[paging.idField]);
					if (seen.has(key)) return false;
					seen.add(key);
					return true;
				});
				out.push(...items);
				const ids = items
					.map((item) => idValue(item, paging.idField))
					.filter((v): v is bigint => v !== undefined);
				if (
					items.length === 0 ||
					ids.length === 0 ||
					itemsOf(answer, paging.itemsPath).length < size
				)
					break;
				const next = ids.reduce((a, b) => (forward ? (b > a ? b : a) : b < a ? b : a));
				bound = idJson(next);
			}
			break;
		}
		case 'nextUri': {
			// The service sets the page size: Limit stops asking once enough items came.
			await walkNextUriPages(
				paging,
				fetch,
				(items) => {
					out.push(...items);
					return !full();
				},
				MAX_PAGES,
			);
			break;
		}
		case 'dateWindow': {
			// Walk backwards with before = oldest date seen. Servers treat `before` as exclusive, so
			// messages sharing that timestamp across a page boundary would be skipped: ask with 1 ms of
			// overlap and dedupe by id; when an overlapping page brings nothing new (a run of equal
			// timestamps as long as a page), step past it once with the strict bound.
			// With only `after` set the service answers the OLDEST messages after it, so walk forwards
			// the same way: after = newest date seen - 1 ms, then strictly.
			const forward =
				paging.afterParam !== undefined &&
				userValues.has(paging.afterParam) &&
				!userValues.has(paging.beforeParam);
			const boundParam = forward ? paging.afterParam! : paging.beforeParam;
			const overlap = forward ? -1 : 1;
			let bound = userValues.get(boundParam);
			let edge: number | undefined;
			let overlapping = false;
			const seen = new Set<string>();
			const time = (item: IDataObject) => Date.parse(String(item[paging.dateField]));
			for (let page = 0; page < MAX_PAGES && !full(); page++) {
				const answer = await fetch({ set: { [boundParam]: bound, [paging.sizeParam]: size } });
				const all = itemsOf(answer, paging.itemsPath);
				const fresh = all.filter((item) => !seen.has(String(item[paging.idField])));
				if (fresh.length === 0) {
					if (!overlapping || edge === undefined) break;
					overlapping = false;
					bound = new Date(edge).toISOString();
					continue;
				}
				for (const item of fresh) seen.add(String(item[paging.idField]));
				// Pages come newest first: backwards, `out` stays newest → oldest; forwards, each page is
				// reversed so `out` runs oldest → newest (keeps the server's order of equal timestamps).
				out.push(...(forward ? [...fresh].reverse() : fresh));
				const times = all.map(time).filter((t) => !Number.isNaN(t));
				if (times.length === 0) break;
				const pageEdge = forward ? Math.max(...times) : Math.min(...times);
				edge =
					edge === undefined
						? pageEdge
						: forward
							? Math.max(edge, pageEdge)
							: Math.min(edge, pageEdge);
				overlapping = true;
				bound = new Date(edge + overlap).toISOString();
			}
			// Whatever order the server used: backwards keep the newest `wanted`, forwards the oldest
			// `wanted` (the ones right after `after`); output oldest → newest.
			if (forward) return out.sort((a, b) => time(a) - time(b)).slice(0, wanted);
			return out
				.sort((a, b) => time(b) - time(a))
				.slice(0, wanted)
				.reverse();
		}
	}
	return out.slice(0, wanted);
}
