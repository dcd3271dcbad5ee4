/**
 * What a row's parameters mean beyond their definitions, shared by the UI builder and the router:
 * which ones the engine sets itself while paging, which ones a "one of these is needed" choice asks
 * for, and the options the user picked in such a choice.
 */
import type { ChoiceDef, EndpointRow } from './types';

/** Parameters the engine sets itself while paging (hidden from the UI). */
export function managedParams(row: EndpointRow): Set<string> {
	const p = row.paging;
	if (!p) return new Set();
	return new Set(p.style === 'pageIndex' ? [p.pageParam, p.sizeParam] : [p.sizeParam]);
}

/** Names of the parameters a choice asks for or sets itself (e.g. the API's Update flags). */
export function choiceParams(choice: ChoiceDef): Set<string> {
	return new Set(choice.options.flatMap((option) => [...option.params, ...Object.keys(option.set ?? {})]));
}

/** The choice's values as the list the user picked ('' / [] when left empty, as in workflows saved before the choice existed). */
export function choiceValues(value: unknown): string[] {
	if (Array.isArray(value)) return value.map(String).filter(Boolean);
	return typeof value === 'string' && value !== '' ? [value] : [];
}
