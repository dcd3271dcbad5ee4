/**
 * Reads a row's top-level fields from the node at run time, in whichever form the node holds them
 * (editor/properties.ts builds them): a list of pickers, a single resource locator, a plain field.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { isLocatorList, LOCATOR_LIST_ENTRIES, LOCATOR_LIST_FIELD } from '../table/params';
import type { ParamDef } from '../table/types';
import { coerce, isUnset, type Fail } from '../table/validate';

/**
 * The value of a top-level field, in whichever form the node holds it: a list of pickers gives the
 * IDs of all its entries (each entry's By ID may name several; duplicates are dropped, empty
 * entries skipped), a single picker its ID (`extractValue`), a plain field its value.
 */
export function readTopValue(ctx: IExecuteFunctions, param: ParamDef, itemIndex: number, fail: Fail): unknown {
	const stored = ctx.getNode().parameters[param.name];
	const isListForm = isLocatorList(param) && typeof stored === 'object' && stored !== null && !Array.isArray(stored) && !('__rl' in stored) && !('mode' in stored);
	if (!isListForm) return ctx.getNodeParameter(param.name, itemIndex, undefined, { extractValue: true });
	const entries = (stored as IDataObject)[LOCATOR_LIST_ENTRIES];
	const ids: unknown[] = [];
	for (let k = 0; k < (Array.isArray(entries) ? entries.length : 0); k++) {
		const raw = ctx.getNodeParameter(`${param.name}.${LOCATOR_LIST_ENTRIES}[${k}].${LOCATOR_LIST_FIELD}`, itemIndex, '', { extractValue: true });
		if (!isUnset(raw)) ids.push(...(coerce(param, raw, fail) as unknown[]));
	}
	return [...new Set(ids)];
}
