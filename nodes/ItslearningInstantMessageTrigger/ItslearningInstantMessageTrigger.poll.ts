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
 * - `failing`: threads whose last read failed (404, malformed answer, hostile value …), with the
 *   number of polls in a row; each keeps its own mark in `threads` and is read again at every poll
 *   while the other threads go on (reported after 3, 10, 30, … failures). A mark at or below
 *   `floor` marks its thread as failing by itself (nothing else keeps such a mark).
 * - `ahead`: ids of emitted messages whose id is implausibly far above the watermark (near the
 *   int64 maximum): emitted once, never a watermark, so they cannot hide the messages after them.
 * Message ids are site-wide and grow over time (the API's own "lower id = older" cursors rely on it).
 * State is validated when read: a broken part is re-seeded from now with a warning in n8n's log.
 */
import {
	NodeOperationError,
	type IDataObject,
	type INodeExecutionData,
	type IPollFunctions,
} from 'n8n-workflow';

import { itslearningService } from '../ItslearningInstantMessage/ItslearningInstantMessage.service';
import { threadLocator } from '../ItslearningInstantMessage/ItslearningInstantMessage.table';
import {
	emit,
	isServiceFailure,
	nodeError,
	lastIds,
	persistSeed,
	plainObject,
	plausibleId,
	pollDeadline,
	PollClient,
	readFailing,
	readList,
	reportChatFailure,
	reportDue,
	warnHealed,
	type Failing,
} from '../shared/run/poll';
import { locatorListValues } from '../shared/run/fields';
import { idJson, idOf, listAt, maxId } from '../shared/table/json';
import { itslearningTriggerCount, itslearningTriggerMessage } from '../shared/table/message';
import type { ParamDef } from '../shared/table/types';

export type ItslearningEvent =
	| 'unreadCountChanged'
	| 'newMessage'
	| 'threadUnreadCountChanged'
	| 'starredCountChanged';

const THREAD_PAGE = 100;
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
	failing?: Record<string, Failing>;
	ahead?: string[];
}

interface CountCursor {
	count: number;
}

function numberAnswer(
	ctx: IPollFunctions,
	client: PollClient,
	answer: unknown,
	what: string,
): number {
	const value = typeof answer === 'string' && answer.trim() !== '' ? Number(answer) : answer;
	if (typeof value !== 'number' || !Number.isFinite(value)) {
		throw new NodeOperationError(
			ctx.getNode(),
			`itslearning answered the ${what} with something that is not a number`,
			{
				description: client.redactor.text(
					`Answer: ${String(JSON.stringify(answer) ?? typeof answer).slice(0, 200)}`,
				),
			},
		);
	}
	return value;
}

// ── Count events ────────────────────────────────────────────────────────────────────────────────

async function pollCount(
	ctx: IPollFunctions,
	client: PollClient,
	event: 'unreadCountChanged' | 'starredCountChanged',
): Promise<INodeExecutionData[][] | null> {
	const sdkMethod =
		event === 'unreadCountChanged' ? 'getUnreadThreadsCount' : 'getStarredMessagesCount';
	const key = event === 'unreadCountChanged' ? 'unreadThreadsCursor' : 'starredCursor';
	const data = ctx.getWorkflowStaticData('node');
	const current = numberAnswer(
		ctx,
		client,
		await client.call(sdkMethod),
		event === 'unreadCountChanged' ? 'unread threads count' : 'starred messages count',
	);
	const raw = plainObject(data[key]);
	const saved =
		typeof raw?.count === 'number' && Number.isFinite(raw.count)
			? (raw as unknown as CountCursor)
			: undefined;
	if (ctx.getMode() === 'manual') {
		const previous = saved?.count ?? current;
		return emit(ctx, [itslearningTriggerCount({ previous, current, change: current - previous })]);
	}
	if (saved === undefined) {
		if (data[key] !== undefined) warnHealed(ctx, `The saved ${event} state was not valid`);
		data[key] = { count: current };
		await persistSeed(ctx);
		return null;
	}
	if (saved.count === current) return null;
	data[key] = { count: current };
	return emit(ctx, [
		itslearningTriggerCount({ previous: saved.count, current, change: current - saved.count }),
	]);
}

async function pollThreadCounts(
	ctx: IPollFunctions,
	client: PollClient,
	threadIds: string[],
): Promise<INodeExecutionData[][] | null> {
	if (threadIds.length === 0) {
		throw new NodeOperationError(
			ctx.getNode(),
			'Thread IDs are required for "Thread Unread Count Changed"',
			{
				description: 'Enter the IDs of the threads to watch, separated by commas.',
			},
		);
	}
	const data = ctx.getWorkflowStaticData('node');
	const rawCounts = plainObject(plainObject(data.threadUnreadCursor)?.counts);
	const saved: Record<string, number> | undefined = rawCounts ? {} : undefined;
	if (rawCounts)
		for (const [id, count] of Object.entries(rawCounts))
			if (typeof count === 'number' && Number.isFinite(count)) saved![id] = count;
	if (data.threadUnreadCursor !== undefined && !rawCounts)
		warnHealed(ctx, 'The saved thread unread counts were not valid');
	const failing = readFailing(plainObject(data.threadUnreadCursor)?.failing);
	const counts: Record<string, number> = {};
	const nowFailing: Record<string, Failing> = {};
	for (const threadId of threadIds) {
		try {
			counts[threadId] = numberAnswer(
				ctx,
				client,
				await client.call('getThreadUnreadCount', { threadId }),
				`unread count of thread ${threadId}`,
			);
		} catch (error) {
			if (ctx.getMode() === 'manual' || isServiceFailure(error))
				throw nodeError(ctx, client, error);
			// This thread keeps its last count and is asked again next poll; the others go on.
			nowFailing[threadId] = { n: (failing[threadId]?.n ?? 0) + 1 };
			if (saved?.[threadId] !== undefined) counts[threadId] = saved[threadId];
			if (reportDue(nowFailing[threadId].n))
				reportChatFailure(
					ctx,
					client,
					`The unread count of thread ${threadId}`,
					nowFailing[threadId],
					error,
				);
		}
	}
	if (ctx.getMode() === 'manual') {
		return emit(
			ctx,
			threadIds.map((threadId) => {
				const previous = saved?.[threadId] ?? counts[threadId];
				return itslearningTriggerCount({
					threadId: idJson(BigInt(threadId)),
					previous,
					current: counts[threadId],
					change: counts[threadId] - previous,
				});
			}),
		);
	}
	const items: IDataObject[] = [];
	if (saved) {
		for (const threadId of threadIds) {
			const previous = saved[threadId];
			if (
				previous !== undefined &&
				counts[threadId] !== undefined &&
				previous !== counts[threadId]
			) {
				items.push(
					itslearningTriggerCount({
						threadId: idJson(BigInt(threadId)),
						previous,
						current: counts[threadId],
						change: counts[threadId] - previous,
					}),
				);
			}
		}
	}
	// Newly watched threads are seeded silently. Only the watched threads are kept.
	const changed =
		!saved ||
		items.length > 0 ||
		threadIds.some((id) => saved[id] === undefined && counts[id] !== undefined) ||
		Object.keys(saved).length !== Object.keys(counts).length ||
		JSON.stringify(failing) !== JSON.stringify(nowFailing);
	if (changed)
		data.threadUnreadCursor = {
			counts,
			...(Object.keys(nowFailing).length ? { failing: nowFailing } : {}),
		};
	if (!saved) await persistSeed(ctx);
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

/** The one mapping "server message → emitted item" of this trigger. */
function messageItem(
	message: IDataObject,
	thread: IDataObject,
	threadUnreadCount: number | null,
	options: NewMessageOptions,
): IDataObject {
	// The one message shape of shared/table/message.ts, plus what the trigger knows about the thread.
	return itslearningTriggerMessage(message, {
		threadId: thread.InstantMessageThreadId,
		chatName: thread.Name,
		threadUnreadCount,
		isOwnMessage: options.includeOwnMessages ? isOwn(message) : undefined,
		markedAsRead: options.markAsRead ? true : undefined,
	});
}

/** The thread's id as a key (its exact digits), or undefined when the server sent no usable id. */
function threadKey(thread: IDataObject): string | undefined {
	const id = idOf(thread.InstantMessageThreadId);
	return id === undefined || id <= 0n ? undefined : id.toString();
}

/** Messages of a thread with an id above `above`, newest page first, walking every page down to it. */
async function messagesAbove(
	client: PollClient,
	threadId: string,
	above: bigint,
): Promise<IDataObject[]> {
	const found = new Map<string, IDataObject>();
	await client.walk('getThreadMessagesV3', { threadId }, (messages, lowest) => {
		for (const message of messages) {
			const id = idOf(message.MessageId);
			if (id !== undefined && id > above) found.set(id.toString(), message);
		}
		return lowest !== undefined && lowest > above;
	});
	return [...found.values()];
}

/** Fetch Test Event: the newest message(s) of the most recently active watched threads; the cursor is not touched. */
async function sampleNewest(
	ctx: IPollFunctions,
	client: PollClient,
	options: NewMessageOptions,
): Promise<INodeExecutionData[][] | null> {
	const answer = await client.call('getMessageThreadsV3', {
		pageSize: options.threadIds.length ? THREAD_PAGE : SAMPLE_THREADS * 4,
	});
	const watched = new Set(options.threadIds);
	const threads = listAt(answer, 'Threads.EntityArray').filter(
		(t) => threadKey(t) !== undefined && (!watched.size || watched.has(threadKey(t)!)),
	);
	let best: { message: IDataObject; thread: IDataObject } | undefined;
	for (const thread of threads.slice(0, SAMPLE_THREADS)) {
		const page = listAt(
			await client.call('getThreadMessagesV3', { threadId: threadKey(thread), pageSize: 20 }),
			'Messages.EntityArray',
		);
		for (const message of page) {
			if (message.IsDeleted === true || (!options.includeOwnMessages && isOwn(message))) continue;
			const id = idOf(message.MessageId);
			if (id !== undefined && (!best || id > (idOf(best.message.MessageId) ?? -1n)))
				best = { message, thread };
		}
	}
	if (!best) return null;
	const unread = numberAnswer(
		ctx,
		client,
		await client.call('getThreadUnreadCount', { threadId: threadKey(best.thread) }),
		'thread unread count',
	);
	return emit(ctx, [
		messageItem(best.message, best.thread, unread, { ...options, markAsRead: false }),
	]);
}

/** The saved New Message cursor, validated; broken entries are left out (and said so). */
function readMessageCursor(ctx: IPollFunctions, raw: unknown): MessageCursor | undefined {
	const saved = plainObject(raw);
	if (raw === undefined) return undefined;
	const sortIndex = idOf(saved?.sortIndex);
	const floor = idOf(saved?.floor);
	if (
		!saved ||
		saved.v !== 1 ||
		sortIndex === undefined ||
		floor === undefined ||
		sortIndex < 0n ||
		floor < 0n
	) {
		warnHealed(ctx, 'The saved New Message state was not valid');
		return undefined;
	}
	const threads: Record<string, number | string> = {};
	const rawThreads = plainObject(saved.threads);
	let broken = saved.threads !== undefined && !rawThreads;
	for (const [key, mark] of Object.entries(rawThreads ?? {})) {
		const id = idOf(mark);
		if (/^\d+$/.test(key) && id !== undefined && id >= 0n) threads[key] = idJson(id);
		else broken = true;
	}
	if (broken) warnHealed(ctx, 'Some saved thread marks of the New Message state were not valid');
	const ahead = Array.isArray(saved.ahead)
		? saved.ahead.filter((id): id is string => typeof id === 'string' && idOf(id) !== undefined)
		: [];
	// Every save prunes the marks at or below the floor except those of failing threads, so a mark
	// there belongs to a thread whose read failed: it is read again even when the `failing` part was
	// lost (broken state), instead of its mark being pruned with its unread messages.
	const failing = readFailing(saved.failing);
	for (const [key, mark] of Object.entries(threads))
		if (idOf(mark)! <= floor && !failing[key]) failing[key] = { n: 1 };
	return {
		v: 1,
		sortIndex: idJson(sortIndex),
		floor: idJson(floor),
		threads,
		failing,
		ahead,
	};
}

async function seedMessageCursor(ctx: IPollFunctions, client: PollClient): Promise<null> {
	// First production poll (or a broken state): start from the newest thread activity and the newest message id now.
	const threads = listAt(
		await client.call('getMessageThreadsV3', { pageSize: THREAD_PAGE }),
		'Threads.EntityArray',
	);
	let sortIndex: bigint | undefined;
	let floor: bigint | undefined;
	for (const thread of threads) {
		sortIndex = maxId(sortIndex, idOf(thread.SortIndex));
		floor = maxId(floor, idOf((thread.LastMessage as IDataObject | null)?.MessageId));
	}
	ctx.getWorkflowStaticData('node').messageCursor = {
		v: 1,
		sortIndex: idJson(sortIndex ?? 0n),
		floor: idJson(floor ?? 0n),
		threads: {},
	} satisfies MessageCursor;
	await persistSeed(ctx);
	return null;
}

async function pollNewMessages(
	ctx: IPollFunctions,
	client: PollClient,
	options: NewMessageOptions,
): Promise<INodeExecutionData[][] | null> {
	if (ctx.getMode() === 'manual') return await sampleNewest(ctx, client, options);
	const deadline = pollDeadline(ctx);
	const data = ctx.getWorkflowStaticData('node');
	const saved = readMessageCursor(ctx, data.messageCursor);
	const watched = new Set(options.threadIds);
	const isWatched = (key: string) => !watched.size || watched.has(key);
	if (!saved) return await seedMessageCursor(ctx, client);

	let lastSortIndex = idOf(saved.sortIndex)!;
	let floor = idOf(saved.floor)!;
	const threadMarks: Record<string, number | string> = { ...saved.threads };
	const failing = Object.fromEntries(
		Object.entries(saved.failing ?? {}).filter(([key]) => isWatched(key)),
	);
	const ahead = new Set(saved.ahead ?? []);

	const top = listAt(
		await client.call('getMessageThreadsV3', { pageSize: 1 }),
		'Threads.EntityArray',
	)[0];
	// Heal a watermark above everything the service has (tampered state, or an older broken id):
	// the newest thread's SortIndex and last message id bound them.
	const topSortIndex = idOf(top?.SortIndex);
	const topId = idOf((top?.LastMessage as IDataObject | null | undefined)?.MessageId);
	let healed = false;
	if (topSortIndex !== undefined && lastSortIndex > topSortIndex) {
		warnHealed(ctx, 'The saved thread position was above the newest thread');
		lastSortIndex = topSortIndex;
		healed = true;
	}
	if (topId !== undefined && floor > topId) {
		warnHealed(ctx, 'The saved message floor was above the newest message');
		floor = topId;
		healed = true;
	}
	if (!healed && (topSortIndex ?? 0n) <= lastSortIndex && Object.keys(failing).length === 0)
		return null;

	// Walk the threads with activity since the last walk, newest first.
	const changed = new Map<string, IDataObject>();
	const invalid: IDataObject[] = [];
	let newSortIndex = lastSortIndex;
	let snapshotNewestId: bigint | undefined;
	let pageNewestId: bigint | undefined;
	const walk = await client.walk('getMessageThreadsV3', {}, (threads, _lowest, page) => {
		let reachedOld = false;
		for (const thread of threads) {
			const sortIndex = idOf(thread.SortIndex) ?? 0n;
			if (page === 0) {
				if (plausibleId(sortIndex, lastSortIndex) && sortIndex > newSortIndex)
					newSortIndex = sortIndex;
				const last = idOf((thread.LastMessage as IDataObject | null)?.MessageId);
				pageNewestId = maxId(pageNewestId, last);
				if (last !== undefined && plausibleId(last, floor))
					snapshotNewestId = maxId(snapshotNewestId, last);
			}
			const key = threadKey(thread);
			if (sortIndex <= lastSortIndex) reachedOld = true;
			else if (key === undefined) invalid.push(thread);
			else if (isWatched(key) && !changed.has(key)) changed.set(key, thread);
		}
		return !reachedOld;
	});
	// A consistent snapshot: every changed thread was on the first page.
	const consistent = walk.complete && walk.pages === 1;
	if (pageNewestId !== undefined && floor > pageNewestId) {
		// A floor above the newest message of every thread would mute them all (tampered or broken state).
		warnHealed(ctx, 'The saved message floor was above the newest message');
		floor = pageNewestId;
	}
	for (const thread of invalid) {
		// No usable id: it cannot be read; said in the log each time it shows new activity (not every poll).
		ctx.logger.warn(
			client.redactor.text(
				`${ctx.getNode().name}: itslearning listed a thread without a usable id (${String(JSON.stringify(thread.InstantMessageThreadId) ?? 'none')}); it is skipped`,
			),
		);
	}

	// Threads to read: the changed ones, then the ones that failed before (each keeps its own mark).
	const toRead = new Map<string, IDataObject>(changed);
	for (const [key, entry] of Object.entries(failing))
		if (!toRead.has(key))
			toRead.set(key, { InstantMessageThreadId: idJson(BigInt(key)), Name: entry.name ?? null });
	const items: IDataObject[] = [];
	const nowFailing: Record<string, Failing> = {};
	let complete = true;
	const processed = new Set<string>();
	for (const [key, thread] of toRead) {
		let handled = idOf(threadMarks[key]) ?? floor;
		const lastId = idOf((thread.LastMessage as IDataObject | null | undefined)?.MessageId);
		if (
			threadMarks[key] !== undefined &&
			lastId !== undefined &&
			handled > lastId &&
			changed.has(key)
		) {
			// A mark above the thread's newest message would mute it: re-seeded from now.
			warnHealed(ctx, `The saved mark of thread ${key} was above its newest message`);
			threadMarks[key] = idJson(lastId);
			handled = lastId;
		}
		if (threadMarks[key] !== undefined && lastId !== undefined && !failing[key]) {
			// Read up to its last message already (e.g. by a poll that ran out of budget): nothing to do.
			if (lastId <= handled) continue;
		}
		// At least one thread per poll, so a tiny budget still makes progress.
		if (processed.size > 0 && Date.now() >= deadline) {
			// Out of poll budget: what is left is read next poll (nothing advances past it).
			complete = false;
			for (const [k, entry] of Object.entries(failing))
				if (!processed.has(k)) nowFailing[k] = entry;
			break;
		}
		processed.add(key);
		try {
			const messages = (await messagesAbove(client, key, handled))
				.filter((m) => !ahead.has(String(idOf(m.MessageId))))
				.sort((a, b) => (idOf(a.MessageId)! < idOf(b.MessageId)! ? -1 : 1));
			if (messages.length === 0) {
				if (failing[key]) threadMarks[key] = idJson(handled);
				continue;
			}
			let newest = handled;
			for (const m of messages) {
				const id = idOf(m.MessageId)!;
				if (!plausibleId(id, handled)) ahead.add(id.toString());
				else if (id > newest) newest = id;
			}
			const fresh = messages.filter(
				(m) => m.IsDeleted !== true && (options.includeOwnMessages || !isOwn(m)),
			);
			let threadItems: IDataObject[] = [];
			if (fresh.length) {
				const unread = numberAnswer(
					ctx,
					client,
					await client.call('getThreadUnreadCount', { threadId: key }),
					`unread count of thread ${key}`,
				);
				if (options.markAsRead)
					await client.call('updateLastRead', {
						threadId: key,
						lastReadInstantMessageId: idJson(newest),
					});
				threadItems = fresh.map((m) => messageItem(m, thread, unread, options));
			}
			threadMarks[key] = idJson(newest);
			items.push(...threadItems);
		} catch (error) {
			if (isServiceFailure(error)) throw nodeError(ctx, client, error);
			// Only this thread: it keeps its mark and is read again next poll; the others go on.
			threadMarks[key] = idJson(handled);
			nowFailing[key] = {
				n: (failing[key]?.n ?? 0) + 1,
				name: typeof thread.Name === 'string' ? thread.Name : null,
			};
			if (reportDue(nowFailing[key].n))
				reportChatFailure(
					ctx,
					client,
					`Thread ${key}${thread.Name ? ` (${String(thread.Name)})` : ''}`,
					nowFailing[key],
					error,
				);
		}
	}

	let newFloor = floor;
	let sortIndexNext = lastSortIndex;
	if (complete) {
		sortIndexNext = newSortIndex;
		if (consistent && snapshotNewestId !== undefined && snapshotNewestId > floor)
			newFloor = snapshotNewestId;
	}
	for (const [key, mark] of Object.entries(threadMarks))
		if (!(key in nowFailing) && (idOf(mark) ?? 0n) <= newFloor) delete threadMarks[key];

	const aheadList = lastIds([...ahead]);
	data.messageCursor = {
		v: 1,
		sortIndex: idJson(sortIndexNext),
		floor: idJson(newFloor),
		threads: threadMarks,
		...(Object.keys(nowFailing).length ? { failing: nowFailing } : {}),
		...(aheadList.length ? { ahead: aheadList } : {}),
	} satisfies MessageCursor;
	items.sort((a, b) => (idOf(a.messageId)! < idOf(b.messageId)! ? -1 : 1));
	return emit(ctx, items);
}

/** Version 2's picked threads, else (version 1, or a node holding only the old field) the comma-separated text. */
function readThreadIds(ctx: IPollFunctions): string[] {
	const picked =
		ctx.getNode().typeVersion >= 2
			? locatorListValues(ctx.getNodeParameter('threads', {}), threadLocator)
			: undefined;
	return readList(ctx, threadIdsParam, picked ?? ctx.getNodeParameter('threadIds', ''));
}

// ── Entry point ─────────────────────────────────────────────────────────────────────────────────

export async function pollItslearning(ctx: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const event = ctx.getNodeParameter('event', 'newMessage') as ItslearningEvent;
	const client = await PollClient.open(ctx, itslearningService);
	try {
		switch (event) {
			case 'unreadCountChanged':
			case 'starredCountChanged':
				return await pollCount(ctx, client, event);
			case 'threadUnreadCountChanged':
				return await pollThreadCounts(ctx, client, readThreadIds(ctx));
			case 'newMessage': {
				const options = ctx.getNodeParameter('options', {}) as IDataObject;
				return await pollNewMessages(ctx, client, {
					threadIds: readThreadIds(ctx),
					includeOwnMessages: options.includeOwnMessages === true,
					markAsRead: options.markAsRead === true,
				});
			}
			default:
				throw new NodeOperationError(ctx.getNode(), `Unknown event "${String(event)}"`);
		}
	} catch (error) {
		// Every error text of the trigger leaves redacted (the service may echo a token).
		throw nodeError(ctx, client, error);
	}
}
