/**
 * The Simplify option of read/list rows: each output item keeps only the fields a workflow usually
 * needs, in the one shape of `../table/message` (messages, chats, people), as the row's `simplify` says.
 */
import type { IDataObject } from 'n8n-workflow';

import { toShape, type ShapeContext } from '../table/message';
import type { Simplifier } from '../table/types';

/** One item in the simplified shape; fields the answer does not have are left out. `context`: the request's parameters. */
export function simplifyItem(
	item: IDataObject,
	simplifier: Simplifier,
	context: ShapeContext = {},
): IDataObject {
	return toShape(item, simplifier, context);
}
