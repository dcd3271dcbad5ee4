/**
 * What one poll of the Genesys Chat trigger does. Genesys has no unread counter in its REST API, so
 * the trigger emits the messages that arrived since the last poll:
 * 1. `GET /api/v2/users/chats/me` (genesysSupportRows) lists every chat of the user with
 *    `dateLastMessage`: an idle poll is this one request;
 * 2. only chats whose `dateLastMessage` moved are read, with the history rows of the action node's
 *    table (`after` = the chat's watermark, forwards while full pages come back).
 *
 * Cursor (static data key `chatCursor`, JSON only), per chat:
 * - `last`: the newest `dateLastMessage` (or message time) seen, in ms; the cheap "anything new?" check;
 * - `mark`: watermark, the newest `dateCreated` handled (server time, ms; never the local clock);
 * - `ids`: ids of the handled messages created exactly at `mark` (the next read starts 1 ms before
 *   `mark` and skips them, so messages sharing a timestamp are neither lost nor repeated);
 * - `strict`: set when seeded from `dateLastMessage` without reading (read strictly after `mark`).
 * and `floor`: the newest `dateLastMessage` of the last complete listing; a chat seen for the first
 * time is read from there (messages of a chat that appears later are new, older ones are not).
 * - `failing`: chats whose last read failed (404, malformed answer, hostile JID …), with the number
 *   of polls in a row; each keeps its own marks and is read again next poll, the others go on
 *   (reported after 3, 10, 30, … failures);
 * - `ahead`: ids of emitted messages dated beyond the service's clock (its Date header + 2 min):
 *   emitted once, never a watermark, so a message from the year 2999 cannot mute its chat.
 * State is validated when read: a broken part is re-seeded from now with a warning in n8n's log.
 */
import {
	NodeOperationError,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type INodeExecutionData,
	type IPollFunctions,
} from 'n8n-workflow';

import { genesysService } from '../GenesysChat/GenesysChat.service';
import {
	genesysChatTable,
	genesysSupportRows,
	roomLocator,
	userLocator,
} from '../GenesysChat/GenesysChat.table';
import {
	CLOCK_SKEW_MS,
	emit,
	isServiceFailure,
	nodeError,
	lastIds,
	persistSeed,
	plainObject,
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
import { listAt } from '../shared/table/json';
import { genesysTriggerMessage } from '../shared/table/message';
import type { LocatorDef, ParamDef } from '../shared/table/types';

export type GenesysEvent = 'newRoomMessage' | 'newOneOnOneMessage' | 'newMessageAnyChat';

const MAX_CHATS_KEPT = 2000;
const SAMPLE_CHATS = 3;

const roomJidsParam: ParamDef = {
	name: 'roomJids',
	location: 'query',
	type: 'stringList',
	label: 'Room JIDs',
	description: 'Comma-separated room JIDs, e.g. adhoc-1234@conference.example.orgspan.com',
};
const userIdsParam: ParamDef = {
	name: 'userIds',
	location: 'query',
	type: 'guidList',
	label: 'User IDs',
	description: 'Comma-separated user IDs (GUIDs) of the people whose 1:1 chats to watch',
};

interface ChatMark {
	last: number;
	mark?: number;
	ids: string[];
	strict?: boolean;
}

interface ChatCursor {
	v: 1;
	floor?: number;
	me?: string;
	chats: Record<string, ChatMark>;
	failing?: Record<string, Failing>;
	ahead?: string[];
}

interface Chat {
	key: string;
	type: 'room' | 'oneOnOne';
	/** Room JID or the other user's id. */
	target: string;
	name: string | null;
	last?: number;
}

interface Options {
	event: GenesysEvent;
	roomJids: string[];
	userIds: string[];
	includeOwnMessages: boolean;
}

const time = (value: unknown) => (typeof value === 'string' ? Date.parse(value) : NaN);

/** A room JID or user id the trigger can put into a request path: not empty, no dot segment, well-formed UTF-16, no control characters. */
function usableTarget(value: string): boolean {
	if (value === '' || value === '.' || value === '..' || value.length > 512 || /[/\\]/.test(value))
		return false;
	for (let i = 0; i < value.length; i++)
		if (value.charCodeAt(i) < 0x20 || value.charCodeAt(i) === 0x7f) return false;
	try {
		encodeURIComponent(value);
		return true;
	} catch {
		return false;
	}
}

function toChat(item: IDataObject): Chat | undefined {
	const user = item.user as IDataObject | undefined;
	const room = item.room as IDataObject | undefined;
	const last = time(item.dateLastMessage);
	const base = {
		name: typeof item.name === 'string' ? item.name : null,
		...(Number.isNaN(last) ? {} : { last }),
	};
	if (item.chatType === 'oneOnOne' || (user && !room)) {
		const id =
			typeof user?.id === 'string' ? user.id : typeof item.id === 'string' ? item.id : undefined;
		return id ? { key: `user:${id}`, type: 'oneOnOne', target: id, ...base } : undefined;
	}
	const jid =
		typeof room?.jid === 'string' ? room.jid : typeof item.id === 'string' ? item.id : undefined;
	return jid ? { key: `room:${jid}`, type: 'room', target: jid, ...base } : undefined;
}

/**
 * Every chat of the user: all pages of users/chats/me, walked as the row's nextUri paging says. A
 * later page the service refuses (e.g. a broken `after` from its own nextUri) ends the listing,
 * incomplete: the chats seen so far are polled, the floor stays. `complete` only when the listing
 * came in one page: the cursor runs over a list sorted by last activity, so a chat that moves up
 * between two page requests may be missed by a longer listing.
 */
async function listChats(
	ctx: IPollFunctions,
	client: PollClient,
): Promise<{ chats: Chat[]; complete: boolean }> {
	const chats = new Map<string, Chat>();
	let walked: { pages: number; complete: boolean };
	try {
		walked = await client.walkNextUri(
			'getUsersChatsMe',
			{},
			(items) => {
				for (const item of items) {
					const chat = toChat(item);
					if (chat) chats.set(chat.key, chat);
				}
				return true;
			},
			(error) => !isServiceFailure(error),
		);
	} catch (error) {
		throw nodeError(ctx, client, error);
	}
	return { chats: [...chats.values()], complete: walked.complete && walked.pages === 1 };
}

function watches(options: Options, chat: Chat): boolean {
	switch (options.event) {
		case 'newRoomMessage':
			return chat.type === 'room' && options.roomJids.includes(chat.target);
		case 'newOneOnOneMessage':
			return (
				chat.type === 'oneOnOne' &&
				options.userIds.map((id) => id.toLowerCase()).includes(chat.target.toLowerCase())
			);
		default:
			return true;
	}
}

const historyRow = (chat: Chat) =>
	chat.type === 'room' ? 'getChatsRoomMessages' : 'getChatsUserMessages';
const historyTarget = (chat: Chat) =>
	chat.type === 'room' ? { roomJid: chat.target } : { userId: chat.target };

/** Messages of a chat created at or after `from` (or strictly after, when `strict`), oldest first: the row's date-window paging, forwards. */
async function readSince(
	client: PollClient,
	chat: Chat,
	from: number | undefined,
	strict: boolean,
	cap: number,
): Promise<IDataObject[]> {
	return await client.walkDates(historyRow(chat), historyTarget(chat), from, strict, cap);
}

/** The one mapping "server message → emitted item" of this trigger. */
function messageItem(message: IDataObject, chat: Chat): IDataObject {
	// The one message shape of shared/table/message.ts, plus the chat's name.
	return genesysTriggerMessage(message, {
		...(chat.type === 'room' ? { roomJid: chat.target } : { userId: chat.target }),
		chatName: chat.name,
	});
}

async function myUserId(client: PollClient, cursor: ChatCursor | undefined): Promise<string> {
	if (cursor?.me) return cursor.me;
	const me = (await client.call('getUsersMe')) as IDataObject;
	return String(me?.id ?? '');
}

/** Fetch Test Event: the newest message(s) of the most recently active watched chats; the cursor is not touched. */
async function sampleNewest(
	ctx: IPollFunctions,
	client: PollClient,
	chats: Chat[],
	options: Options,
	cursor: ChatCursor | undefined,
): Promise<INodeExecutionData[][] | null> {
	const recent = chats
		.filter((c) => c.last !== undefined)
		.sort((a, b) => b.last! - a.last!)
		.slice(0, SAMPLE_CHATS);
	const me = options.includeOwnMessages ? '' : await myUserId(client, cursor);
	let best: { message: IDataObject; chat: Chat } | undefined;
	for (const chat of recent) {
		const page = listAt(
			await client.call(historyRow(chat), { ...historyTarget(chat), limit: 25 }),
			'entities',
		);
		for (const message of page) {
			if (!options.includeOwnMessages && (message.user as IDataObject | undefined)?.id === me)
				continue;
			if (!best || time(message.dateCreated) > time(best.message.dateCreated))
				best = { message, chat };
		}
	}
	return best
		? emit(ctx, [{ ...messageItem(best.message, best.chat), newMessagesInChat: 1 }])
		: null;
}

/** The saved cursor, validated against `cap` (the service's clock); broken parts left out, and said so. */
function readChatCursor(
	ctx: IPollFunctions,
	raw: unknown,
	cap: number,
): { cursor?: ChatCursor; reseed: Set<string> } {
	const reseed = new Set<string>();
	if (raw === undefined) return { reseed };
	const saved = plainObject(raw);
	const chatsRaw = plainObject(saved?.chats);
	if (!saved || saved.v !== 1 || !chatsRaw) {
		warnHealed(ctx, 'The saved chat state was not valid');
		return { reseed };
	}
	const finite = (value: unknown): value is number =>
		typeof value === 'number' && Number.isFinite(value);
	let floor = finite(saved.floor) ? saved.floor : undefined;
	if (saved.floor !== undefined && floor === undefined)
		warnHealed(ctx, 'The saved chat floor was not valid');
	if (floor !== undefined && floor > cap) {
		warnHealed(ctx, 'The saved chat floor was ahead of the service clock');
		floor = cap - CLOCK_SKEW_MS; // the service's "now"
	}
	const chats: Record<string, ChatMark> = {};
	for (const [key, entry] of Object.entries(chatsRaw)) {
		const mark = plainObject(entry);
		const ok =
			mark !== undefined &&
			/^(room|user):./.test(key) &&
			finite(mark.last) &&
			(mark.mark === undefined || finite(mark.mark)) &&
			(mark.ids === undefined ||
				(Array.isArray(mark.ids) && mark.ids.every((id) => typeof id === 'string'))) &&
			(mark.strict === undefined || typeof mark.strict === 'boolean');
		if (!ok || (mark.last as number) > cap || ((mark.mark as number | undefined) ?? 0) > cap) {
			reseed.add(key);
			continue;
		}
		chats[key] = {
			last: mark.last as number,
			...(mark.mark !== undefined ? { mark: mark.mark as number } : {}),
			ids: lastIds((mark.ids as string[] | undefined) ?? []),
			...(mark.strict === true ? { strict: true } : {}),
		};
	}
	if (reseed.size)
		warnHealed(
			ctx,
			`The saved marks of ${reseed.size} chat(s) were not valid or ahead of the service clock`,
		);
	const ahead = Array.isArray(saved.ahead)
		? saved.ahead.filter((id): id is string => typeof id === 'string')
		: [];
	return {
		cursor: {
			v: 1,
			...(floor !== undefined ? { floor } : {}),
			...(typeof saved.me === 'string' && saved.me ? { me: saved.me } : {}),
			chats,
			failing: readFailing(saved.failing),
			ahead,
		},
		reseed,
	};
}

/** Seed marks: the chat starts at its last message; nothing old is emitted. */
const seedMark = (chat: Chat, cap: number): ChatMark => ({
	last: Math.min(chat.last!, cap),
	mark: Math.min(chat.last!, cap),
	ids: [],
	strict: true,
});

/** Version 2's picked entries, else (version 1, or a node holding only the old field) the comma-separated text. */
function readIds(
	ctx: IPollFunctions,
	param: ParamDef,
	pickerName: string,
	locator: LocatorDef,
): string[] {
	const picked =
		ctx.getNode().typeVersion >= 2
			? locatorListValues(ctx.getNodeParameter(pickerName, {}), locator)
			: undefined;
	return readList(ctx, param, picked ?? ctx.getNodeParameter(param.name, ''));
}

export async function pollGenesys(ctx: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const credentials = await ctx.getCredentials<ICredentialDataDecryptedObject>(
		genesysService.credentialType,
	);
	if (credentials.grantType === 'clientCredentials') {
		throw new NodeOperationError(
			ctx.getNode(),
			'The Genesys Chat Trigger needs a credential with the Authorization Code or PKCE grant',
			{
				description:
					'It reads the chats of a user, and a Client Credentials token has no user. Create a Genesys Cloud OAuth2 API credential with Grant Type "Authorization Code" (or "PKCE"), connect it as the user whose chats to watch, and select it here.',
			},
		);
	}
	const event = ctx.getNodeParameter('event', 'newMessageAnyChat') as GenesysEvent;
	const raw = ctx.getNodeParameter('options', {}) as IDataObject;
	const options: Options = {
		event,
		roomJids: event === 'newRoomMessage' ? readIds(ctx, roomJidsParam, 'rooms', roomLocator) : [],
		userIds: event === 'newOneOnOneMessage' ? readIds(ctx, userIdsParam, 'users', userLocator) : [],
		includeOwnMessages: raw.includeOwnMessages === true,
	};
	if (event === 'newRoomMessage' && options.roomJids.length === 0) {
		throw new NodeOperationError(ctx.getNode(), 'Room JIDs are required for "New Room Message"', {
			description: 'Enter the JIDs of the rooms to watch, separated by commas.',
		});
	}
	if (event === 'newOneOnOneMessage' && options.userIds.length === 0) {
		throw new NodeOperationError(ctx.getNode(), 'User IDs are required for "New 1:1 Message"', {
			description:
				'Enter the user IDs of the people whose 1:1 chats to watch, separated by commas.',
		});
	}

	const client = await PollClient.open(
		ctx,
		genesysService,
		[...genesysChatTable, ...genesysSupportRows],
		credentials,
	);
	try {
		return await pollChats(ctx, client, options);
	} catch (error) {
		// Every error text of the trigger leaves redacted (the service may echo a token).
		throw nodeError(ctx, client, error);
	}
}

async function pollChats(
	ctx: IPollFunctions,
	client: PollClient,
	options: Options,
): Promise<INodeExecutionData[][] | null> {
	const deadline = pollDeadline(ctx);
	const data = ctx.getWorkflowStaticData('node');
	const listing = await listChats(ctx, client);
	// Time watermarks never pass the service's own clock (plus a little skew).
	const cap = client.serverNow() + CLOCK_SKEW_MS;
	const { cursor: saved, reseed } = readChatCursor(ctx, data.chatCursor, cap);
	const chats = listing.chats.filter((chat) => watches(options, chat));
	if (ctx.getMode() === 'manual')
		return await sampleNewest(
			ctx,
			client,
			chats.filter((chat) => usableTarget(chat.target)),
			options,
			saved,
		);

	const newestListed = chats.reduce<number | undefined>(
		(max, c) =>
			c.last !== undefined && c.last <= cap && (max === undefined || c.last > max) ? c.last : max,
		undefined,
	);
	if (!saved) {
		// First production poll (or a broken state): every chat starts at its last message; nothing old is emitted.
		const marks: Record<string, ChatMark> = {};
		for (const chat of chats) if (chat.last !== undefined) marks[chat.key] = seedMark(chat, cap);
		data.chatCursor = {
			v: 1,
			...(newestListed !== undefined ? { floor: newestListed } : {}),
			chats: marks,
		} satisfies ChatCursor;
		await persistSeed(ctx);
		return null;
	}

	const marks: Record<string, ChatMark> = { ...saved.chats };
	// Chats whose saved marks were broken start again from now.
	for (const chat of chats)
		if (reseed.has(chat.key) && chat.last !== undefined) marks[chat.key] = seedMark(chat, cap);
	const failing = saved.failing ?? {};
	const moved = chats.filter(
		(chat) =>
			!reseed.has(chat.key) &&
			chat.last !== undefined &&
			(marks[chat.key] === undefined ||
				Math.min(chat.last, cap) > marks[chat.key].last ||
				failing[chat.key] !== undefined),
	);
	if (moved.length === 0 && reseed.size === 0) return null;

	const ahead = new Set(saved.ahead ?? []);
	let me = saved.me;
	const nowFailing: Record<string, Failing> = {};
	const perChat: Array<{ chat: Chat; items: Array<{ item: IDataObject; at: number }> }> = [];
	let complete = true;
	let started = 0;
	for (const chat of moved) {
		const known = saved.chats[chat.key];
		// At least one chat per poll, so a tiny budget still makes progress.
		if (started++ > 0 && Date.now() >= deadline) {
			// Out of poll budget: the chats left keep their marks and are read next poll.
			complete = false;
			if (failing[chat.key]) nowFailing[chat.key] = failing[chat.key];
			if (!known && saved.floor !== undefined)
				marks[chat.key] = { last: 0, mark: saved.floor, ids: [], strict: true };
			continue;
		}
		try {
			if (!usableTarget(chat.target))
				throw new NodeOperationError(
					ctx.getNode(),
					`Genesys listed a ${chat.type === 'room' ? 'room' : '1:1 chat'} whose id cannot be requested`,
				);
			const from = known ? known.mark : saved.floor;
			const strict = known ? known.strict === true || known.mark === undefined : true;
			const skip = new Set(known && !known.strict ? known.ids : []);
			const messages = (await readSince(client, chat, from, strict, cap)).filter(
				(m) => !skip.has(String(m.id)) && !ahead.has(String(m.id)),
			);
			let mark = known?.mark ?? saved.floor;
			let ids = known && !known.strict ? known.ids : [];
			let strictNext = strict && known?.strict === true;
			for (const message of messages) {
				const created = time(message.dateCreated);
				if (Number.isNaN(created)) continue;
				if (created > cap) {
					// Dated beyond the service's clock: emitted once, never a watermark.
					ahead.add(String(message.id));
				} else if (mark === undefined || created > mark) {
					mark = created;
					ids = [String(message.id)];
					strictNext = false;
				} else if (created === mark && !strictNext) {
					ids = [...ids, String(message.id)];
				}
			}
			let own = messages;
			if (!options.includeOwnMessages && messages.length) {
				me ??= await myUserId(client, saved);
				own = messages.filter((m) => (m.user as IDataObject | undefined)?.id !== me);
			}
			const last = Math.min(Math.max(chat.last!, mark ?? chat.last!), cap);
			marks[chat.key] = {
				last,
				...(mark !== undefined ? { mark } : {}),
				ids: lastIds(ids),
				...(strictNext ? { strict: true } : {}),
			};
			if (own.length)
				perChat.push({
					chat,
					items: own.map((m) => ({ item: messageItem(m, chat), at: time(m.dateCreated) })),
				});
		} catch (error) {
			if (isServiceFailure(error)) throw nodeError(ctx, client, error);
			// Only this chat: it keeps its marks and is read again next poll; the others go on.
			nowFailing[chat.key] = { n: (failing[chat.key]?.n ?? 0) + 1, name: chat.name };
			if (!known && saved.floor !== undefined)
				marks[chat.key] = { last: 0, mark: saved.floor, ids: [], strict: true };
			if (reportDue(nowFailing[chat.key].n))
				reportChatFailure(
					ctx,
					client,
					`${chat.type === 'room' ? 'Room' : '1:1 chat'} ${chat.target}${chat.name ? ` (${chat.name})` : ''}`,
					nowFailing[chat.key],
					error,
				);
		}
	}

	// Keep the cursor bounded: the most recently active chats.
	const keys = Object.keys(marks);
	if (keys.length > MAX_CHATS_KEPT) {
		for (const key of keys.sort((a, b) => marks[b].last - marks[a].last).slice(MAX_CHATS_KEPT))
			if (!nowFailing[key]) delete marks[key];
	}
	const floor =
		complete &&
		Object.keys(nowFailing).length === 0 &&
		listing.complete &&
		newestListed !== undefined &&
		(saved.floor === undefined || newestListed > saved.floor)
			? newestListed
			: saved.floor;
	const aheadList = lastIds([...ahead]);
	data.chatCursor = {
		v: 1,
		...(floor !== undefined ? { floor } : {}),
		...(me ? { me } : {}),
		chats: marks,
		...(Object.keys(nowFailing).length ? { failing: nowFailing } : {}),
		...(aheadList.length ? { ahead: aheadList } : {}),
	} satisfies ChatCursor;

	// Oldest first by the server's time (not by an emitted field: the item's shape is messageItem's alone).
	const items = perChat
		.flatMap(({ items: list }) =>
			list.map(({ item, at }) => ({
				item: { ...item, newMessagesInChat: list.length } as IDataObject,
				at,
			})),
		)
		.sort((a, b) => a.at - b.at)
		.map(({ item }) => item);
	return emit(ctx, items);
}
