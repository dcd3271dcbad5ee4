/**
 * Genesys Chat behaviour through n8n-core against the emulator: a room's life (create, join, send,
 * history with Return All and Limit, edit, pin, react, delete), history paging with equal
 * timestamps, date inputs, and the validations that must stop a call before anything is sent.
 */
import type { IDataObject, INodeParameters, IWorkflowSettings } from 'n8n-workflow';

import type { RecordedRequest } from '../emulator/core';
import type { StoredMessage } from '../emulator/genesys';
import { capture, expectedRawPath, jsonOf, run, select, specOf, useGenesys } from './setup';

const env = useGenesys();

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;

/** The `before`/`limit`/`after` query values of history requests, in order. */
const queryOf = (requests: RecordedRequest[], name: string) =>
	requests.map((r) => r.queryPairs.find(([k]) => k === name)?.[1]);

const byDateThenOrder = (items: IDataObject[]) =>
	items.map((m) => Date.parse(String(m.dateCreated)));

function expectOldestFirst(items: IDataObject[]) {
	const times = byDateThenOrder(items);
	for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]);
}

function expectEachOnce(items: IDataObject[], expectedIds: string[]) {
	const got = items.map((m) => String(m.id));
	expect(new Set(got).size).toBe(got.length);
	expect(new Set(got)).toEqual(new Set(expectedIds));
	expect(got).toHaveLength(expectedIds.length);
}

/** Room messages as the emulator holds them, oldest first (its own order: date, then creation). */
const roomIds = (jid: string) => env.emu.getRoom(jid)!.messages.map((m) => m.id);

describe('a room from creation to deletion of a message', () => {
	let jid: string;
	let kickOffId: string;
	let seeded: StoredMessage[];

	it('creates a room', async () => {
		const { result, requests } = await capture(env, () =>
			run(env, {
				...select('postChatsRooms'),
				subject: 'Release 7',
				additionalFields: { description: 'Go/no-go' },
			}),
		);
		expect(result.error).toBeUndefined();
		expect(requests).toHaveLength(1);
		expect(requests[0]).toMatchObject({
			method: 'POST',
			rawPath: '/api/v2/chats/rooms',
			body: { subject: 'Release 7', description: 'Go/no-go' },
		});
		const items = jsonOf(result);
		expect(items).toEqual([{ jid: expect.any(String) }]);
		jid = String(items[0].jid);
		expect(env.emu.getRoom(jid)).toMatchObject({
			subject: 'Release 7',
			description: 'Go/no-go',
			ownerIds: [env.me.id],
			participantIds: [env.me.id],
		});
	});

	it('adds a participant (join)', async () => {
		const { result, requests } = await capture(env, () =>
			run(env, { ...select('postChatsRoomParticipant'), roomJid: jid, userId: env.other.id }),
		);
		expect(result.error).toBeUndefined();
		expect(requests.map((r) => [r.method, r.rawPath, r.body])).toEqual([
			[
				'POST',
				expectedRawPath(specOf('postChatsRoomParticipant'), { roomJid: jid, userId: env.other.id }),
				undefined,
			],
		]);
		expect(requests[0].rawPath).toContain('%40conference.');
		expect(jsonOf(result)).toEqual([{ success: true, roomJid: jid, userId: env.other.id }]);
		expect(env.emu.getRoom(jid)!.participantIds).toEqual([env.me.id, env.other.id]);
	});

	it('sends a message', async () => {
		const { result, requests } = await capture(env, () =>
			run(env, {
				...select('postChatsRoomMessages'),
				roomJid: jid,
				message: 'Kick-off at 10:00',
				additionalFields: { mentions: env.other.id },
			}),
		);
		expect(result.error).toBeUndefined();
		expect(requests).toHaveLength(1);
		expect(requests[0]).toMatchObject({
			method: 'POST',
			body: { message: 'Kick-off at 10:00', mentions: [env.other.id] },
		});
		const items = jsonOf(result);
		expect(items).toEqual([{ id: expect.any(String) }]);
		kickOffId = String(items[0].id);
		expect(env.emu.getMessage(kickOffId)).toMatchObject({
			body: 'Kick-off at 10:00',
			fromUserId: env.me.id,
			mentions: [env.other.id],
		});
	});

	it('Return All reads 500+ messages of history in pages, each message once, oldest first', async () => {
		// 500 older messages, one a second, all before the kick-off message.
		seeded = env.emu.addRoomMessages(jid, env.other.id, 500, {
			start: new Date(Date.now() - 3_600_000),
			stepMs: 1000,
		});
		const all = roomIds(jid);
		expect(all).toHaveLength(501);

		const { result, requests } = await capture(env, () =>
			run(env, { ...select('getChatsRoomMessages'), roomJid: jid, returnAll: true }),
		);
		expect(result.error).toBeUndefined();
		const items = jsonOf(result);
		expectEachOnce(items, all);
		expectOldestFirst(items);
		expect(items.map((m) => m.id)).toEqual(all);
		expect(items.at(-1)).toMatchObject({ id: kickOffId, body: 'Kick-off at 10:00' });

		// Every request is one page of the same room, walking back in time with ISO-8601 `before` values.
		const path = expectedRawPath(specOf('getChatsRoomMessages'), { roomJid: jid });
		for (const r of requests) expect([r.method, r.rawPath]).toEqual(['GET', path]);
		expect(queryOf(requests, 'limit').every((l) => l === '100')).toBe(true);
		const befores = queryOf(requests, 'before');
		expect(befores[0]).toBeUndefined();
		for (const b of befores.slice(1)) expect(b).toMatch(ISO_8601);
		const times = befores.slice(1).map((b) => Date.parse(String(b)));
		for (let i = 1; i < times.length; i++) expect(times[i]).toBeLessThanOrEqual(times[i - 1]);

		// The pages: newest first, 100 a page. Each next page asks for messages older than the oldest
		// one seen plus 1 ms (so equal timestamps across the boundary are not lost), which repeats one
		// message per page; the walk ends with a page that brings nothing new, confirmed by one strict
		// request (before = the oldest date) that comes back empty.
		const newestFirst = [...all]
			.reverse()
			.map((id) => env.emu.getMessage(id)!.dateCreated.getTime());
		const iso = (t: number) => new Date(t).toISOString();
		const expectedBefores = [
			undefined,
			iso(newestFirst[99] + 1),
			iso(newestFirst[198] + 1),
			iso(newestFirst[297] + 1),
			iso(newestFirst[396] + 1),
			iso(newestFirst[495] + 1),
			iso(newestFirst[500] + 1),
			iso(newestFirst[500]),
		];
		expect(befores).toEqual(expectedBefores);
		expect(requests).toHaveLength(8);
	});

	it('Limit stops early: Limit 30 is one request and returns the 30 newest, oldest first', async () => {
		const { result, requests } = await capture(env, () =>
			run(env, { ...select('getChatsRoomMessages'), roomJid: jid, returnAll: false, limit: 30 }),
		);
		expect(result.error).toBeUndefined();
		expect(requests).toHaveLength(1);
		expect(Object.fromEntries(requests[0].queryPairs)).toEqual({ limit: '30' });
		const items = jsonOf(result);
		expect(items.map((m) => m.id)).toEqual(roomIds(jid).slice(-30));
		expectOldestFirst(items);
	});

	it('Limit larger than a page takes several pages and stops as soon as it has enough', async () => {
		const { result, requests } = await capture(env, () =>
			run(env, { ...select('getChatsRoomMessages'), roomJid: jid, returnAll: false, limit: 150 }),
		);
		expect(result.error).toBeUndefined();
		expect(requests).toHaveLength(2);
		expect(queryOf(requests, 'limit')).toEqual(['100', '100']);
		expect(jsonOf(result).map((m) => m.id)).toEqual(roomIds(jid).slice(-150));
	});

	it('edits the message', async () => {
		const { result, requests } = await capture(env, () =>
			run(env, {
				...select('patchChatsRoomMessage'),
				roomJid: jid,
				messageId: kickOffId,
				message: 'Kick-off at 10:30',
			}),
		);
		expect(result.error).toBeUndefined();
		expect(requests.map((r) => [r.method, r.rawPath, r.body])).toEqual([
			[
				'PATCH',
				expectedRawPath(specOf('patchChatsRoomMessage'), { roomJid: jid, messageId: kickOffId }),
				{ message: 'Kick-off at 10:30' },
			],
		]);
		expect(jsonOf(result)).toEqual([{ id: kickOffId }]);
		expect(env.emu.getMessage(kickOffId)).toMatchObject({
			body: 'Kick-off at 10:30',
			edited: true,
		});
	});

	it('refuses to pin a 6th message in one call before sending anything, naming the field', async () => {
		const six = [kickOffId, ...seeded.slice(0, 5).map((m) => m.id)];
		const { result, requests } = await capture(env, () =>
			run(env, {
				...select('postChatsRoomMessagesPins'),
				roomJid: jid,
				pinnedMessageIds: six.join(','),
			}),
		);
		expect(requests).toHaveLength(0);
		expect(result.items).toHaveLength(0);
		expect(result.error?.message).toMatch(/pinnedMessageIds/);
		expect(result.error?.message).toMatch(/at most 5 entries are allowed, got 6/);
		expect(env.emu.getRoom(jid)!.pinnedMessageIds).toEqual([]);
	});

	it('pins up to five messages in one call', async () => {
		const five = [kickOffId, ...seeded.slice(0, 4).map((m) => m.id)];
		const { result, requests } = await capture(env, () =>
			run(env, { ...select('postChatsRoomMessagesPins'), roomJid: jid, pinnedMessageIds: five }),
		);
		expect(result.error).toBeUndefined();
		expect(requests.map((r) => [r.method, r.rawPath, r.body])).toEqual([
			[
				'POST',
				expectedRawPath(specOf('postChatsRoomMessagesPins'), { roomJid: jid }),
				{ pinnedMessageIds: five },
			],
		]);
		expect(jsonOf(result)).toEqual([{ success: true, roomJid: jid, pinnedMessageIds: five }]);
		expect(env.emu.getRoom(jid)!.pinnedMessageIds).toEqual(five);
	});

	it('reacts to the message', async () => {
		const { result, requests } = await capture(env, () =>
			run(env, {
				...select('putChatsMessageReactions'),
				messageId: kickOffId,
				reactions: '👍, 🚀',
			}),
		);
		expect(result.error).toBeUndefined();
		expect(requests.map((r) => [r.method, r.rawPath, r.body])).toEqual([
			[
				'PUT',
				expectedRawPath(specOf('putChatsMessageReactions'), { messageId: kickOffId }),
				{ reactions: ['👍', '🚀'] },
			],
		]);
		expect(jsonOf(result)).toEqual([
			{ success: true, messageId: kickOffId, reactions: ['👍', '🚀'] },
		]);
		expect(
			env.emu.messageJson(kickOffId)!.reactions.map((r) => [r.emoji, r.users.map((u) => u.id)]),
		).toEqual([
			['👍', [env.me.id]],
			['🚀', [env.me.id]],
		]);
	});

	it('deletes the message', async () => {
		const { result, requests } = await capture(env, () =>
			run(env, { ...select('deleteChatsRoomMessage'), roomJid: jid, messageId: kickOffId }),
		);
		expect(result.error).toBeUndefined();
		expect(requests.map((r) => [r.method, r.rawPath, r.body])).toEqual([
			[
				'DELETE',
				expectedRawPath(specOf('deleteChatsRoomMessage'), { roomJid: jid, messageId: kickOffId }),
				undefined,
			],
		]);
		expect(jsonOf(result)).toEqual([{ success: true, roomJid: jid, messageId: kickOffId }]);
		expect(env.emu.getMessage(kickOffId)).toBeUndefined();
		expect(roomIds(jid)).toHaveLength(500);
	});
});

describe('history paging edge cases', () => {
	it('returns every message once when equal timestamps straddle a page boundary', async () => {
		const jid = env.emu.createRoom(env.me.id, 'Ties');
		const t0 = Date.parse('2026-05-01T08:00:00.000Z');
		// 60 older messages, then 20 sharing one timestamp, then 90 newer: newest first, the run of 20
		// occupies places 91–110, across the boundary of the first page of 100.
		env.emu.addRoomMessages(jid, env.me.id, 60, { start: new Date(t0), stepMs: 1000 });
		const tied = env.emu.addRoomMessages(jid, env.me.id, 20, {
			start: new Date(t0 + 100_000),
			stepMs: 0,
		});
		env.emu.addRoomMessages(jid, env.me.id, 90, { start: new Date(t0 + 200_000), stepMs: 1000 });
		const all = roomIds(jid);

		const { result, requests } = await capture(env, () =>
			run(env, { ...select('getChatsRoomMessages'), roomJid: jid, returnAll: true }),
		);
		expect(result.error).toBeUndefined();
		const items = jsonOf(result);
		expectEachOnce(items, all);
		expect(items.map((m) => m.id)).toEqual(all);
		expect(new Set(tied.map((m) => m.dateCreated.toISOString()))).toEqual(
			new Set([new Date(t0 + 100_000).toISOString()]),
		);
		// The second page asked for messages older than the tie + 1 ms, so the other half of the run came back.
		expect(queryOf(requests, 'before')[1]).toBe(new Date(t0 + 100_001).toISOString());
	});

	it('returns a run of equal timestamps shorter than a page once, with the messages around it', async () => {
		const jid = env.emu.createRoom(env.me.id, 'All at once');
		const seeded = env.emu.addRoomMessages(jid, env.me.id, 99, {
			start: new Date('2026-05-02T08:00:00.000Z'),
			stepMs: 0,
		});
		env.emu.addRoomMessages(jid, env.me.id, 30, {
			start: new Date('2026-05-02T07:00:00.000Z'),
			stepMs: 1000,
		});
		const { result } = await capture(env, () =>
			run(env, { ...select('getChatsRoomMessages'), roomJid: jid, returnAll: true }),
		);
		expect(result.error).toBeUndefined();
		expectEachOnce(jsonOf(result), roomIds(jid));
		expect(jsonOf(result).map((m) => m.id)).toEqual(roomIds(jid));
		expect(seeded).toHaveLength(99);
	});

	it('Return All with After reads every message newer than After, each once, oldest first', async () => {
		const jid = env.emu.createRoom(env.me.id, 'Catch-up');
		const seeded = env.emu.addRoomMessages(jid, env.me.id, 250, {
			start: new Date('2026-05-03T08:00:00.000Z'),
			stepMs: 1000,
		});
		const after = seeded[19].dateCreated.toISOString();
		const { result, requests } = await capture(env, () =>
			run(env, {
				...select('getChatsRoomMessages'),
				roomJid: jid,
				returnAll: true,
				additionalFields: { after },
			}),
		);
		expect(result.error).toBeUndefined();
		const items = jsonOf(result);
		expect(items.map((m) => m.id)).toEqual(seeded.slice(20).map((m) => m.id));
		// Forwards in pages of 100: after = the newest date seen - 1 ms (one repeat per page), ending
		// with a page that brings nothing new and one strict, empty request.
		const t = (i: number) => seeded[i].dateCreated.getTime();
		const iso = (ms: number) => new Date(ms).toISOString();
		expect(queryOf(requests, 'after')).toEqual([
			after,
			iso(t(119) - 1),
			iso(t(218) - 1),
			iso(t(249) - 1),
			iso(t(249)),
		]);
		expect(queryOf(requests, 'before').every((b) => b === undefined)).toBe(true);
	});

	it('Limit with After returns the messages right after After, in one request', async () => {
		const jid = env.emu.createRoom(env.me.id, 'Next thirty');
		const seeded = env.emu.addRoomMessages(jid, env.me.id, 200, {
			start: new Date('2026-05-03T08:00:00.000Z'),
			stepMs: 1000,
		});
		const after = seeded[99].dateCreated.toISOString();
		const { result, requests } = await capture(env, () =>
			run(env, {
				...select('getChatsRoomMessages'),
				roomJid: jid,
				returnAll: false,
				limit: 30,
				additionalFields: { after },
			}),
		);
		expect(result.error).toBeUndefined();
		expect(requests.map((r) => Object.fromEntries(r.queryPairs))).toEqual([{ limit: '30', after }]);
		expect(jsonOf(result).map((m) => m.id)).toEqual(seeded.slice(100, 130).map((m) => m.id));
	});

	it('Return All with Before and After reads exactly the window', async () => {
		const jid = env.emu.createRoom(env.me.id, 'Window');
		const seeded = env.emu.addRoomMessages(jid, env.me.id, 300, {
			start: new Date('2026-05-04T08:00:00.000Z'),
			stepMs: 1000,
		});
		const { result, requests } = await capture(env, () =>
			run(env, {
				...select('getChatsRoomMessages'),
				roomJid: jid,
				returnAll: true,
				additionalFields: {
					after: seeded[49].dateCreated.toISOString(),
					before: seeded[260].dateCreated.toISOString(),
				},
			}),
		);
		expect(result.error).toBeUndefined();
		expect(jsonOf(result).map((m) => m.id)).toEqual(seeded.slice(50, 260).map((m) => m.id));
		expect(
			queryOf(requests, 'after').every((a) => a === seeded[49].dateCreated.toISOString()),
		).toBe(true);
		expect(queryOf(requests, 'before')[0]).toBe(seeded[260].dateCreated.toISOString());
	});

	it('thread history: Return All gives the root message and its replies, oldest first', async () => {
		const jid = env.emu.createRoom(env.me.id, 'Threads', [env.other.id]);
		const [root] = env.emu.addRoomMessages(jid, env.me.id, 1, {
			start: new Date('2026-05-05T08:00:00.000Z'),
		});
		const replies = env.emu.addRoomMessages(jid, env.other.id, 130, {
			start: new Date('2026-05-05T09:00:00.000Z'),
			stepMs: 1000,
			threadId: root.threadId,
		});
		env.emu.addRoomMessages(jid, env.me.id, 10, { start: new Date('2026-05-05T10:00:00.000Z') });
		const { result, requests } = await capture(env, () =>
			run(env, { ...select('getChatsThreadMessages'), threadId: root.threadId, returnAll: true }),
		);
		expect(result.error).toBeUndefined();
		expect(jsonOf(result).map((m) => m.id)).toEqual([root.id, ...replies.map((m) => m.id)]);
		expect(
			requests.every(
				(r) =>
					r.rawPath ===
					expectedRawPath(specOf('getChatsThreadMessages'), { threadId: root.threadId }),
			),
		).toBe(true);
	});
});

describe('date inputs', () => {
	const history = async (additionalFields: IDataObject, workflowSettings?: IWorkflowSettings) => {
		const jid = env.emu.createRoom(env.me.id, 'Dates');
		return await capture(env, () =>
			run(
				env,
				{
					...select('getChatsRoomMessages'),
					roomJid: jid,
					returnAll: false,
					limit: 10,
					additionalFields,
				} as INodeParameters,
				{ workflowSettings },
			),
		);
	};

	it.each([
		['an ISO-8601 text with Z', '2026-03-07T16:36:58.123Z', undefined, '2026-03-07T16:36:58.123Z'],
		[
			'an ISO-8601 text with an offset',
			'2026-03-07T17:36:58.123+01:00',
			undefined,
			'2026-03-07T16:36:58.123Z',
		],
		[
			'the date picker’s value (no zone), in the workflow’s time zone',
			'2026-03-07T16:36:58',
			'Europe/Berlin',
			'2026-03-07T15:36:58.000Z',
		],
		[
			'the date picker’s value in summer time',
			'2026-07-01T09:00:00',
			'Europe/Berlin',
			'2026-07-01T07:00:00.000Z',
		],
		[
			'a date only, as midnight in the workflow’s time zone',
			'2026-03-07',
			'Asia/Tokyo',
			'2026-03-06T15:00:00.000Z',
		],
		[
			'a Luxon DateTime from an expression',
			'={{ DateTime.fromISO("2026-03-07T17:36:58.123+01:00") }}',
			undefined,
			'2026-03-07T16:36:58.123Z',
		],
		[
			'a JavaScript Date from an expression',
			'={{ new Date(Date.UTC(2026, 2, 7, 16, 36, 58, 123)) }}',
			undefined,
			'2026-03-07T16:36:58.123Z',
		],
		[
			'an expression over the input item',
			'={{ $json.since }}',
			undefined,
			'2026-03-07T16:36:58.123Z',
		],
	])('Before given as %s is sent as ISO-8601', async (_what, value, timezone, wire) => {
		const settings = timezone ? ({ timezone } as IWorkflowSettings) : undefined;
		const jid = env.emu.createRoom(env.me.id, 'Dates');
		const { result, requests } = await capture(env, () =>
			run(
				env,
				{
					...select('getChatsRoomMessages'),
					roomJid: jid,
					returnAll: false,
					limit: 10,
					additionalFields: { before: value, after: value },
				},
				{
					workflowSettings: settings,
					input: [{ json: { since: '2026-03-07T16:36:58.123Z' } }],
				},
			),
		);
		expect(result.error).toBeUndefined();
		expect(requests).toHaveLength(1);
		expect(Object.fromEntries(requests[0].queryPairs)).toEqual({
			limit: '10',
			before: wire,
			after: wire,
		});
		expect(jsonOf(result)).toEqual([]);
	});

	it.each([
		['before', 'yesterday'],
		['before', '07/03/2026'],
		['after', '2026-02-30T10:00:00Z'],
		['after', '2026-03-07T24:30:00Z'],
		['before', '2026-13-01'],
	])('a malformed %s (%s) fails before sending, naming the field', async (field, value) => {
		const { result, requests } = await history({ [field]: value });
		expect(requests).toHaveLength(0);
		expect(result.error?.message).toContain(`(${field})`);
		expect(result.error?.message).toContain('ISO-8601');
	});
});

describe('validation before sending', () => {
	const userIds = (n: number) =>
		Array.from({ length: n }, (_, i) => env.emu.users[i % env.emu.users.length].id);

	it('refuses more than 25 userIds when creating a room, naming the field', async () => {
		const { result, requests } = await capture(env, () =>
			run(env, {
				...select('postChatsRooms'),
				subject: 'Too many',
				additionalFields: { userIds: userIds(26).join(',') },
			}),
		);
		expect(requests).toHaveLength(0);
		expect(result.error?.message).toMatch(/\(userIds\): at most 25 entries are allowed, got 26/);
	});

	it('sends 25 userIds', async () => {
		const ids = userIds(25);
		const { result, requests } = await capture(env, () =>
			run(env, {
				...select('postChatsRooms'),
				subject: 'Just enough',
				additionalFields: { userIds: ids },
			}),
		);
		expect(result.error).toBeUndefined();
		expect(requests).toHaveLength(1);
		expect(requests[0].body).toEqual({ subject: 'Just enough', userIds: ids });
		expect(env.emu.getRoom(String(jsonOf(result)[0].jid))?.participantIds.sort()).toEqual(
			[...new Set(ids)].sort(),
		);
	});

	it.each([
		['patchChatsSettings', 9],
		['patchChatsSettings', 3651],
		['putChatsSettings', 0],
		['putChatsSettings', 4000],
	])(
		'%s refuses a retention of %i days before sending, naming the field',
		async (sdkMethod, days) => {
			const { result, requests } = await capture(env, () =>
				run(env, { ...select(sdkMethod), additionalFields: { messageRetentionPeriodDays: days } }),
			);
			expect(requests).toHaveLength(0);
			expect(result.error?.message).toContain('(messageRetentionPeriodDays)');
			expect(env.emu.settings.messageRetentionPeriodDays).toBe(365);
		},
	);

	it.each([10, 3650])('patchChatsSettings sends a retention of %i days', async (days) => {
		const { result, requests } = await capture(env, () =>
			run(env, {
				...select('patchChatsSettings'),
				additionalFields: { messageRetentionPeriodDays: days },
			}),
		);
		expect(result.error).toBeUndefined();
		expect(requests.map((r) => [r.method, r.rawPath, r.body])).toEqual([
			['PATCH', '/api/v2/chats/settings', { messageRetentionPeriodDays: days }],
		]);
		expect(jsonOf(result)).toEqual([{ messageRetentionPeriodDays: days, reactionsEnabled: true }]);
		env.emu.settings.messageRetentionPeriodDays = 365;
	});

	it('an invalid item fails before its own request; the item before it was sent', async () => {
		const jid = env.emu.createRoom(env.me.id, 'Per item');
		const [first] = env.emu.addRoomMessages(jid, env.me.id, 1);
		const { result, requests } = await capture(env, () =>
			run(
				env,
				{
					...select('postChatsRoomMessagesPins'),
					roomJid: jid,
					pinnedMessageIds: '={{ $json.ids }}',
				},
				{
					input: [{ json: { ids: [first.id] } }, { json: { ids: ['a', 'b', 'c', 'd', 'e', 'f'] } }],
				},
			),
		);
		expect(requests.map((r) => r.body)).toEqual([{ pinnedMessageIds: [first.id] }]);
		expect(result.error?.message).toMatch(
			/\(pinnedMessageIds\): at most 5 entries are allowed, got 6/,
		);
		expect((result.error as unknown as { context: IDataObject }).context.itemIndex).toBe(1);
		expect(env.emu.getRoom(jid)!.pinnedMessageIds).toEqual([first.id]);
	});
});
