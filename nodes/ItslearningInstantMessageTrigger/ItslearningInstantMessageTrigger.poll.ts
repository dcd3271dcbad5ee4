/**
 * What one poll of the itslearning trigger does, per event. Requests are rows of the action node's
 * table (getMessageThreadsV3, getThreadMessagesV3, getThreadUnreadCount, getUnreadThreadsCount,
 * getStarredMessagesCount, updateLastRead), sent through the shared engine.
 *
 * New Message cursor (static data key `messageCursor`, JSON only):
 * - `sortIndex`: the highest thread SortIndex of the last walk. Threads at or below it have no
 *   activity since; an idle poll is one request (threads v3, page size 1) that shows nothing above it.
 * - `floor`: every message with an id at or below it was handled, in every watched thread not in
 *   `threads`. It moves to the newest message id of a consistent snapshot (all changed threads on
 *   the walk's first page, all of them read).
 * - `threads`: for threads read past `floor`, the newest message id handled in that thread. Pruned
 *   whenever `floor` moves, so it holds only threads with activity since the last snapshot.
 * Message ids are site-wide and grow over time (the API's own "lower id = older" cursors rely on it).
 */
import { NodeOperationError, type IDataObject, type INodeExecutionData, type IPollFunctions } from 'n8n-workflow';

import { itslearningService } from '../ItslearningInstantMessage/ItslearningInstantMessage.service';
import { emit, PollClient, readList } from '../shared/run/poll';
import { copyJson, idJson, idOf, listAt, maxId } from '../shared/table/json';
import { itslearningTriggerMessage } from '../shared/table/message';
import type { ParamDef } from '../shared/table/types';

export type ItslearningEvent = 'unreadCountChanged' | 'newMessage' | 'threadUnreadCountChanged' | 'starredCountChanged';

const THREAD_PAGE = 100;
const MESSAGE_PAGE = 100;
const MAX_PAGES = 1000;
/** Threads the test event looks into for the newest message. */
const SAMPLE_THREADS = 3;

const threadIdsParam: ParamDef = {
	name: 'threadIds',
	location: 'query',
	type: 'integerList',
	label: 'Thread IDs',
	description: 'Comma-separated thread IDs (whole numbers), e.g. 123, 456',
};

interface MessageCursor {
	v: 1;
	sortIndex: number | string;
	floor: number | string;
	threads: Record<string, number | string>;
}

interface CountCursor {
	count: number;
}

interface ThreadCountCursor {
	counts: Record<string, number>;
}

function numberAnswer(ctx: IPollFunctions, answer: unknown, what: string): number {
	const value = typeof answer === 'string' && answer.trim() !== '' ? Number(answer) : answer;
	if (typeof value !== 'number' || !Number.isFinite(value)) {
		throw new NodeOperationError(ctx.getNode(), `itslearning answered the ${what} with something that is not a number`, {
			description: `Answer: ${JSON.stringify(answer)?.slice(0, 200)}`,
		});
	}
	return value;
}

// ── Count events ────────────────────────────────────────────────────────────────────────────────

async function pollCount(ctx: IPollFunctions, client: PollClient, event: 'unreadCountChanged' | 'starredCountChanged'): Promise<INodeExecutionData[][] | null> {
	const sdkMethod = event === 'unreadCountChanged' ? 'getUnreadThreadsCount' : 'getStarredMessagesCount';
	const key = event === 'unreadCountChanged' ? 'unreadThreadsCursor' : 'starredCursor';
	const data = ctx.getWorkflowStaticData('node');
	const current = numberAnswer(ctx, await client.call(sdkMethod), event === 'unreadCountChanged' ? 'unread threads count' : 'starred messages count');
	const saved = copyJson<CountCursor>(data[key]);
	if (ctx.getMode() === 'manual') {
		const previous = saved?.count ?? current;
		return emit(ctx, [{ previous, current, change: current - previous }]);
	}
	if (saved === undefined || typeof saved.count !== 'number') {
		data[key] = { count: current };
		return null;
	}
	if (saved.count === current) return null;
	data[key] = { count: current };
	return emit(ctx, [{ previous: saved.count, current, change: current - saved.count }]);
}

async function pollThreadCounts(ctx: IPollFunctions, client: PollClient, threadIds: string[]): Promise<INodeExecutionData[][] | null> {
	if (threadIds.length === 0) {
		throw new NodeOperationError(ctx.getNode(), 'Thread IDs are required for "Thread Unread Count Changed"', {
			description: 'Enter the IDs of the threads to watch, separated by commas.',
		});
	}
	const data = ctx.getWorkflowStaticData('node');
	const saved = copyJson<ThreadCountCursor>(data.threadUnreadCursor)?.counts;
	const counts: Record<string, number> = {};
	for (const threadId of threadIds) {
		counts[threadId] = numberAnswer(ctx, await client.call('getThreadUnreadCount', { threadId: Number(threadId) }), `unread count of thread ${threadId}`);
	}
	if (ctx.getMode() === 'manual') {
		return emit(
			ctx,
			threadIds.map((threadId) => {
				const previous = saved?.[threadId] ?? counts[threadId];
				return { threadId: Number(threadId), previous, current: counts[threadId], change: counts[threadId] - previous };
			}),
		);
	}
	const items: IDataObject[] = [];
	if (saved) {
		for (const threadId of threadIds) {
			const previous = saved[threadId];
			if (previous !== undefined && previous !== counts[threadId]) {
				items.push({ threadId: Number(threadId), previous, current: counts[threadId], change: counts[threadId] - previous });
			}
		}
	}
	// Newly watched threads are seeded silently. Only the watched threads are kept.
	const changed = !saved || items.length > 0 || threadIds.some((id) => saved[id] === undefined) || Object.keys(saved).length !== threadIds.length;
	if (changed) data.threadUnreadCursor = { counts };
	return emit(ctx, items);
}

// ── New messages ────────────────────────────────────────────────────────────────────────────────

interface NewMessageOptions {
	threadIds: string[];
	includeOwnMessages: boolean;
	markAsRead: boolean;
}

/** itslearning returns no person id to API clients; a message is the user's own when they may edit it. */
const isOwn = (message: IDataObject) => message.CanEdit === true;

function messageItem(message: IDataObject, thread: IDataObject, threadUnreadCount: number | null, options: NewMessageOptions): IDataObject {
	// The one message shape of shared/table/message.ts, plus what the trigger knows about the thread.
	return itslearningTriggerMessage(message, {
		threadId: thread.InstantMessageThreadId,
		chatName: thread.Name,
		threadUnreadCount,
		isOwnMessage: options.includeOwnMessages ? isOwn(message) : undefined,
		markedAsRead: options.markAsRead ? true : undefined,
	});
}

const threadKey = (thread: IDataObject) => String(thread.InstantMessageThreadId);

/** Messages of a thread with an id above `above`, newest page first, walking every page down to it. */
async function messagesAbove(client: PollClient, threadId: string, above: bigint): Promise<IDataObject[]> {
	const found = new Map<string, IDataObject>();
	let fromId: bigint | undefined;
	for (let page = 0; page < MAX_PAGES; page++) {
		const answer = (await client.call('getThreadMessagesV3', {
			threadId: Number(threadId),
			pageSize: MESSAGE_PAGE,
			fromId: fromId === undefined ? undefined : idJson(fromId),
		})) as IDataObject;
		const messages = listAt(answer, 'Messages.EntityArray');
		let lowest: bigint | undefined;
		for (const message of messages) {
			const id = idOf(message.MessageId);
			if (id === undefined) continue;
			if (lowest === undefined || id < lowest) lowest = id;
			if (id > above) found.set(id.toString(), message);
		}
		if (!answer?.HasMore || lowest === undefined || lowest <= above || (fromId !== undefined && lowest >= fromId)) break;
		fromId = lowest;
	}
	return [...found.values()];
}

/** Fetch Test Event: the newest message(s) of the most recently active watched threads; the cursor is not touched. */
async function sampleNewest(ctx: IPollFunctions, client: PollClient, options: NewMessageOptions): Promise<INodeExecutionData[][] | null> {
	const answer = await client.call('getMessageThreadsV3', { pageSize: options.threadIds.length ? THREAD_PAGE : SAMPLE_THREADS * 4 });
	const watched = new Set(options.threadIds);
	const threads = listAt(answer, 'Threads.EntityArray').filter((t) => !watched.size || watched.has(threadKey(t)));
	let best: { message: IDataObject; thread: IDataObject } | undefined;
	for (const thread of threads.slice(0, SAMPLE_THREADS)) {
		const page = listAt(await client.call('getThreadMessagesV3', { threadId: Number(threadKey(thread)), pageSize: 20 }), 'Messages.EntityArray');
		for (const message of page) {
			if (message.IsDeleted === true || (!options.includeOwnMessages && isOwn(message))) continue;
			const id = idOf(message.MessageId);
			if (id !== undefined && (!best || id > (idOf(best.message.MessageId) ?? -1n))) best = { message, thread };
		}
	}
	if (!best) return null;
	const unread = numberAnswer(ctx, await client.call('getThreadUnreadCount', { threadId: Number(threadKey(best.thread)) }), 'thread unread count');
	return emit(ctx, [messageItem(best.message, best.thread, unread, { ...options, markAsRead: false })]);
}

async function pollNewMessages(ctx: IPollFunctions, client: PollClient, options: NewMessageOptions): Promise<INodeExecutionData[][] | null> {
	if (ctx.getMode() === 'manual') return await sampleNewest(ctx, client, options);
	const data = ctx.getWorkflowStaticData('node');
	const saved = copyJson<MessageCursor>(data.messageCursor);
	const watched = new Set(options.threadIds);
	const isWatched = (thread: IDataObject) => !watched.size || watched.has(threadKey(thread));

	if (!saved || saved.v !== 1) {
		// First production poll: start from the newest thread activity and the newest message id now.
		const threads = listAt(await client.call('getMessageThreadsV3', { pageSize: THREAD_PAGE }), 'Threads.EntityArray');
		let sortIndex: bigint | undefined;
		let floor: bigint | undefined;
		for (const thread of threads) {
			sortIndex = maxId(sortIndex, idOf(thread.SortIndex));
			floor = maxId(floor, idOf((thread.LastMessage as IDataObject | null)?.MessageId));
		}
		data.messageCursor = { v: 1, sortIndex: idJson(sortIndex ?? 0n), floor: idJson(floor ?? 0n), threads: {} } satisfies MessageCursor;
		return null;
	}

	const lastSortIndex = idOf(saved.sortIndex) ?? 0n;
	const top = listAt(await client.call('getMessageThreadsV3', { pageSize: 1 }), 'Threads.EntityArray')[0];
	if (!top || (idOf(top.SortIndex) ?? 0n) <= lastSortIndex) return null;

	// Walk the threads with activity since the last walk, newest first.
	const changed = new Map<string, IDataObject>();
	let newSortIndex = lastSortIndex;
	let snapshotNewestId: bigint | undefined;
	let consistent = false;
	let fromSortIndex: bigint | undefined;
	for (let page = 0; page < MAX_PAGES; page++) {
		const answer = (await client.call('getMessageThreadsV3', {
			pageSize: THREAD_PAGE,
			fromSortIndex: fromSortIndex === undefined ? undefined : idJson(fromSortIndex),
		})) as IDataObject;
		const threads = listAt(answer, 'Threads.EntityArray');
		let reachedOld = false;
		let lowest: bigint | undefined;
		for (const thread of threads) {
			const sortIndex = idOf(thread.SortIndex) ?? 0n;
			if (lowest === undefined || sortIndex < lowest) lowest = sortIndex;
			if (page === 0) {
				newSortIndex = maxId(newSortIndex, sortIndex)!;
				snapshotNewestId = maxId(snapshotNewestId, idOf((thread.LastMessage as IDataObject | null)?.MessageId));
			}
			if (sortIndex <= lastSortIndex) reachedOld = true;
			else if (isWatched(thread) && !changed.has(threadKey(thread))) changed.set(threadKey(thread), thread);
		}
		if (reachedOld || !answer?.HasMore || lowest === undefined || (fromSortIndex !== undefined && lowest >= fromSortIndex)) {
			consistent = page === 0;
			break;
		}
		fromSortIndex = lowest;
	}

	const threadMarks: Record<string, number | string> = { ...saved.threads };
	const floor = idOf(saved.floor) ?? 0n;
	const items: IDataObject[] = [];
	for (const [key, thread] of changed) {
		const handled = idOf(threadMarks[key]) ?? floor;
		const messages = (await messagesAbove(client, key, handled)).sort((a, b) => (idOf(a.MessageId)! < idOf(b.MessageId)! ? -1 : 1));
		if (messages.length === 0) continue;
		const newest = idOf(messages[messages.length - 1].MessageId)!;
		threadMarks[key] = idJson(newest);
		const fresh = messages.filter((m) => m.IsDeleted !== true && (options.includeOwnMessages || !isOwn(m)));
		if (fresh.length === 0) continue;
		const unread = numberAnswer(ctx, await client.call('getThreadUnreadCount', { threadId: Number(key) }), `unread count of thread ${key}`);
		if (options.markAsRead) await client.call('updateLastRead', { threadId: Number(key), lastReadInstantMessageId: idJson(newest) });
		items.push(...fresh.map((m) => messageItem(m, thread, unread, options)));
	}

	let newFloor = floor;
	if (consistent && snapshotNewestId !== undefined && snapshotNewestId > floor) newFloor = snapshotNewestId;
	for (const [key, mark] of Object.entries(threadMarks)) if ((idOf(mark) ?? 0n) <= newFloor) delete threadMarks[key];

	data.messageCursor = { v: 1, sortIndex: idJson(newSortIndex), floor: idJson(newFloor), threads: threadMarks } satisfies MessageCursor;
	items.sort((a, b) => (idOf(a.messageId)! < idOf(b.messageId)! ? -1 : 1));
	return emit(ctx, items);
}

// ── Entry point ─────────────────────────────────────────────────────────────────────────────────

export async function pollItslearning(ctx: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const event = ctx.getNodeParameter('event', 'newMessage') as ItslearningEvent;
	const client = await PollClient.open(ctx, itslearningService);
	switch (event) {
		case 'unreadCountChanged':
		case 'starredCountChanged':
			return await pollCount(ctx, client, event);
		case 'threadUnreadCountChanged':
			return await pollThreadCounts(ctx, client, readList(ctx, threadIdsParam, ctx.getNodeParameter('threadIds', '')));
		case 'newMessage': {
			const options = ctx.getNodeParameter('options', {}) as IDataObject;
			return await pollNewMessages(ctx, client, {
				threadIds: readList(ctx, threadIdsParam, ctx.getNodeParameter('threadIds', '')),
				includeOwnMessages: options.includeOwnMessages === true,
				markAsRead: options.markAsRead === true,
			});
		}
		default:
			throw new NodeOperationError(ctx.getNode(), `Unknown event "${String(event)}"`);
	}
}
