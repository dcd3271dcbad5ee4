/**
 * Itslearning Instant Message Trigger through n8n-core's PollContext, over real HTTP to the
 * itslearning emulator: every event, own-message filtering, mark-as-read, idle polls, the test
 * event, the first-poll seed, failed polls and n8n's save behaviour (test/triggers/helpers.ts).
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { listSearch, rl } from '../editor/helpers';
import { CREDENTIAL_TYPE, startSite, type Site } from '../itslearning/setup';
import { TriggerInstance } from './helpers';

const NODE_TYPE = 'itslearningInstantMessageTrigger';
const API = '/restapi/personal/instantmessages';

let site: Site;
beforeAll(async () => {
	site = await startSite();
});
afterAll(async () => {
	await site?.close();
});
afterEach(() => {
	site.emu.clearFaults();
	site.emu.setChaos(undefined);
});

function trigger(parameters: INodeParameters, as = site.me, typeVersion?: number): TriggerInstance {
	return new TriggerInstance({
		pkg: site.pkg,
		store: site.store,
		nodeType: NODE_TYPE,
		parameters,
		credentials: { itslearningOAuth2Api: as.ref },
		typeVersion,
	});
}

/** API requests the emulator received while `fn` ran. */
async function requestsDuring<T>(
	fn: () => Promise<T>,
): Promise<{ result: T; requests: Array<{ method: string; url: string }> }> {
	const mark = site.emu.apiRequests().length;
	const result = await fn();
	return {
		result,
		requests: site.emu
			.apiRequests()
			.slice(mark)
			.map((r) => ({ method: r.method, url: r.url })),
	};
}

const ids = (items: IDataObject[] | null) => (items ?? []).map((i) => i.messageId);

describe('Itslearning Instant Message Trigger: description', () => {
	it('is a polling trigger of the package with the contract events and options', () => {
		const type = site.pkg.nodeTypes.getByNameAndVersion(site.pkg.nodeTypeName(NODE_TYPE));
		const d = type.description;
		expect(typeof type.poll).toBe('function');
		expect(d.displayName).toBe('itslearning Instant Message Trigger');
		expect(d.polling).toBe(true);
		expect(d.inputs).toEqual([]);
		expect(d.credentials).toEqual([{ name: 'itslearningOAuth2Api', required: true }]);
		const event = d.properties.find((p) => p.name === 'event')!;
		expect(event.default).toBe('newMessage');
		expect((event.options as Array<{ value: string }>).map((o) => o.value).sort()).toEqual(
			[
				'newMessage',
				'starredCountChanged',
				'threadUnreadCountChanged',
				'unreadCountChanged',
			].sort(),
		);
		const options = d.properties.find((p) => p.name === 'options')!;
		expect((options.options as Array<{ name: string }>).map((o) => o.name).sort()).toEqual([
			'includeOwnMessages',
			'markAsRead',
		]);
		expect(d.properties.filter((p) => p.name === 'threadIds').length).toBe(2);
	});
});

describe('New Message', () => {
	it('seeds on the first poll without emitting old messages, then emits every new message once with its thread and sender', async () => {
		const a = site.emu.createThread(2, [1, 3], 'Seed group A');
		const b = site.emu.createThread(3, [1], 'Seed group B');
		site.emu.addMessages(a.InstantMessageThreadId, 2, 5, 'old');
		const t = trigger({ event: 'newMessage' });

		const first = await t.poll();
		expect(first.error).toBeUndefined();
		expect(first.items).toBeNull();
		expect(t.saved.messageCursor).toBeDefined();

		const sentA = site.emu.addMessages(a.InstantMessageThreadId, 2, 3, 'hello A');
		const sentB = site.emu.addMessages(b.InstantMessageThreadId, 3, 2, 'hello B');
		const own = site.emu.addMessages(b.InstantMessageThreadId, 1, 1, 'mine');
		const second = await t.poll();
		expect(second.error).toBeUndefined();
		expect(ids(second.items)).toEqual([...sentA, ...sentB].map((m) => m.MessageId));
		expect(ids(second.items)).not.toContain(own[0].MessageId);
		const firstItem = second.items![0];
		expect(firstItem).toMatchObject({
			messageId: sentA[0].MessageId,
			chatId: a.InstantMessageThreadId,
			chatType: 'thread',
			chatName: 'Seed group A',
			text: 'hello A 1',
			senderId: 2,
			senderName: 'Alan Turing',
			createdAt: sentA[0].Created,
			isEdited: false,
			threadUnreadCount: 8,
		});
		const bItem = second.items!.find((i) => i.chatId === b.InstantMessageThreadId)!;
		expect(bItem).toMatchObject({ senderId: 3, senderName: 'Grace Hopper', threadUnreadCount: 2 });
		// B's unread count counts Grace's two messages, not the user's own.
		expect(bItem.threadUnreadCount).toBe(site.emu.unreadCount(1, b.InstantMessageThreadId));

		const { result: idle, requests } = await requestsDuring(async () => await t.poll());
		expect(idle.items).toBeNull();
		expect(requests).toHaveLength(1);
		expect(requests[0].url).toBe(`${API}/messagethreads/v3?pageSize=1`);
	});

	it('includes own messages when asked, and filters by thread IDs', async () => {
		const a = site.emu.createThread(2, [1], 'Filter A');
		const b = site.emu.createThread(2, [1], 'Filter B');
		const t = trigger({
			event: 'newMessage',
			threadIds: `${b.InstantMessageThreadId}`,
			options: { includeOwnMessages: true },
		});
		expect((await t.poll()).items).toBeNull();
		site.emu.addMessages(a.InstantMessageThreadId, 2, 2, 'not watched');
		const theirs = site.emu.addMessages(b.InstantMessageThreadId, 2, 1, 'theirs');
		const mine = site.emu.addMessages(b.InstantMessageThreadId, 1, 1, 'mine');
		const { items } = await t.poll();
		expect(ids(items)).toEqual([theirs[0].MessageId, mine[0].MessageId]);
		expect(items!.map((i) => i.isOwnMessage)).toEqual([false, true]);
	});

	it('marks the thread as read after emitting when asked (updateLastRead up to the newest message)', async () => {
		const a = site.emu.createThread(4, [1], 'Mark read');
		const t = trigger({
			event: 'newMessage',
			threadIds: String(a.InstantMessageThreadId),
			options: { markAsRead: true },
		});
		await t.poll();
		const sent = site.emu.addMessages(a.InstantMessageThreadId, 4, 3, 'read me');
		expect(site.emu.unreadCount(1, a.InstantMessageThreadId)).toBe(3);
		const { result, requests } = await requestsDuring(async () => await t.poll());
		expect(ids(result.items)).toEqual(sent.map((m) => m.MessageId));
		expect(result.items!.every((i) => i.threadUnreadCount === 3 && i.markedAsRead === true)).toBe(
			true,
		);
		expect(requests.filter((r) => r.method === 'PUT').map((r) => r.url)).toEqual([
			`${API}/messagethreads/${a.InstantMessageThreadId}/updatelastread/${sent[2].MessageId}/v1`,
		]);
		expect(site.emu.unreadCount(1, a.InstantMessageThreadId)).toBe(0);
	});

	it('walks every page of a busy thread and every page of changed threads', async () => {
		const big = site.emu.createThread(2, [1], 'Busy');
		const t = trigger({ event: 'newMessage' });
		await t.poll();
		const many = site.emu.addMessages(big.InstantMessageThreadId, 2, 250, 'burst');
		// 120 threads with one new message each: more than one page of threads.
		const spread = Array.from(
			{ length: 120 },
			(_, i) =>
				site.emu.addMessages(
					site.emu.createThread(3, [1], `Spread ${i}`).InstantMessageThreadId,
					3,
					1,
					'one',
				)[0],
		);
		const { items } = await t.poll();
		const expected = [...many, ...spread].map((m) => m.MessageId);
		expect(ids(items)).toEqual(expected);
		// The cursor stays small: a watermark and the threads read past it, pruned on the next consistent poll.
		site.emu.addMessages(big.InstantMessageThreadId, 2, 1, 'after');
		const next = await t.poll();
		expect(next.items).toHaveLength(1);
		const cursor = t.saved.messageCursor as IDataObject;
		expect(Object.keys(cursor.threads as IDataObject).length).toBeLessThanOrEqual(1);
		expect(JSON.stringify(t.saved).length).toBeLessThan(300);
	});

	it('needs nothing saved after a poll that returned null: a restart re-reads and neither loses nor repeats', async () => {
		const a = site.emu.createThread(2, [1], 'Null poll');
		const t = trigger({ event: 'newMessage', threadIds: String(a.InstantMessageThreadId) });
		await t.poll();
		const savedBefore = JSON.stringify(t.saved);
		site.emu.addMessages(a.InstantMessageThreadId, 1, 2, 'own only'); // filtered: the poll returns null
		expect((await t.poll()).items).toBeNull();
		expect(JSON.stringify(t.saved)).toBe(savedBefore); // n8n did not save that poll
		t.restart();
		const theirs = site.emu.addMessages(a.InstantMessageThreadId, 2, 2, 'after restart');
		const { items, activation } = await t.poll();
		expect(activation).toBe(true);
		expect(ids(items)).toEqual(theirs.map((m) => m.MessageId));
		t.restart();
		expect((await t.poll()).items).toBeNull();
	});

	it('Fetch Test Event returns the newest message and leaves the saved cursor as it was', async () => {
		const a = site.emu.createThread(2, [1], 'Manual');
		const t = trigger({ event: 'newMessage', threadIds: String(a.InstantMessageThreadId) });
		const nothing = await t.manual();
		expect(nothing.items).toBeNull();
		await t.poll();
		const saved = JSON.stringify(t.saved);
		const sent = site.emu.addMessages(a.InstantMessageThreadId, 2, 3, 'sample');
		const { items, staticData } = await t.manual();
		expect(ids(items)).toEqual([sent[2].MessageId]);
		expect(JSON.stringify(staticData)).toBe(saved);
		expect(JSON.stringify(t.saved)).toBe(saved);
		// The production poll still emits all three.
		expect(ids((await t.poll()).items)).toEqual(sent.map((m) => m.MessageId));
	});

	it('runs one poll at a time per trigger: an overlapping poll returns null and nothing is emitted twice', async () => {
		const a = site.emu.createThread(2, [1], 'Overlap');
		const t = trigger({ event: 'newMessage', threadIds: String(a.InstantMessageThreadId) });
		await t.poll();
		const sent = site.emu.addMessages(a.InstantMessageThreadId, 2, 4, 'overlap');
		site.emu.injectFault({ kind: 'delay', delayMs: 300, match: { method: 'GET' } });
		const [x, y] = await Promise.all([t.poll(), t.poll()]);
		expect([...ids(x.items), ...ids(y.items)]).toEqual(sent.map((m) => m.MessageId));
		expect([x.items, y.items].filter((i) => i === null)).toHaveLength(1);
	});
});

describe('failed polls', () => {
	async function seeded(): Promise<{ t: TriggerInstance; threadId: number }> {
		const a = site.emu.createThread(2, [1], 'Failures');
		const t = trigger({ event: 'newMessage', threadIds: String(a.InstantMessageThreadId) });
		await t.poll();
		return { t, threadId: a.InstantMessageThreadId };
	}

	it.each([
		['a 500', { kind: 'status' as const, status: 500 }, /itslearning error 500/, /messagethreads/],
		[
			'a 429 after every retry',
			{ kind: 'status' as const, status: 429, retryAfter: 0, times: 6 },
			/itslearning error 429/,
			/after 5 retries/,
		],
		[
			'a 503 after every retry',
			{ kind: 'status' as const, status: 503, retryAfter: 0, times: 6 },
			/itslearning error 503/,
			/after 5 retries/,
		],
		[
			'a 401 that renewed tokens do not cure (a request renews at most twice)',
			{ kind: 'status' as const, status: 401, times: 3 },
			/itslearning error 401/,
			/token was refused|Reconnect/i,
		],
	])(
		'%s throws a NodeApiError and leaves the cursor, so the next poll emits everything',
		async (_name, fault, message, detail) => {
			const { t, threadId } = await seeded();
			const sent = site.emu.addMessages(threadId, 2, 3, 'pending');
			await t.poll(); // emits
			const before = t.current;
			const more = site.emu.addMessages(threadId, 2, 2, 'more');
			site.emu.injectFault({ ...fault, match: { path: /messagethreads/ } });
			const failed = await t.poll();
			expect(failed.error?.constructor.name).toBe('NodeApiError');
			expect(failed.error?.message).toMatch(message);
			expect((failed.error as Error & { description?: string }).description).toMatch(detail);
			expect(t.current).toEqual(before);
			const next = await t.poll();
			expect(next.error).toBeUndefined();
			expect(ids(next.items)).toEqual(more.map((m) => m.MessageId));
			expect(sent).toHaveLength(3);
		},
	);
});

describe('count events', () => {
	it('Unread Count Changed emits previous, current and change; idle is one request', async () => {
		const t = trigger({ event: 'unreadCountChanged' });
		expect((await t.poll()).items).toBeNull();
		const start = site.emu.unreadThreadsCount(1);
		const thread = site.emu.createThread(5, [1], 'Unread count');
		site.emu.addMessages(thread.InstantMessageThreadId, 5, 2, 'unread');
		expect((await t.poll()).items).toEqual([{ previous: start, current: start + 1, change: 1 }]);
		const { result, requests } = await requestsDuring(async () => await t.poll());
		expect(result.items).toBeNull();
		expect(requests.map((r) => r.url)).toEqual([`${API}/messagethreads/unread/count/v1`]);
		thread.LastRead.set(1, thread.MessageIds[thread.MessageIds.length - 1]);
		expect((await t.poll()).items).toEqual([{ previous: start + 1, current: start, change: -1 }]);
		const manual = await t.manual();
		expect(manual.items).toEqual([{ previous: start, current: start, change: 0 }]);
	});

	it('Starred Count Changed follows the starred messages count', async () => {
		const t = trigger({ event: 'starredCountChanged' });
		await t.poll();
		const thread = site.emu.createThread(2, [1], 'Stars');
		const [m] = site.emu.addMessages(thread.InstantMessageThreadId, 2, 1, 'star me');
		const before = (t.saved.starredCursor as IDataObject).count as number;
		site.emu.getMessage(m.MessageId)!.StarredBy.add(1);
		expect((await t.poll()).items).toEqual([{ previous: before, current: before + 1, change: 1 }]);
		expect((await t.poll()).items).toBeNull();
	});

	it('Thread Unread Count Changed reports each chosen thread that changed, and needs thread IDs', async () => {
		const a = site.emu.createThread(2, [1], 'Count A');
		const b = site.emu.createThread(3, [1], 'Count B');
		const t = trigger({
			event: 'threadUnreadCountChanged',
			threadIds: `${a.InstantMessageThreadId}, ${b.InstantMessageThreadId}`,
		});
		expect((await t.poll()).items).toBeNull();
		site.emu.addMessages(b.InstantMessageThreadId, 3, 4, 'b');
		expect((await t.poll()).items).toEqual([
			{ threadId: b.InstantMessageThreadId, previous: 0, current: 4, change: 4 },
		]);
		expect((await t.poll()).items).toBeNull();

		const missing = await trigger({ event: 'threadUnreadCountChanged', threadIds: '' }).poll();
		expect(missing.error?.message).toMatch(/Thread IDs are required/);
		const invalid = await trigger({ event: 'threadUnreadCountChanged', threadIds: '12abc' }).poll();
		expect(invalid.error?.message).toMatch(/Invalid value for "Thread IDs"/);
	});
});

describe('picked threads (version 2) and the text field of saved workflows (version 1)', () => {
	it("version 2 watches two threads, one picked From List (the trigger's own list search) and one By ID", async () => {
		const a = site.emu.createThread(2, [1], 'Picked from list');
		const b = site.emu.createThread(3, [1], 'Picked by ID');
		const c = site.emu.createThread(2, [1], 'Not picked');
		const page = await listSearch({
			pkg: site.pkg,
			store: site.store,
			nodeType: NODE_TYPE,
			method: 'searchThreads',
			credentials: { [CREDENTIAL_TYPE]: site.me.ref },
			filter: 'Picked from list',
			path: 'parameters.threads.values[0].id',
		});
		expect(page.results).toEqual([
			{ name: 'Picked from list', value: String(a.InstantMessageThreadId) },
		]);
		const threads = {
			values: [
				{ id: rl(String(page.results[0].value), 'list', 'Picked from list') },
				{ id: rl(String(b.InstantMessageThreadId)) },
			],
		};
		const t = trigger({ event: 'newMessage', threads }, site.me, 2);
		expect((await t.poll()).items).toBeNull();
		site.emu.addMessages(c.InstantMessageThreadId, 2, 2, 'not watched');
		const sentA = site.emu.addMessages(a.InstantMessageThreadId, 2, 2, 'from list');
		const sentB = site.emu.addMessages(b.InstantMessageThreadId, 3, 1, 'by id');
		const { items, error } = await t.poll();
		expect(error).toBeUndefined();
		expect(ids(items)).toEqual([...sentA, ...sentB].map((m) => m.MessageId));

		const counts = trigger({ event: 'threadUnreadCountChanged', threads }, site.me, 2);
		expect((await counts.poll()).items).toBeNull();
		site.emu.addMessages(b.InstantMessageThreadId, 3, 2, 'b');
		site.emu.addMessages(c.InstantMessageThreadId, 2, 1, 'c');
		expect((await counts.poll()).items).toEqual([
			{ threadId: b.InstantMessageThreadId, previous: 1, current: 3, change: 2 },
		]);
		const none = await trigger(
			{ event: 'threadUnreadCountChanged', threads: {} },
			site.me,
			2,
		).poll();
		expect(none.error?.message).toMatch(/Thread IDs are required/);
	});

	it('version 2 keeps an int64 thread ID exact and checks a picked ID before any request', async () => {
		const big = '9223372036854775807';
		const { requests } = await requestsDuring(
			async () =>
				await trigger(
					{ event: 'threadUnreadCountChanged', threads: { values: [{ id: rl(big) }] } },
					site.me,
					2,
				).poll(),
		);
		expect(requests.map((r) => r.url)).toContain(`${API}/messagethreads/${big}/unread/count/v1`);
		const { result: invalid, requests: none } = await requestsDuring(
			async () =>
				await trigger(
					{ event: 'newMessage', threads: { values: [{ id: rl('12abc') }] } },
					site.me,
					2,
				).poll(),
		);
		expect(invalid.error?.message).toMatch(/Invalid value for "Thread IDs"/);
		expect(none).toEqual([]);
	});

	it('version 1 (a saved workflow) reads its comma-separated Thread IDs as before', async () => {
		const a = site.emu.createThread(2, [1], 'Saved A');
		const b = site.emu.createThread(3, [1], 'Saved B');
		const t = trigger(
			{
				event: 'newMessage',
				threadIds: `${a.InstantMessageThreadId}, ${b.InstantMessageThreadId}`,
			},
			site.me,
			1,
		);
		expect((await t.poll()).items).toBeNull();
		const sentA = site.emu.addMessages(a.InstantMessageThreadId, 2, 1, 'a');
		const sentB = site.emu.addMessages(b.InstantMessageThreadId, 3, 1, 'b');
		expect(ids((await t.poll()).items)).toEqual([...sentA, ...sentB].map((m) => m.MessageId));
	});
});
