/**
 * The Simplify option of read/list rows: each output item keeps only the fields a workflow usually
 * needs, in the one shape of `./message` (messages, chats, people), as the row's `simplify` says.
 */
import type { IDataObject } from 'n8n-workflow';

import { toShape, toShapeList, type ShapeContext } from './message';
import type { Simplifier } from './types';

/** One item in the simplified shape; fields the answer does not have are left out. `context`: the request's parameters. */
export function simplifyItem(item: IDataObject, simplifier: Simplifier, context: ShapeContext = {}): IDataObject {
	return toShape(item, simplifier, context);
}

/** A list inside an item, each entry simplified (e.g. the messages of a thread). */
export function simplifyList(list: unknown, simplifier: Simplifier, context: ShapeContext = {}): IDataObject[] | undefined {
	return toShapeList(list, simplifier, context);
}
