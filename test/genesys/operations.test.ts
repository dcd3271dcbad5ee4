/**
 * Genesys Chat: every one of the 32 rows of the BUILT table, run through n8n-core against the
 * Genesys emulator over real HTTP. For each row the test seeds the emulator so the call succeeds,
 * runs the node with sample values and asserts
 * - what the emulator received: method, raw path (SDK encoding), query and JSON body exactly as
 *   the spec entry names them for those sample values;
 * - what the node returned: the emulator's answer as items.
 * Also the credential type: regions and the hidden OAuth URL expressions.
 */
import type { IDataObject, INodeParameters, INodePropertyOptions } from 'n8n-workflow';

import * as path from 'path';

import type { RecordedRequest } from '../emulator/core';
import type { StoredMessage } from '../emulator/genesys';
import { schemaFor, validate } from '../harness/schema';
import {
	CREDENTIAL_TYPE,
	SPEC,
	TABLE,
	capture,
	expectedRawPath,
	jsonOf,
	n8nName,
	replay,
	run,
	select,
	setDotted,
	specOf,
	useGenesys,
	type SpecEntry,
} from './setup';

const env = useGenesys();

/** The built schema generator (what the build wrote into dist/…/__schema__ from). */
const { rowOutputSchema } =
	require('../../dist/nodes/shared/editor/schema.js') as typeof import('../../nodes/shared/editor/schema');

// ---------------------------------------------------------------------------------------------
// Emulator state each sweep test starts from
// ---------------------------------------------------------------------------------------------

const at = (iso: string) => new Date(iso);

interface World {
	/** Room owned by `me`, with `other` and `third` as members. */
	room: string;
	/** Six messages of `me` in the room, 2026-03-07 16:00 … 16:05 UTC, one a minute. */
	roomMsgs: StoredMessage[];
	/** Thread of roomMsgs[0], with two replies by `other` (16:10, 16:11). */
	threadId: string;
	/** A newer room message of `me` at 17:00 (outside the sample history window). */
	late: StoredMessage;
	/** Three messages of `me` in the 1:1 with `other`, 18:00 … 18:02. */
	dm: StoredMessage[];
}

function newWorld(): World {
	const { emu, me, other, third } = env;
	// The 1:1 of `me` and `other` is one conversation for the whole file: start each test with it empty.
	const oneOnOne = emu.getOneOnOne(me.id, other.id);
	if (oneOnOne) {
		oneOnOne.messages.length = 0;
		oneOnOne.pinnedMessageIds.length = 0;
	}
	const room = emu.createRoom(me.id, 'Sweep room', [other.id, third.id]);
	const roomMsgs = emu.addRoomMessages(room, me.id, 6, {
		start: at('2026-03-07T16:00:00.000Z'),
		stepMs: 60_000,
	});
	const threadId = roomMsgs[0].threadId;
	emu.addRoomMessages(room, other.id, 2, {
		start: at('2026-03-07T16:10:00.000Z'),
		stepMs: 60_000,
		threadId,
	});
	const [late] = emu.addRoomMessages(room, me.id, 1, { start: at('2026-03-07T17:00:00.000Z') });
	const dm = emu.addUserMessages(me.id, other.id, 3, {
		start: at('2026-03-07T18:00:00.000Z'),
		stepMs: 60_000,
	});
	return { room, roomMsgs, threadId, late, dm };
}

// ---------------------------------------------------------------------------------------------
// Sample values: one entry per SDK method
// ---------------------------------------------------------------------------------------------

interface Sample {
	/** Required API values by spec name (path parameters, required body fields), as they must arrive. */
	required: Record<string, unknown>;
	/** Optional API values by spec name (query parameters, optional body fields), as they must arrive. */
	optional?: Record<string, unknown>;
	/** How the user enters a value when that differs from the wire form (comma text, dates with offsets). */
	typed?: Record<string, unknown>;
	/** History rows: the node's Limit, which the SDK's `limit` query parameter carries. */
	limit?: number;
	/** Extra checks on the emulator's state after the call. */
	verify?: (w: World, items: IDataObject[], sent: Record<string, unknown>) => void;
}

const ids = (messages: StoredMessage[]) => messages.map((m) => m.id);

const SAMPLES: Record<string, (w: World) => Sample> = {
	// Rooms
	postChatsRooms: () => ({
		required: { subject: 'Quarterly planning' },
		optional: { description: 'Where Q3 gets planned', userIds: [env.other.id, env.third.id] },
		typed: { userIds: `${env.other.id}, ${env.third.id}` },
		verify: (_w, items) => {
			const created = env.emu.getRoom(String(items[0].jid));
			expect(created?.subject).toBe('Quarterly planning');
		},
	}),
	getChatsRoom: (w) => ({ required: { roomJid: w.room } }),
	patchChatsRoom: (w) => ({
		required: { roomJid: w.room },
		optional: {
			subject: 'Renamed room',
			description: 'New description',
			pinnedMessageIds: ids(w.roomMsgs.slice(0, 2)),
			ownerIds: [env.me.id, env.other.id],
		},
		typed: { pinnedMessageIds: ids(w.roomMsgs.slice(0, 2)).join(',') },
		verify: (w, _items, sent) => {
			const room = env.emu.getRoom(w.room)!;
			if ('subject' in sent) {
				expect(room).toMatchObject({
					subject: 'Renamed room',
					description: 'New description',
					pinnedMessageIds: ids(w.roomMsgs.slice(0, 2)),
				});
				expect(room.ownerIds).toEqual([env.me.id, env.other.id]);
			} else {
				expect(room).toMatchObject({
					subject: 'Sweep room',
					pinnedMessageIds: [],
					ownerIds: [env.me.id],
				});
			}
		},
	}),
	// Room messages
	postChatsRoomMessages: (w) => ({
		required: { roomJid: w.room, message: 'Hello room 👋 & welcome' },
		optional: { threadId: w.threadId, mentions: [env.other.id] },
		verify: (w, items) => {
			const sent = env.emu.getMessage(String(items[0].id))!;
			expect(sent).toMatchObject({
				conversationKey: w.room,
				body: 'Hello room 👋 & welcome',
				fromUserId: env.me.id,
			});
		},
	}),
	patchChatsRoomMessage: (w) => ({
		required: { roomJid: w.room, messageId: w.roomMsgs[1].id, message: 'Edited text' },
		optional: { mentions: [env.third.id] },
		typed: { mentions: env.third.id },
		verify: (w) =>
			expect(env.emu.getMessage(w.roomMsgs[1].id)).toMatchObject({
				body: 'Edited text',
				edited: true,
			}),
	}),
	deleteChatsRoomMessage: (w) => ({
		required: { roomJid: w.room, messageId: w.roomMsgs[2].id },
		verify: (w) => expect(env.emu.getMessage(w.roomMsgs[2].id)).toBeUndefined(),
	}),
	getChatsRoomMessage: (w) => ({
		required: { roomJid: w.room, messageIds: [w.roomMsgs[3].id, w.roomMsgs[0].id] },
		typed: { messageIds: `${w.roomMsgs[3].id},${w.roomMsgs[0].id}` },
	}),
	getChatsRoomMessages: (w) => ({
		required: { roomJid: w.room },
		optional: {
			before: '2026-03-07T16:36:58.123Z',
			after: '2026-03-07T15:00:00.000Z',
			excludeMetadata: true,
		},
		typed: { before: '2026-03-07T17:36:58.123+01:00', after: '2026-03-07T15:00:00Z' },
		limit: 5,
	}),
	// Room participants
	postChatsRoomParticipant: (w) => ({
		required: { roomJid: w.room, userId: env.fourth.id },
		verify: (w) => expect(env.emu.getRoom(w.room)!.participantIds).toContain(env.fourth.id),
	}),
	deleteChatsRoomParticipant: (w) => ({
		required: { roomJid: w.room, userId: env.third.id },
		verify: (w) => expect(env.emu.getRoom(w.room)!.participantIds).not.toContain(env.third.id),
	}),
	getChatsRoomParticipant: (w) => ({
		required: { roomJid: w.room, participantJid: env.other.jid },
	}),
	getChatsRoomParticipants: (w) => ({ required: { roomJid: w.room }, optional: { notify: true } }),
	// Room pins
	postChatsRoomMessagesPins: (w) => ({
		required: { roomJid: w.room, pinnedMessageIds: ids(w.roomMsgs.slice(0, 2)) },
		typed: { pinnedMessageIds: ids(w.roomMsgs.slice(0, 2)).join(', ') },
		verify: (w) =>
			expect(env.emu.getRoom(w.room)!.pinnedMessageIds).toEqual(ids(w.roomMsgs.slice(0, 2))),
	}),
	deleteChatsRoomMessagesPin: (w) => {
		env.emu.getRoom(w.room)!.pinnedMessageIds.push(w.roomMsgs[4].id, w.roomMsgs[5].id);
		return {
			required: { roomJid: w.room, pinnedMessageId: w.roomMsgs[4].id },
			verify: (w) => expect(env.emu.getRoom(w.room)!.pinnedMessageIds).toEqual([w.roomMsgs[5].id]),
		};
	},
	// 1:1
	getChatsUser: (w) => {
		env.emu.getOneOnOne(env.me.id, env.other.id)!.pinnedMessageIds.splice(0, Infinity, w.dm[0].id);
		return { required: { userId: env.other.id } };
	},
	postChatsUserMessages: () => ({
		required: { userId: env.other.id, message: 'Hi there, 1:1' },
		optional: { mentions: [env.other.id] },
		typed: { mentions: [env.other.id] },
		verify: (_w, items) =>
			expect(env.emu.getMessage(String(items[0].id))).toMatchObject({
				body: 'Hi there, 1:1',
				toUserId: env.other.id,
			}),
	}),
	patchChatsUserMessage: (w) => ({
		required: { userId: env.other.id, messageId: w.dm[0].id, message: 'Fixed typo' },
		optional: { mentions: [env.other.id] },
		verify: (w) =>
			expect(env.emu.getMessage(w.dm[0].id)).toMatchObject({ body: 'Fixed typo', edited: true }),
	}),
	deleteChatsUserMessage: (w) => ({
		required: { userId: env.other.id, messageId: w.dm[1].id },
		verify: (w) => expect(env.emu.getMessage(w.dm[1].id)).toBeUndefined(),
	}),
	getChatsUserMessage: (w) => ({
		required: { userId: env.other.id, messageIds: [w.dm[0].id, w.dm[2].id] },
	}),
	getChatsUserMessages: () => ({
		required: { userId: env.other.id },
		optional: { after: '2026-03-07T18:00:30.000Z', excludeMetadata: false },
		limit: 2,
	}),
	// 1:1 pins
	postChatsUserMessagesPins: (w) => ({
		required: { userId: env.other.id, pinnedMessageIds: [w.dm[2].id] },
		verify: (w) =>
			expect(env.emu.getOneOnOne(env.me.id, env.other.id)!.pinnedMessageIds).toContain(w.dm[2].id),
	}),
	deleteChatsUserMessagesPin: (w) => {
		env.emu.getOneOnOne(env.me.id, env.other.id)!.pinnedMessageIds.splice(0, Infinity, w.dm[1].id);
		return {
			required: { userId: env.other.id, pinnedMessageId: w.dm[1].id },
			verify: () =>
				expect(env.emu.getOneOnOne(env.me.id, env.other.id)!.pinnedMessageIds).toEqual([]),
		};
	},
	// Threads, messages, reactions
	getChatsThreadMessages: (w) => ({
		required: { threadId: w.threadId },
		optional: { excludeMetadata: true },
		limit: 3,
	}),
	getChatsMessage: (w) => ({ required: { messageId: w.roomMsgs[0].id } }),
	putChatsMessageReactions: (w) => ({
		required: { messageId: w.roomMsgs[0].id, reactions: ['👍', '🎉'] },
		typed: { reactions: '👍,🎉' },
		verify: (w) =>
			expect(env.emu.getMessage(w.roomMsgs[0].id)!.reactions).toEqual([
				{ emoji: '👍', userIds: [env.me.id] },
				{ emoji: '🎉', userIds: [env.me.id] },
			]),
	}),
	// Organization settings
	getChatsSettings: () => ({ required: {} }),
	patchChatsSettings: () => ({
		required: {},
		optional: { reactionsEnabled: false },
		verify: (_w, items) => expect(items).toEqual([{ ...env.emu.settings }]),
	}),
	putChatsSettings: () => ({
		required: {},
		optional: { messageRetentionPeriodDays: 90, reactionsEnabled: true },
		verify: (_w, items) => expect(items).toEqual([{ ...env.emu.settings }]),
	}),
	// User settings
	getChatsUserSettings: () => ({ required: { userId: env.other.id } }),
	patchChatsUserSettings: () => ({
		required: { userId: env.other.id, 'mobile.notifications.when': 'OnlyWhenInactive' },
		verify: (_w, items) => {
			expect(env.emu.userSettings.get(env.other.id)!.mobile.notifications.when).toBe(
				'OnlyWhenInactive',
			);
			expect(items).toEqual([env.emu.userSettings.get(env.other.id)]);
		},
	}),
	getChatsUsersMeSettings: () => ({ required: {} }),
	patchChatsUsersMeSettings: () => ({
		required: { 'mobile.notifications.when': 'OnlyWhenInactive' },
		verify: (_w, items) => {
			expect(env.emu.userSettings.get(env.me.id)!.mobile.notifications.when).toBe(
				'OnlyWhenInactive',
			);
			expect(items).toEqual([env.emu.userSettings.get(env.me.id)]);
		},
	}),
};

// ---------------------------------------------------------------------------------------------
// From spec entry + sample values to node parameters and to the expected request
// ---------------------------------------------------------------------------------------------

/** Body fields that are values (not the objects around dotted names such as `mobile.notifications`). */
const leafFields = (entry: SpecEntry) =>
	(entry.body?.fields ?? []).filter(
		(f) => !(entry.body?.fields ?? []).some((g) => g.name.startsWith(`${f.name}.`)),
	);

interface Plan {
	parameters: INodeParameters;
	/** Every API value sent, by spec name. */
	values: Record<string, unknown>;
	method: string;
	rawPath: string;
	query: Record<string, string>;
	body: unknown;
}

function plan(
	entry: SpecEntry,
	sample: Sample,
	withOptional: boolean,
	extra: IDataObject = {},
): Plan {
	const values = { ...sample.required, ...(withOptional ? sample.optional : {}) };
	const parameters: INodeParameters = { ...select(entry.sdkMethod) };
	const additionalFields: IDataObject = { ...extra };
	const typedOf = (name: string) =>
		sample.typed && name in sample.typed ? sample.typed[name] : values[name];
	const place = (name: string, required: boolean) => {
		if (!(name in values)) return;
		if (required) parameters[n8nName(name)] = typedOf(name) as INodeParameters[string];
		else additionalFields[n8nName(name)] = typedOf(name) as IDataObject[string];
	};
	for (const p of entry.pathParams) place(p.name, true);
	for (const q of entry.queryParams) place(q.name, false);
	for (const f of leafFields(entry)) place(f.name, f.required === true);
	if (Object.keys(additionalFields).length)
		parameters.additionalFields = additionalFields as INodeParameters;
	if (sample.limit !== undefined)
		Object.assign(parameters, { returnAll: false, limit: sample.limit });

	for (const name of Object.keys(values)) {
		const known = [...entry.pathParams, ...entry.queryParams, ...leafFields(entry)].some(
			(p) => p.name === name,
		);
		if (!known)
			throw new Error(
				`Sample value "${name}" is not a parameter of ${entry.sdkMethod} in the spec`,
			);
	}

	const query: Record<string, string> = {};
	for (const q of entry.queryParams) if (q.name in values) query[q.name] = String(values[q.name]);
	if (sample.limit !== undefined) query.limit = String(sample.limit);

	let body: unknown;
	if (entry.body) {
		const object: IDataObject = {};
		for (const f of leafFields(entry))
			if (f.name in values) setDotted(object, f.name, values[f.name]);
		body = object;
	}
	return {
		parameters,
		values,
		method: entry.httpMethod,
		rawPath: expectedRawPath(entry, values),
		query,
		body,
	};
}

function expectRequest(request: RecordedRequest, expected: Plan) {
	expect(request.method).toBe(expected.method);
	expect(request.rawPath).toBe(expected.rawPath);
	expect(Object.fromEntries(request.queryPairs)).toEqual(expected.query);
	expect(request.queryPairs).toHaveLength(Object.keys(expected.query).length);
	expect(request.body).toEqual(expected.body);
	if (expected.body !== undefined)
		expect(String(request.headers['content-type'])).toMatch(/^application\/json/);
	expect(request.headers.authorization).toBe(`Bearer ${env.userToken.access_token}`);
}

const byDate = (a: IDataObject, b: IDataObject) =>
	Date.parse(String(a.dateCreated)) - Date.parse(String(b.dateCreated));

/** What the node must output for the emulator's answer, by the spec's response description. */
async function expectOutput(
	entry: SpecEntry,
	sample: Sample,
	expected: Plan,
	request: RecordedRequest,
	items: IDataObject[],
) {
	if (entry.responseBody === 'none') {
		const echo = Object.fromEntries(
			Object.entries(expected.values).map(([name, value]) => [n8nName(name), value]),
		);
		expect(items).toEqual([{ success: true, ...echo }]);
		return;
	}
	if (entry.httpMethod !== 'GET') {
		if (entry.responseModel === 'ChatSendMessageResponse') {
			expect(items).toEqual([{ id: expect.any(String) }]);
			expect(env.emu.getMessage(String(items[0].id))).toBeDefined();
		}
		if (entry.responseModel === 'CreateRoomResponse')
			expect(items).toEqual([{ jid: expect.stringMatching(/@conference\./) }]);
		return; // ChatSettings / ChatUserSettings answers are compared with the state in `verify`
	}
	const answer = (await replay(env, request)) as IDataObject;
	if (sample.limit !== undefined) {
		// History: the listing's entities, oldest first (the API answers newest first).
		const entities = answer.entities as IDataObject[];
		expect(entities.length).toBe(sample.limit);
		expect(items).toEqual([...entities].reverse());
		expect([...items].sort(byDate)).toEqual(items);
	} else if (entry.responseModel === 'ChatMessageEntityListing') {
		expect(items).toEqual(answer.entities);
	} else if (entry.responseModel === 'RoomParticipantsResponse') {
		expect(items).toEqual(answer.participants);
	} else {
		expect(items).toEqual([answer]);
	}
}

async function sweep(sdkMethod: string, withOptional: boolean) {
	const entry = specOf(sdkMethod);
	const world = newWorld();
	const sample = SAMPLES[sdkMethod](world);
	const expected = plan(entry, sample, withOptional);
	const { result, requests } = await capture(env, () => run(env, expected.parameters));
	expect(result.error).toBeUndefined();
	expect(requests).toHaveLength(1);
	expectRequest(requests[0], expected);
	// Spelled out: a JID's `@` travels as %40, an id list as ONE segment joined by %2C.
	for (const p of entry.pathParams) {
		const value = expected.values[p.name];
		if (Array.isArray(value)) expect(requests[0].rawPath).toContain(`/${value.join('%2C')}`);
		else if (String(value).includes('@'))
			expect(requests[0].rawPath).toContain(`/${String(value).replace('@', '%40')}`);
	}
	const items = jsonOf(result);
	expect(items.length).toBeGreaterThan(0);
	await expectOutput(entry, sample, expected, requests[0], items);
	sample.verify?.(world, items, expected.values);
}

const resetSettings = () => {
	Object.assign(env.emu.settings, { messageRetentionPeriodDays: 365, reactionsEnabled: true });
	for (const settings of env.emu.userSettings.values())
		settings.mobile.notifications.when = 'Always';
};
beforeEach(resetSettings);

// ---------------------------------------------------------------------------------------------

describe('the built table against the spec', () => {
	it('has the 32 rows of the spec, one per SDK method, with unique resource/operation pairs', () => {
		expect(TABLE).toHaveLength(32);
		expect(new Set(TABLE.map((r) => r.sdkMethod))).toEqual(new Set(SPEC.map((e) => e.sdkMethod)));
		expect(new Set(TABLE.map((r) => `${r.resource}:${r.operation}`)).size).toBe(32);
		expect(Object.keys(SAMPLES).sort()).toEqual(SPEC.map((e) => e.sdkMethod).sort());
	});
});

describe('every row sends what the spec names and returns the answer', () => {
	it.each(TABLE.map((row) => [row.sdkMethod, `${row.resource} → ${row.operation}`]))(
		'%s (%s)',
		async (sdkMethod) => {
			await sweep(sdkMethod, true);
		},
	);
});

/** Rows whose spec entry has optional query parameters or optional body fields. */
const withOptionals = SPEC.filter(
	(e) => e.queryParams.length > 0 || leafFields(e).some((f) => !f.required),
).map((e) => e.sdkMethod);

/**
 * Every row has a schema in every version whose folder n8n reads: the rows with Simplify the
 * simplified shape from 1.1 on and, in version 1 (Simplify off by default), the entity of the raw
 * answer they name (`answer`), as do the rows without Simplify that return the answer unchanged.
 */
describe('every operation has a schema in every version n8n reads', () => {
	it.each([1, 1.1])('version %s', (version) => {
		expect(TABLE.filter((row) => !rowOutputSchema(row, version)).map((r) => r.sdkMethod)).toEqual(
			[],
		);
		// The entity-described rows: the ones with Simplify and those that return the answer unchanged.
		expect(
			TABLE.filter((r) => r.answer)
				.map((r) => r.sdkMethod)
				.sort(),
		).toEqual(
			[
				...TABLE.filter((r) => r.simplify).map((r) => r.sdkMethod),
				'getChatsSettings',
				'patchChatsSettings',
				'putChatsSettings',
				'getChatsUserSettings',
				'patchChatsUserSettings',
				'getChatsUsersMeSettings',
				'patchChatsUsersMeSettings',
			].sort(),
		);
	});
});

describe.each([1, 1.1])(
	"version %s: n8n finds each operation's output schema and the output matches it",
	(version) => {
		it.each(TABLE.map((row) => [row.sdkMethod, `${row.resource} → ${row.operation}`]))(
			'%s (%s)',
			async (sdkMethod) => {
				const row = TABLE.find((r) => r.sdkMethod === sdkMethod)!;
				const { file, schema } = schemaFor(
					env.pkg,
					'genesysChat',
					version,
					row.resource,
					row.operation,
				);
				expect(file).toBe(
					path.resolve(
						__dirname,
						`../../dist/nodes/GenesysChat/__schema__/${version === 1 ? 'v1.0.0' : 'v1.1.0'}/${row.resource}/${row.operation}.json`,
					),
				);
				expect(schema).toMatchObject({ type: 'object' });
				const world = newWorld();
				const expected = plan(specOf(sdkMethod), SAMPLES[sdkMethod](world), true);
				const result = await run(env, expected.parameters, { typeVersion: version });
				expect(result.error).toBeUndefined();
				const items = jsonOf(result);
				expect(items.length).toBeGreaterThan(0);
				// Strict: every field of the output is one the schema names (raw-answer schemas stay open for the service).
				for (const item of items) expect(validate(item, schema!, '$', true)).toEqual([]);
			},
		);
	},
);

describe('optional parameters are sent only when set', () => {
	it('covers the rows that have optional parameters', () => {
		expect(withOptionals.sort()).toEqual(
			[
				'getChatsRoomMessages',
				'getChatsRoomParticipants',
				'getChatsThreadMessages',
				'getChatsUserMessages',
				'patchChatsRoom',
				'patchChatsRoomMessage',
				'patchChatsSettings',
				'patchChatsUserMessage',
				'postChatsRoomMessages',
				'postChatsRooms',
				'postChatsUserMessages',
				'putChatsSettings',
			].sort(),
		);
	});

	it.each(withOptionals)('%s with only its required values', async (sdkMethod) => {
		await sweep(sdkMethod, false);
	});
});

describe('Return Full Message after send and edit', () => {
	const sendAndEdit = SPEC.filter((e) => e.responseModel === 'ChatSendMessageResponse').map(
		(e) => e.sdkMethod,
	);

	it('applies to the four send/edit operations', () => {
		expect(sendAndEdit.sort()).toEqual([
			'patchChatsRoomMessage',
			'patchChatsUserMessage',
			'postChatsRoomMessages',
			'postChatsUserMessages',
		]);
	});

	it.each(sendAndEdit)('%s, then GET /api/v2/chats/messages/{id}', async (sdkMethod) => {
		const entry = specOf(sdkMethod);
		const world = newWorld();
		const sample = SAMPLES[sdkMethod](world);
		const expected = plan(entry, sample, true, { returnFullMessage: true });
		const { result, requests } = await capture(env, () => run(env, expected.parameters));
		expect(result.error).toBeUndefined();
		expect(requests).toHaveLength(2);
		expectRequest(requests[0], expected);
		const items = jsonOf(result);
		expect(items).toHaveLength(1);
		const id = String(items[0].id);
		const get = specOf('getChatsMessage');
		expect(requests[1]).toMatchObject({
			method: get.httpMethod,
			rawPath: expectedRawPath(get, { messageId: id }),
			queryPairs: [],
			body: undefined,
		});
		expect(items).toEqual([env.emu.messageJson(id)]);
		expect(items[0].body).toBe(expected.values.message);
	});
});

// ---------------------------------------------------------------------------------------------
// The credential type
// ---------------------------------------------------------------------------------------------

/** The 18 regions of the SDK's PureCloudRegionHosts (shared/spec/genesys-auth.md §2). */
const SDK_REGIONS = [
	'mypurecloud.com',
	'mypurecloud.ie',
	'mypurecloud.com.au',
	'mypurecloud.jp',
	'mypurecloud.de',
	'usw2.pure.cloud',
	'cac1.pure.cloud',
	'apne2.pure.cloud',
	'euw2.pure.cloud',
	'aps1.pure.cloud',
	'use2.us-gov-pure.cloud',
	'sae1.pure.cloud',
	'mec1.pure.cloud',
	'apne3.pure.cloud',
	'euc2.pure.cloud',
	'mxc1.pure.cloud',
	'apse1.pure.cloud',
	'edee1.eusc-pure.cloud',
];

describe('credential: Genesys Cloud OAuth2 API', () => {
	const properties = () => env.pkg.credentialTypes.getByName(CREDENTIAL_TYPE).properties;

	it('is the credential of the node and extends n8n’s OAuth2 credential', () => {
		const type = env.pkg.credentialTypes.getByName(CREDENTIAL_TYPE);
		expect(type.extends).toEqual(['oAuth2Api']);
		const node = env.pkg.nodeTypes.getByNameAndVersion(env.pkg.nodeTypeName('genesysChat'), 1);
		expect(node.description.credentials).toEqual([{ name: CREDENTIAL_TYPE, required: true }]);
	});

	it('offers all 18 SDK regions plus Custom', () => {
		// The Region is n8n's OAuth2 "Server URL" field: a region's API origin, or empty for Custom.
		const region = properties().find((p) => p.name === 'serverUrl')!;
		expect(region.displayName).toBe('Region');
		const values = (region.options as INodePropertyOptions[]).map((o) => o.value);
		expect(new Set(values)).toEqual(
			new Set([...SDK_REGIONS.map((r) => `https://api.${r}`), 'https://custom.invalid']),
		);
		expect(values).toHaveLength(19);
		expect(region.default).toBe('https://api.mypurecloud.com');
		const grant = properties().find((p) => p.name === 'grantType')!;
		expect((grant.options as INodePropertyOptions[]).map((o) => o.value).sort()).toEqual([
			'authorizationCode',
			'clientCredentials',
			'pkce',
		]);
		for (const hidden of [
			'useDynamicClientRegistration',
			'authUrl',
			'accessTokenUrl',
			'scope',
			'authentication',
		]) {
			expect(properties().find((p) => p.name === hidden)?.type).toBe('hidden');
		}
	});

	it.each(SDK_REGIONS)(
		'region %s resolves to https://login.<region>/oauth/token and /oauth/authorize',
		async (region) => {
			const ref = env.store.add(CREDENTIAL_TYPE, {
				serverUrl: `https://api.${region}`,
				clientId: 'id',
				clientSecret: 'secret',
			});
			const resolved = await env.store.resolve(CREDENTIAL_TYPE, ref.id);
			expect(resolved.accessTokenUrl).toBe(`https://login.${region}/oauth/token`);
			expect(resolved.authUrl).toBe(`https://login.${region}/oauth/authorize`);
			expect(resolved.grantType).toBe('authorizationCode');
			expect(resolved.scope).toBe('chat');
			expect(resolved.authentication).toBe('header');
		},
	);

	it('Custom uses the custom Login URL, else the Base URL (trailing slashes dropped)', async () => {
		const withLogin = env.store.add(CREDENTIAL_TYPE, {
			serverUrl: 'https://custom.invalid',
			customBaseUrl: 'https://api.gateway.example/',
			customLoginUrl: 'https://login.gateway.example/',
			clientId: 'id',
		});
		const a = await env.store.resolve(CREDENTIAL_TYPE, withLogin.id);
		expect(a.accessTokenUrl).toBe('https://login.gateway.example/oauth/token');
		expect(a.authUrl).toBe('https://login.gateway.example/oauth/authorize');

		const baseOnly = env.store.add(CREDENTIAL_TYPE, {
			serverUrl: 'https://custom.invalid',
			customBaseUrl: `${env.emu.url}/`,
			clientId: 'id',
		});
		const b = await env.store.resolve(CREDENTIAL_TYPE, baseOnly.id);
		expect(b.accessTokenUrl).toBe(`${env.emu.url}/oauth/token`);
		expect(b.authUrl).toBe(`${env.emu.url}/oauth/authorize`);
	});

	it('asks for no scope with Client Credentials, and for the chosen scopes otherwise', async () => {
		const client = env.store.add(CREDENTIAL_TYPE, {
			serverUrl: 'https://api.mypurecloud.de',
			grantType: 'clientCredentials',
			clientId: 'id',
			clientSecret: 's',
		});
		expect((await env.store.resolve(CREDENTIAL_TYPE, client.id)).scope).toBe('');
		const code = env.store.add(CREDENTIAL_TYPE, {
			serverUrl: 'https://api.mypurecloud.de',
			grantType: 'pkce',
			clientId: 'id',
			scopes: ['chat', 'users:readonly'],
		});
		expect((await env.store.resolve(CREDENTIAL_TYPE, code.id)).scope).toBe('chat users:readonly');
	});
});
