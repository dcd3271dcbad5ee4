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
	NodeApiError,
	NodeOperationError,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type INodeExecutionData,
	type IPollFunctions,
} from 'n8n-workflow';

import { Transport } from '../http/transport';
import type { ServiceDefinition } from '../table/service';
import type { EndpointRow, ParamDef } from '../table/types';
import { coerce, invalidMessage, isUnset } from '../table/validate';
import { walkCursorPages, walkDatesForward, walkNextUriPages } from './paging';

/** Sends rows of a service's tables by SDK method name, with engine-built values. */
export class PollClient {
	private readonly rows: Map<string, EndpointRow>;

	private constructor(
		private readonly transport: Transport,
		rows: EndpointRow[],
	) {
		this.rows = new Map(rows.map((row) => [row.sdkMethod, row]));
	}

	static async open(
		ctx: IPollFunctions,
		service: ServiceDefinition,
		rows: EndpointRow[] = service.table,
		credentials?: ICredentialDataDecryptedObject,
	): Promise<PollClient> {
		// The credential is read once per poll (the transport reused to read it again on its first request).
		return new PollClient(await Transport.open(ctx, service, credentials), rows);
	}

	row(sdkMethod: string): EndpointRow {
		const row = this.rows.get(sdkMethod);
		if (!row) throw new Error(`The trigger needs the row ${sdkMethod}, which is not in the table`);
		return row;
	}

	/** The transport's redactor: every error text of a trigger goes through it. */
	get redactor() {
		return this.transport.redactor;
	}

	/** The service's clock now (its Date header, advanced by the local time since), or the local clock. */
	serverNow(): number {
		const clock = this.transport.serverClock;
		return clock ? clock.server + (Date.now() - clock.at) : Date.now();
	}

	/** Removes secrets from an error in place (message, description, details) and returns it. */
	redact<T extends Error>(error: T): T {
		return this.transport.redactError(error);
	}

	/**
	 * Walks a row page by page as its table `paging` says (cursor style, newest first), with these
	 * fixed values; see walkCursorPages.
	 */
	async walk(
		sdkMethod: string,
		values: Record<string, unknown>,
		onPage: (items: IDataObject[], lowest: bigint | undefined, page: number) => boolean,
	): Promise<{ pages: number; complete: boolean }> {
		const paging = this.row(sdkMethod).paging;
		if (paging?.style !== 'cursor') throw new Error(`The row ${sdkMethod} has no cursor paging`);
		return await walkCursorPages(
			paging,
			async ({ set }) => await this.call(sdkMethod, { ...values, ...set }),
			onPage,
		);
	}

	/**
	 * Reads a date-window row forwards from `from` as its table `paging` says, with these fixed
	 * values; see walkDatesForward.
	 */
	async walkDates(
		sdkMethod: string,
		values: Record<string, unknown>,
		from: number | undefined,
		strict: boolean,
		cap: number,
	): Promise<IDataObject[]> {
		const paging = this.row(sdkMethod).paging;
		if (paging?.style !== 'dateWindow')
			throw new Error(`The row ${sdkMethod} has no date-window paging`);
		return await walkDatesForward(
			paging,
			async ({ set }) => await this.call(sdkMethod, { ...values, ...set }),
			from,
			strict,
			cap,
		);
	}

	/**
	 * Walks a row page by page as its table `paging` says (nextUri style), with these fixed values;
	 * see walkNextUriPages. The first page's errors throw; a later page that fails with an error
	 * `endsWalk` accepts ends the walk instead, incomplete (the pages before it stand).
	 */
	async walkNextUri(
		sdkMethod: string,
		values: Record<string, unknown>,
		onPage: (items: IDataObject[], page: number) => boolean,
		endsWalk: (error: unknown) => boolean = () => false,
	): Promise<{ pages: number; complete: boolean }> {
		const paging = this.row(sdkMethod).paging;
		if (paging?.style !== 'nextUri') throw new Error(`The row ${sdkMethod} has no nextUri paging`);
		let fetched = 0;
		let broken = false;
		const walked = await walkNextUriPages(
			paging,
			async ({ set }) => {
				const first = fetched++ === 0;
				return await this.call(sdkMethod, { ...values, ...set }).catch(async (error: unknown) => {
					if (first || !endsWalk(error)) return await Promise.reject(error);
					broken = true;
					return undefined;
				});
			},
			(items, page) => !broken && onPage(items, page),
		);
		return broken ? { pages: walked.pages - 1, complete: false } : walked;
	}

	/** Sends the row with these values (undefined values are left out) and returns the parsed answer. */
	async call(sdkMethod: string, values: Record<string, unknown> = {}): Promise<unknown> {
		return await this.transport.call(this.row(sdkMethod), values);
	}
}

/** Reads a list field of the trigger (comma-separated text or an array), validated like the action node's fields. */
export function readList(ctx: IPollFunctions, param: ParamDef, raw: unknown): string[] {
	if (isUnset(raw)) return [];
	const fail = (p: ParamDef, reason: string): never => {
		throw new NodeOperationError(ctx.getNode(), invalidMessage(p, reason), {
			description: p.description,
		});
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
export async function exclusivePoll(
	ctx: IPollFunctions,
	poll: () => Promise<INodeExecutionData[][] | null>,
): Promise<INodeExecutionData[][] | null> {
	if (ctx.getMode() === 'manual') return await poll();
	const key = `${ctx.getWorkflow().id ?? ''}:${ctx.getNode().id}`;
	if (running.has(key) || (settling.get(key) ?? 0) > Date.now()) return null;
	running.add(key);
	try {
		const result = await poll();
		// n8n 2.41's durable scheduler commits the cursor of a poll that returned items together with
		// its execution, after the poll has returned, and the next poll task reads the cursor when it
		// starts: polls that start a moment later (several poll times due at once, e.g. after a
		// restart) would read the old cursor and emit the same items again. Those polls find nothing
		// to do for a few seconds in this process.
		if (result && isDurableTick(ctx)) settling.set(key, Date.now() + SETTLE_MS);
		return result;
	} finally {
		running.delete(key);
	}
}

/** Triggers whose last poll returned items under n8n's durable scheduler: until when later polls wait. */
const settling = new Map<string, number>();
const SETTLE_MS = 3000;

/** A poll run by n8n 2.41's durable scheduler (its tasks run with activation mode "update" and a poll budget). */
const isDurableTick = (ctx: IPollFunctions) =>
	ctx.getActivationMode() === 'update' &&
	typeof (ctx as Partial<Pick<IPollFunctions, 'getPollBudgetMs'>>).getPollBudgetMs === 'function';

/** The items of a poll, or null when there are none (n8n starts no execution then). */
export function emit(ctx: IPollFunctions, items: IDataObject[]): INodeExecutionData[][] | null {
	return items.length ? [ctx.helpers.returnJsonArray(items)] : null;
}

// ── Per-chat isolation, state that heals, n8n 2.41's poll machinery ────────────────────────────

/** How far ahead of the service's clock (its Date header) a time watermark may be. */
export const CLOCK_SKEW_MS = 2 * 60_000;

/**
 * An id watermark never jumps further than this above the one before it: ids are site-wide and
 * grow with the number of messages, so a jump of 2^40 is a hostile or broken id (e.g. near the
 * int64 maximum), which would otherwise hide every later message.
 */
export const MAX_ID_JUMP = 2n ** 40n;

/** Whether `id` may become the watermark after `base` (an unknown base, 0, accepts any id). */
export const plausibleId = (id: bigint, base: bigint | undefined) =>
	base === undefined || base <= 0n || id <= base + MAX_ID_JUMP;

/**
 * A failure of the whole service (credential refused after a refresh, rate limit or outage past
 * the retry budget, network): the poll fails and the cursor stays. Anything else (404 or 403 for
 * one chat, malformed JSON, a hostile value) concerns only the chat it happened in.
 */
export function isServiceFailure(error: unknown): boolean {
	if (!(error instanceof NodeApiError)) return false;
	const status = Number(error.httpCode);
	if (!error.httpCode || Number.isNaN(status)) return !/malformed JSON/i.test(error.message);
	return status === 401 || status === 429 || status >= 500;
}

/** Any error as the node error that leaves the trigger, redacted (n8n errors keep their own words). */
export function nodeError(
	ctx: IPollFunctions,
	client: PollClient,
	error: unknown,
): NodeApiError | NodeOperationError {
	return client.redact(
		error instanceof NodeApiError || error instanceof NodeOperationError
			? error
			: new NodeOperationError(ctx.getNode(), error as Error),
	);
}

/** A chat that failed in the polls before: consecutive failures and its name for the report. */
export interface Failing {
	n: number;
	name?: string | null;
}

/** Reads the `failing` part of a cursor: well-formed entries only. */
export function readFailing(raw: unknown): Record<string, Failing> {
	const out: Record<string, Failing> = {};
	if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return out;
	for (const [key, entry] of Object.entries(raw as IDataObject)) {
		const n = (entry as IDataObject | null)?.n;
		if (typeof n === 'number' && Number.isSafeInteger(n) && n > 0) {
			const name = (entry as IDataObject).name;
			out[key] = { n, ...(typeof name === 'string' ? { name } : {}) };
		}
	}
	return out;
}

/** A chat that keeps failing is reported after 3 failed polls in a row, then after 10, 30, 100, 300, … */
export const reportDue = (n: number) => n === 3 || (n >= 10 && /^(1|3)0+$/.test(String(n)));

/**
 * Tells the user about a chat that keeps failing without failing the poll (the other chats' items
 * still go out): through n8n's poll error channel (`__emitError`: a failed execution in the
 * executions list and the error workflow) where the running n8n offers it, and n8n's log always.
 * The text is redacted.
 */
export function reportChatFailure(
	ctx: IPollFunctions,
	client: PollClient,
	what: string,
	failing: Failing,
	error: unknown,
): void {
	const reason = client.redactor.text(String((error as Error)?.message ?? error));
	const detail = client.redactor.text(
		String((error as { description?: unknown })?.description ?? ''),
	);
	const message = `${what} failed in ${failing.n} polls in a row; the other chats are polled as usual and it is retried at every poll`;
	ctx.logger.warn(`${ctx.getNode().name}: ${message}: ${reason}`);
	const emitError = (ctx as Partial<Pick<IPollFunctions, '__emitError'>>).__emitError;
	if (typeof emitError !== 'function') return;
	try {
		emitError.call(
			ctx,
			new NodeOperationError(ctx.getNode(), message, {
				description: [reason, detail].filter(Boolean).join('\n'),
				level: 'warning',
			}),
		);
	} catch {
		// an n8n-core context without an error channel (e.g. a bare PollContext): the log line stays
	}
}

/** A broken part of the saved state was re-seeded: n8n's log says so (never a crash). */
export function warnHealed(ctx: IPollFunctions, what: string): void {
	ctx.logger.warn(
		`${ctx.getNode().name}: ${what}; it was re-seeded from now (no message before now is emitted for it)`,
	);
}

/** A plain object from static data, or undefined for anything else (arrays, null, strings …). */
export const plainObject = (value: unknown): IDataObject | undefined =>
	value !== null && typeof value === 'object' && !Array.isArray(value)
		? (value as IDataObject)
		: undefined;

/**
 * The time by which a poll should stop starting new work: n8n 2.41 gives polls a budget
 * (`getPollBudgetMs()`, 5 minutes by default, less under its durable scheduler) after which it
 * abandons the poll; half of it is used, so requests in flight (with their retries) still end in
 * time. On n8n versions without a budget there is no deadline (as before).
 */
export function pollDeadline(ctx: IPollFunctions, started = Date.now()): number {
	const budget = (ctx as Partial<Pick<IPollFunctions, 'getPollBudgetMs'>>).getPollBudgetMs;
	if (typeof budget !== 'function') return Infinity;
	let ms: number;
	try {
		ms = Number(budget.call(ctx));
	} catch {
		return Infinity;
	}
	return Number.isFinite(ms) && ms > 0 ? started + ms / 2 : Infinity;
}

/**
 * Persists the state a first (seeding) poll set up, where n8n would otherwise drop it.
 *
 * n8n 2.41 with durable poll cursors (N8N_SCHEDULER_ENABLED, N8N_SCHEDULER_POLL_TRIGGERS_ENABLED,
 * N8N_USE_WORKFLOW_PUBLICATION_SERVICE, N8N_POLLER_DURABLE_CURSORS_ENABLED) runs the activation
 * poll on a staged copy of the cursor (created from the workflow's static data in
 * `poller_state`), and commits a staged cursor only for scheduled polls that return null
 * (n8n-core `PollTriggerExecutor`: `else if (!testingTrigger) commitStagedCursor(…)`): the seed of
 * the activation poll is thrown away, and the first scheduled poll seeds again from its own "now",
 * losing every message in between. The cursor-only commit hook of that same poll context
 * (`__commitCursor`, feature-detected; absent on n8n 1.x and a no-op when cursors are not durable)
 * stores the seed right away. Never called by manual runs.
 */
export async function persistSeed(ctx: IPollFunctions): Promise<void> {
	if (ctx.getMode() === 'manual') return;
	const commit = (ctx as Partial<Pick<IPollFunctions, '__commitCursor'>>).__commitCursor;
	if (typeof commit !== 'function') return;
	try {
		await commit.call(ctx);
	} catch (error) {
		ctx.logger.warn(
			`${ctx.getNode().name}: the first poll's cursor could not be stored yet (${String((error as Error)?.message ?? error)}); the next poll starts from its own time`,
		);
	}
}

/** Keeps the last `max` entries of a list of ids (JSON state stays bounded). */
export const lastIds = (ids: string[], max = 200) =>
	ids.length > max ? ids.slice(ids.length - max) : ids;
