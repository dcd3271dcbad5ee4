/**
 * Reads a row's top-level fields from the node at run time, in whichever form the node holds them
 * (editor/properties.ts builds them): a list of pickers, a single resource locator, a plain field;
 * and the entries of a list of pickers as entered (the triggers' Threads, Rooms, Users).
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { isLocatorList, LOCATOR_LIST_ENTRIES, LOCATOR_LIST_FIELD } from '../table/params';
import type { LocatorDef, ParamDef } from '../table/types';
import { coerce, isUnset, type Fail } from '../table/validate';

/**
 * The value of a top-level field, in whichever form the node holds it: a list of pickers gives the
 * IDs of all its entries (each entry's By ID may name several; duplicates are dropped, empty
 * entries skipped), a single picker its ID (`extractValue`), a plain field its value.
 */
export function readTopValue(
	ctx: IExecuteFunctions,
	param: ParamDef,
	itemIndex: number,
	fail: Fail,
): unknown {
	const stored = ctx.getNode().parameters[param.name];
	const isListForm =
		isLocatorList(param) &&
		typeof stored === 'object' &&
		stored !== null &&
		!Array.isArray(stored) &&
		!('__rl' in stored) &&
		!('mode' in stored);
	if (!isListForm)
		return ctx.getNodeParameter(param.name, itemIndex, undefined, { extractValue: true });
	const entries = (stored as IDataObject)[LOCATOR_LIST_ENTRIES];
	const ids: unknown[] = [];
	for (let k = 0; k < (Array.isArray(entries) ? entries.length : 0); k++) {
		const raw = ctx.getNodeParameter(
			`${param.name}.${LOCATOR_LIST_ENTRIES}[${k}].${LOCATOR_LIST_FIELD}`,
			itemIndex,
			'',
			{ extractValue: true },
		);
		if (!isUnset(raw)) ids.push(...(coerce(param, raw, fail) as unknown[]));
	}
	return [...new Set(ids)];
}

/**
 * The values of a locatorListProperty field as entered (IDs as text; By URL entries reduced to the
 * ID the locator's URL pattern captures); undefined when the field holds no collection at all.
 */
export function locatorListValues(raw: unknown, locator: LocatorDef): unknown[] | undefined {
	if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
	const entries = (raw as IDataObject).values;
	if (entries === undefined) return undefined;
	const list = Array.isArray(entries) ? entries : [entries];
	return (
		list
			.map((entry) => {
				const value = entry && typeof entry === 'object' ? (entry as IDataObject).id : entry;
				if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
				const rl = value as IDataObject;
				if (rl.mode === 'url' && locator.url && typeof rl.value === 'string') {
					const match = new RegExp(locator.url.regex).exec(rl.value);
					return match?.[1] ?? rl.value;
				}
				return rl.value;
			})
			// An entry's By ID may name several, separated by commas (as the entry's description says).
			.flatMap((value) =>
				typeof value === 'string' ? value.split(',').map((part) => part.trim()) : [value],
			)
			.filter((value) => !(typeof value === 'string' && value === ''))
	);
}
