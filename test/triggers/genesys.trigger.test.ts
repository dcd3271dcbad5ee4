/**
 * Genesys Chat Trigger through n8n-core's PollContext, over real HTTP to the Genesys emulator:
 * the three events, own-message filtering, the idle check (one `users/chats/me` request), equal
 * timestamps, long histories, the test event, the first-poll seed, failed polls, the refusal of a
 * client-credentials credential and n8n's save behaviour (test/triggers/helpers.ts).
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { CredentialReference } from '../harness/n8n';
import { clientCredential, useGenesys, userCredential } from '../genesys/setup';
import { listSearch, rl } from '../editor/helpers';
import { TriggerInstance } from './helpers';

const NODE_TYPE = 'genesysChatTrigger';
const env = useGenesys();
const tokens = new Map<string, string>();

afterEach(() => env.emu.setChaos(undefined));

function trigger(
	parameters: INodeParameters,
	credential: CredentialReference = env.userCred,
	typeVersion?: number,
): TriggerInstance {
	return new TriggerInstance({
		pkg: env.pkg,
		store: env.store,
		nodeType: NODE_TYPE,
		parameters,
		credentials: { genesysCloudOAuth2Api: credential },
		typeVersion,
	});
}

/** Sends messages over HTTP as a user: into a room (JID) or to a user's 1:1 chat (user id). */
async function send(
	fromUserId: string,
	to: { roomJid?: string; userId?: string },
	count: number,
	text = 'msg',
): Promise<string[]> {
	let token = tokens.get(fromUserId);
	if (!token) tokens.set(fromUserId, (token = env.emu.issueUserToken(fromUserId).access_token));
	const path = to.roomJid
		? `/api/v2/chats/rooms/${encodeURIComponent(to.roomJid)}/messages`
		: `/api/v2/chats/users/${to.userId}/messages`;
	const ids: string[] = [];
	for (let i = 0; i < count; i++) {
		const res = await fetch(`${env.emu.url}${path}`, {
			method: 'POST',
			headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
			body: JSON.stringify({ message: `${text} ${i + 1}` }),
		});
		if (res.status !== 200) throw new Error(`send failed ${res.status}: ${await res.text()}`);
		ids.push(((await res.json()) as { id: string }).id);
	}
	return ids;
}

async function requestsDuring<T>(
	fn: () => Promise<T>,
): Promise<{ result: T; requests: Array<{ method: string; url: string }> }> {
	const mark = env.emu.apiRequests().length;
	const result = await fn();
	return {
		result,
		requests: env.emu
			.apiRequests()
			.slice(mark)
			.map((r) => ({ method: r.method, url: r.url })),
	};
}

const ids = (items: IDataObject[] | null) => (items ?? []).map((i) => i.messageId);
const newestTime = (jid: string) => {
	const messages = env.emu.getRoom(jid)!.messages;
	return messages.length ? messages[messages.length - 1].dateCreated.getTime() : 0;
};

describe('Genesys Chat Trigger: description', () => {
	it('is a polling trigger of the package with the contract events and fields', () => {
		const type = env.pkg.nodeTypes.getByNameAndVersion(env.pkg.nodeTypeName(NODE_TYPE));
		const d = type.description;
		expect(typeof type.poll).toBe('function');
		expect(d.displayName).toBe('Genesys Chat Trigger');
		expect(d.polling).toBe(true);
		expect(d.credentials).toEqual([{ name: 'genesysCloudOAuth2Api', required: true }]);
		const event = d.properties.find((p) => p.name === 'event')!;
		expect(event.default).toBe('newMessageAnyChat');
		expect((event.options as Array<{ value: string }>).map((o) => o.value).sort()).toEqual([
			'newMessageAnyChat',
			'newOneOnOneMessage',
			'newRoomMessage',
		]);
		expect(d.properties.map((p) => p.name)).toEqual(
			expect.arrayContaining(['roomJids', 'userIds', 'options']),
		);
	});
});

describe('New Message in Any Chat', () => {
	it('seeds without emitting old messages, then emits new room and 1:1 messages with their chat and count; idle is one request', async () => {
		const { me, other, third } = env;
		const room = env.emu.createRoom(other.id, 'Trigger room', [me.id, third.id]);
		await send(other.id, { roomJid: room }, 3, 'old');
		await send(third.id, { userId: me.id }, 2, 'old dm');
		const t = trigger({ event: 'newMessageAnyChat' });
		const seed = await t.poll();
		expect(seed.error).toBeUndefined();
		expect(seed.items).toBeNull();

		const inRoom = await send(other.id, { roomJid: room }, 2, 'room');
		const mine = await send(me.id, { roomJid: room }, 1, 'mine');
		const direct = await send(third.id, { userId: me.id }, 3, 'dm');
		const { items } = await t.poll();
		expect(ids(items)).toEqual([...inRoom, ...direct]);
		expect(ids(items)).not.toContain(mine[0]);
		expect(items![0]).toMatchObject({
			messageId: inRoom[0],
			chatType: 'room',
			chatId: room,
			text: 'room 1',
			senderId: other.id,
			newMessagesInChat: 2,
		});
		expect(items![0].createdAt).toBe(env.emu.messageJson(inRoom[0])!.dateCreated);
		expect(items![2]).toMatchObject({
			messageId: direct[0],
			chatType: 'oneOnOne',
			chatId: third.id,
			text: 'dm 1',
			senderId: third.id,
			newMessagesInChat: 3,
		});

		const { result: idle, requests } = await requestsDuring(async () => await t.poll());
		expect(idle.items).toBeNull();
		expect(requests).toEqual([{ method: 'GET', url: '/api/v2/users/chats/me' }]);
	});

	it('emits the messages of a chat that appears after the seed, and includes own messages when asked', async () => {
		const { me, other, fourth } = env;
		const t = trigger({ event: 'newMessageAnyChat', options: { includeOwnMessages: true } });
		await t.poll();
		const room = env.emu.createRoom(fourth.id, 'Late room', [me.id]);
		const theirs = await send(fourth.id, { roomJid: room }, 2, 'late');
		const mine = await send(me.id, { userId: other.id }, 1, 'mine');
		const { items } = await t.poll();
		expect(ids(items)).toEqual([...theirs, ...mine]);
	});

	it('keeps messages that share a timestamp: none lost, none repeated, across polls and pages', async () => {
		const { me, other } = env;
		const room = env.emu.createRoom(other.id, 'Ties', [me.id]);
		const t = trigger({ event: 'newRoomMessage', roomJids: room });
		await send(other.id, { roomJid: room }, 1, 'before');
		await t.poll();
		const at = Math.max(Date.now(), newestTime(room) + 1);
		const first = env.emu
			.addRoomMessages(room, other.id, 30, { start: new Date(at), stepMs: 0 })
			.map((m) => m.id);
		expect(ids((await t.poll()).items)).toEqual(first);
		// More messages with the very same timestamp: dateLastMessage does not move, so they are
		// picked up with the next message of the chat (read from 1 ms before the watermark, the
		// 30 already emitted skipped by id).
		const second = env.emu
			.addRoomMessages(room, other.id, 5, { start: new Date(at), stepMs: 0 })
			.map((m) => m.id);
		expect((await t.poll()).items).toBeNull();
		while (Date.now() <= at + 1) await new Promise((resolve) => setTimeout(resolve, 2));
		const later = await send(other.id, { roomJid: room }, 1, 'later');
		const { items } = await t.poll();
		expect(new Set(ids(items))).toEqual(new Set([...second, ...later]));
		expect(items).toHaveLength(6);
		// A history longer than a page (150 messages): walked forwards page by page.
		const many = await send(other.id, { roomJid: room }, 150, 'many');
		const { result, requests } = await requestsDuring(async () => await t.poll());
		expect(ids(result.items)).toEqual(many);
		expect(result.items!.every((i) => i.newMessagesInChat === 150)).toBe(true);
		expect(requests.filter((r) => r.url.includes('/messages')).length).toBe(2);
	});
});

describe('New Room Message / New 1:1 Message', () => {
	it('watches only the chosen rooms', async () => {
		const { me, other } = env;
		const watched = env.emu.createRoom(other.id, 'Watched', [me.id]);
		const ignored = env.emu.createRoom(other.id, 'Ignored', [me.id]);
		const t = trigger({ event: 'newRoomMessage', roomJids: watched });
		await t.poll();
		await send(other.id, { roomJid: ignored }, 2);
		const sent = await send(other.id, { roomJid: watched }, 2);
		expect(ids((await t.poll()).items)).toEqual(sent);
		const missing = await trigger({ event: 'newRoomMessage', roomJids: '' }).poll();
		expect(missing.error?.message).toMatch(/Room JIDs are required/);
	});

	it('watches only the 1:1 chats with the chosen users', async () => {
		const { me, other, third } = env;
		const t = trigger({ event: 'newOneOnOneMessage', userIds: other.id });
		await t.poll();
		await send(third.id, { userId: me.id }, 2);
		const sent = await send(other.id, { userId: me.id }, 2);
		const { items } = await t.poll();
		expect(ids(items)).toEqual(sent);
		expect(items![0]).toMatchObject({
			chatType: 'oneOnOne',
			chatId: other.id,
			senderId: other.id,
			newMessagesInChat: 2,
		});
		const invalid = await trigger({ event: 'newOneOnOneMessage', userIds: 'not-a-guid' }).poll();
		expect(invalid.error?.message).toMatch(/Invalid value for "User IDs"/);
	});
});

describe('state and failures', () => {
	it('refuses a client-credentials credential before any request, naming the grant it needs', async () => {
		const t = trigger({ event: 'newMessageAnyChat' }, clientCredential(env));
		const { result, requests } = await requestsDuring(async () => await t.poll());
		expect(result.error?.message).toMatch(
			/needs a credential with the Authorization Code or PKCE grant/,
		);
		expect(requests).toEqual([]);
	});

	it('needs nothing saved after a poll that returned null, and Fetch Test Event does not move the cursor', async () => {
		const { me, other } = env;
		const room = env.emu.createRoom(other.id, 'Null polls', [me.id]);
		const t = trigger({ event: 'newRoomMessage', roomJids: room });
		await t.poll();
		const saved = JSON.stringify(t.saved);
		await send(me.id, { roomJid: room }, 2, 'own only');
		expect((await t.poll()).items).toBeNull();
		expect(JSON.stringify(t.saved)).toBe(saved);
		t.restart();
		const theirs = await send(other.id, { roomJid: room }, 2, 'after restart');
		const sample = await t.manual();
		expect(ids(sample.items)).toEqual([theirs[1]]);
		expect(JSON.stringify(sample.staticData)).toBe(saved);
		expect(ids((await t.poll()).items)).toEqual(theirs);
		t.restart();
		expect((await t.poll()).items).toBeNull();
		expect(JSON.stringify(t.saved).length).toBeLessThan(400);
	});

	it.each([
		['a 500', { kind: 'status' as const, status: 500 }, /Genesys Cloud error 500/],
		[
			'a 429 after every retry',
			{ kind: 'status' as const, status: 429, retryAfter: 0, times: 6 },
			/Genesys Cloud error 429/,
		],
		[
			'a 401 that renewed tokens do not cure (a request renews at most twice)',
			{ kind: 'status' as const, status: 401, times: 3 },
			/Genesys Cloud error 401/,
		],
		// Back-off 1 + 2 + 4 + 8 + 16 s: the slowest test here.
		[
			'a connection dropped on every retry',
			{ kind: 'drop' as const, times: 6 },
			/connection to the server was closed|could not be reached/,
		],
	])(
		'%s throws a NodeApiError and leaves the cursor, so the next poll emits everything',
		async (_name, fault, message) => {
			const { me, other } = env;
			const room = env.emu.createRoom(other.id, 'Failures', [me.id]);
			const t = trigger({ event: 'newRoomMessage', roomJids: room });
			await t.poll();
			await send(other.id, { roomJid: room }, 1);
			await t.poll();
			const before = t.current;
			const sent = await send(other.id, { roomJid: room }, 3, 'pending');
			env.emu.injectFault({ ...fault, match: { path: /\/messages$/ } });
			const failed = await t.poll();
			expect(failed.error?.constructor.name).toBe('NodeApiError');
			expect(failed.error?.message).toMatch(message);
			expect(t.current).toEqual(before);
			const next = await t.poll();
			expect(next.error).toBeUndefined();
			expect(ids(next.items)).toEqual(sent);
		},
		60_000,
	);
});

describe('many chats', () => {
	it('walks users/chats/me as its row pages it: every page, each asked for with the after key of the previous nextUri', async () => {
		const LISTING = '/api/v2/users/chats/me';
		// A user of its own, and pages of 2 (the page size is the service's): 5 chats are 3 pages.
		const pager = env.emu.addUser('Kim Pager');
		const credential = userCredential(env, pager.id).ref;
		const start = new Date(Date.now() - 60_000);
		const rooms = Array.from({ length: 5 }, (_, i) => {
			const jid = env.emu.createRoom(env.other.id, `Paged ${i}`, [pager.id]);
			env.emu.addRoomMessages(jid, env.other.id, 1, { start });
			return jid;
		});
		env.emu.setChatsPageSize(2);
		try {
			const t = trigger({ event: 'newMessageAnyChat' }, credential);
			expect((await t.poll()).items).toBeNull();
			const sent = [
				...(await send(env.other.id, { roomJid: rooms[0] }, 1, 'first room')),
				...(await send(env.other.id, { roomJid: rooms[4] }, 2, 'last room')),
			];
			const mark = env.responses.length;
			const { result, requests } = await requestsDuring(async () => await t.poll());
			expect(ids(result.items)).toEqual(sent);
			const listing = requests.filter((r) => r.url.startsWith(LISTING)).map((r) => r.url);
			const answers = env.responses
				.slice(mark)
				.filter((r) => r.rawPath === LISTING)
				.map((r) => JSON.parse(r.body) as IDataObject);
			expect(answers.map((a) => (a.entities as IDataObject[]).length)).toEqual([2, 2, 1]);
			expect(listing).toEqual([LISTING, answers[0].nextUri, answers[1].nextUri]);
			expect(listing[1]).toMatch(/^\/api\/v2\/users\/chats\/me\?after=[^&]+$/);
			expect(answers[2].nextUri).toBeUndefined();
			// Idle: the listing's pages only, nothing emitted.
			const idle = await requestsDuring(async () => await t.poll());
			expect(idle.result.items).toBeNull();
			expect(idle.requests.map((r) => r.url)).toEqual(listing);
		} finally {
			env.emu.setChatsPageSize(undefined);
		}
	});

	// Last in this file: it leaves the user in more than one page of chats.
	it('follows nextUri through every page of users/chats/me', async () => {
		const { me, other } = env;
		const t = trigger({ event: 'newMessageAnyChat' });
		const rooms = Array.from({ length: 110 }, (_, i) =>
			env.emu.createRoom(other.id, `Crowd ${i}`, [me.id]),
		);
		await t.poll();
		const sent = [
			...(await send(other.id, { roomJid: rooms[0] }, 1, 'first')),
			...(await send(other.id, { roomJid: rooms[109] }, 1, 'last')),
		];
		const { result, requests } = await requestsDuring(async () => await t.poll());
		expect(ids(result.items)).toEqual(sent);
		expect(
			requests.filter((r) => r.url.startsWith('/api/v2/users/chats/me')).map((r) => r.url),
		).toEqual([
			'/api/v2/users/chats/me',
			expect.stringMatching(/^\/api\/v2\/users\/chats\/me\?after=/),
		]);
		expect((await t.poll()).items).toBeNull();
	});
});

describe('picked rooms and users (version 2) and the text fields of saved workflows (version 1)', () => {
	const pick = async (method: string, filter: string | undefined, path: string) =>
		await listSearch({
			pkg: env.pkg,
			store: env.store,
			nodeType: NODE_TYPE,
			method,
			credentials: { genesysCloudOAuth2Api: env.userCred },
			filter,
			path,
		});

	it("version 2 watches two rooms, one picked From List (the trigger's own list search) and one By ID", async () => {
		const { me, other } = env;
		const listed = env.emu.createRoom(other.id, 'Picked room from list', [me.id]);
		const byId = env.emu.createRoom(other.id, 'Picked room by ID', [me.id]);
		const ignored = env.emu.createRoom(other.id, 'Picked room never', [me.id]);
		const page = await pick(
			'searchRooms',
			'Picked room from list',
			'parameters.rooms.values[0].id',
		);
		expect(page.results).toEqual([{ name: 'Picked room from list', value: listed }]);
		const t = trigger(
			{
				event: 'newRoomMessage',
				rooms: {
					values: [
						{ id: rl(String(page.results[0].value), 'list', 'Picked room from list') },
						{ id: rl(byId) },
					],
				},
			},
			env.userCred,
			2,
		);
		expect((await t.poll()).items).toBeNull();
		await send(other.id, { roomJid: ignored }, 2);
		const sentListed = await send(other.id, { roomJid: listed }, 1);
		const sentById = await send(other.id, { roomJid: byId }, 2);
		const { items, error } = await t.poll();
		expect(error).toBeUndefined();
		expect(ids(items).sort()).toEqual([...sentListed, ...sentById].sort());
		const none = await trigger({ event: 'newRoomMessage', rooms: {} }, env.userCred, 2).poll();
		expect(none.error?.message).toMatch(/Room JIDs are required/);
	});

	it('version 2 watches the 1:1 chats of users picked From List and By URL, and checks a picked ID before any request', async () => {
		const { me, other, third, fourth } = env;
		await send(other.id, { userId: me.id }, 1, 'hello');
		const page = await pick('searchChatPartners', undefined, 'parameters.users.values[0].id');
		// the partner with their directory profile, as the action node's picker shows them
		expect(page.results).toContainEqual({
			name: expect.stringMatching(new RegExp(`^${other.name} \\(.+@.+\\)$`)),
			value: other.id,
		});
		const users = {
			values: [
				{ id: rl(other.id, 'list', other.name) },
				{ id: rl(`https://apps.mypurecloud.com/directory/#/person/${third.id}`, 'url') },
			],
		};
		const t = trigger({ event: 'newOneOnOneMessage', users }, env.userCred, 2);
		await t.poll();
		await send(fourth.id, { userId: me.id }, 1);
		const fromOther = await send(other.id, { userId: me.id }, 1);
		const fromThird = await send(third.id, { userId: me.id }, 1);
		const { items } = await t.poll();
		expect(ids(items).sort()).toEqual([...fromOther, ...fromThird].sort());
		const mark = env.emu.apiRequests().length;
		const invalid = await trigger(
			{ event: 'newOneOnOneMessage', users: { values: [{ id: rl('not-a-guid') }] } },
			env.userCred,
			2,
		).poll();
		expect(invalid.error?.message).toMatch(/Invalid value for "User IDs"/);
		expect(env.emu.apiRequests().slice(mark)).toEqual([]);
	});

	it('version 1 (a saved workflow) reads its comma-separated Room JIDs as before', async () => {
		const { me, other } = env;
		const a = env.emu.createRoom(other.id, 'Saved room A', [me.id]);
		const b = env.emu.createRoom(other.id, 'Saved room B', [me.id]);
		const t = trigger({ event: 'newRoomMessage', roomJids: `${a}, ${b}` }, env.userCred, 1);
		await t.poll();
		const sent = [
			...(await send(other.id, { roomJid: a }, 1)),
			...(await send(other.id, { roomJid: b }, 1)),
		];
		expect(ids((await t.poll()).items).sort()).toEqual(sent.sort());
	});
});
