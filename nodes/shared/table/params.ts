/**
 * What a row's parameters mean beyond their definitions, shared by the UI builder and the router:
 * which ones the engine sets itself while paging, which ones a "one of these is needed" choice asks
 * for, the options the user picked in such a choice, and how a list of pickers is stored.
 */
import type { ChoiceDef, EndpointRow, ParamDef } from './types';

/** The list types (comma-separated text or an array of entries). */
export const LIST_TYPES = new Set(['integerList', 'stringList', 'guidList']);

/** Parameters the engine sets itself while paging (hidden from the UI). */
export function managedParams(row: EndpointRow): Set<string> {
	const p = row.paging;
	if (!p) return new Set();
	switch (p.style) {
		case 'pageIndex':
			return new Set([p.pageParam, p.sizeParam]);
		case 'nextUri':
			// The opaque key of the answer's nextUri: only the engine can set it.
			return new Set([p.cursorParam]);
		default:
			return new Set([p.sizeParam]);
	}
}

/** Names of the parameters a choice asks for or sets itself (e.g. the API's Update flags). */
export function choiceParams(choice: ChoiceDef): Set<string> {
	return new Set(
		choice.options.flatMap((option) => [...option.params, ...Object.keys(option.set ?? {})]),
	);
}

/** The choice's values as the list the user picked ('' / [] when left empty, as in workflows saved before the choice existed). */
export function choiceValues(value: unknown): string[] {
	if (Array.isArray(value)) return value.map(String).filter(Boolean);
	return typeof value === 'string' && value !== '' ? [value] : [];
}

/**
 * From this node version on, a list parameter with a locator (People, Courses, …) is a list of
 * pickers ("Add Person", one From List / By ID / By URL entry each); nodes saved at an older version
 * keep the one picker whose By ID takes comma-separated IDs. Both forms are read into the same list.
 */
export const LOCATOR_LIST_VERSION = 1.2;
/** The list form's value: `{ values: [{ id: <resource locator> }, …] }`. */
export const LOCATOR_LIST_ENTRIES = 'values';
export const LOCATOR_LIST_FIELD = 'id';

/** Whether the parameter gets the list form from LOCATOR_LIST_VERSION on. */
export function isLocatorList(param: ParamDef): boolean {
	return Boolean(param.locator) && LIST_TYPES.has(param.type);
}
