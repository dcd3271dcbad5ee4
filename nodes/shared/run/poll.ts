/**
 * Engine helpers for the polling triggers: requests by table row (the rows of the action nodes,
 * sent through the same Transport with its retries, errors and redaction), user input checked with
 * the table's validation, and one poll at a time per trigger node. The JSON-only cursors kept in
 * the node's static data use table/json.ts (idOf, idJson, maxId, copyJson, listAt).
 *
 * Cursor rules every trigger follows (n8n saves static data only after a poll that returns items,
 * and reliably only what was assigned to a top-level key):
 * - a poll reads its cursor, works on copies and assigns the new cursor to a top-level key once,
 *   at the end; a poll that throws leaves the cursor as it was;
 * - losing the cursor of a poll that returned null only makes the next poll read again what it
 *   read (and filtered out), never skip or repeat an emitted item.
 */
import {
	NodeOperationError,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type INodeExecutionData,
	type IPollFunctions,
} from 'n8n-workflow';

import { buildRequest, type ParamValues } from '../http/request';
import type { ServiceDefinition } from '../table/service';
import { Transport } from '../http/transport';
import type { EndpointRow, ParamDef } from '../table/types';
import { coerce, invalidMessage, isUnset } from '../table/validate';

/** Sends rows of a service's tables by SDK method name, with engine-built values. */
export class PollClient {
	private readonly rows: Map<string, EndpointRow>;

	private constructor(
		private readonly transport: Transport,
		rows: EndpointRow[],
	) {
		this.rows = new Map(rows.map((row) => [row.sdkMethod, row]));
	}

	static async open(ctx: IPollFunctions, service: ServiceDefinition, rows: EndpointRow[] = service.table, credentials?: ICredentialDataDecryptedObject): Promise<PollClient> {
		// The credential is read once per poll (the transport reused to read it again on its first request).
		return new PollClient(await Transport.open(ctx, service, credentials), rows);
	}

	row(sdkMethod: string): EndpointRow {
		const row = this.rows.get(sdkMethod);
		if (!row) throw new Error(`The trigger needs the row ${sdkMethod}, which is not in the table`);
		return row;
	}

	/** Sends the row with these values (undefined values are left out) and returns the parsed answer. */
	async call(sdkMethod: string, values: Record<string, unknown> = {}): Promise<unknown> {
		const row = this.row(sdkMethod);
		const params: ParamValues = new Map(Object.entries(values).filter(([, value]) => value !== undefined));
		return await this.transport.send(row, buildRequest(row, params), 0);
	}
}

/** Reads a list field of the trigger (comma-separated text or an array), validated like the action node's fields. */
export function readList(ctx: IPollFunctions, param: ParamDef, raw: unknown): string[] {
	if (isUnset(raw)) return [];
	const fail = (p: ParamDef, reason: string): never => {
		throw new NodeOperationError(ctx.getNode(), invalidMessage(p, reason), { description: p.description });
	};
	const list = coerce(param, raw, fail) as unknown[];
	return [...new Set(list.map((value) => String(value)))];
}

/** Triggers (workflow id + node id) with a poll in progress in this process. */
const running = new Set<string>();

/**
 * Runs one production poll at a time per trigger node: n8n does not skip a poll whose predecessor
 * is still running, and two polls working from the same cursor would emit the same items. A poll
 * that finds another one running returns null (it has nothing to save). Manual runs always run.
 */
export async function exclusivePoll(ctx: IPollFunctions, poll: () => Promise<INodeExecutionData[][] | null>): Promise<INodeExecutionData[][] | null> {
	if (ctx.getMode() === 'manual') return await poll();
	const key = `${ctx.getWorkflow().id ?? ''}:${ctx.getNode().id}`;
	if (running.has(key)) return null;
	running.add(key);
	try {
		return await poll();
	} finally {
		running.delete(key);
	}
}

/** The items of a poll, or null when there are none (n8n starts no execution then). */
export function emit(ctx: IPollFunctions, items: IDataObject[]): INodeExecutionData[][] | null {
	return items.length ? [ctx.helpers.returnJsonArray(items)] : null;
}
