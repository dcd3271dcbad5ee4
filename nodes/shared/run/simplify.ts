/**
 * The Simplify option of read/list rows: each output item keeps only the fields a workflow usually
 * needs (ids, text, sender, time, thread/room, counts), with camelCase names, as the row's
 * `simplify` mapping says.
 */
import type { IDataObject } from 'n8n-workflow';

import { at } from '../table/json';
import type { Simplifier } from '../table/types';

type Value = IDataObject[keyof IDataObject];

/** One item in the simplified shape; fields the answer does not have are left out. */
export function simplifyItem(item: IDataObject, simplifier: Simplifier): IDataObject {
	const out: IDataObject = {};
	for (const [key, source] of Object.entries(simplifier)) {
		const value = typeof source === 'function' ? source(item) : at(item, source);
		if (value !== undefined) out[key] = value as Value;
	}
	return out;
}

/** A list inside an item, each entry simplified (e.g. the messages of a thread). */
export function simplifyList(list: unknown, simplifier: Simplifier): IDataObject[] | undefined {
	return Array.isArray(list) ? list.filter((entry) => entry && typeof entry === 'object').map((entry) => simplifyItem(entry as IDataObject, simplifier)) : undefined;
}
