/**
 * Genesys Chat Trigger against hostile data (issue 17 points 1–2), through n8n-core's PollContext
 * over real HTTP to the emulator: one bad room among good ones (404), room JIDs `.`, `..` and a
 * lone surrogate from the server, an undecodable `%` escape in nextUri, tampered static data,
 * and a message dated in the year 2999.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { useGenesys } from '../genesys/setup';
import { TriggerInstance } from './helpers';

const NODE_TYPE = 'genesysChatTrigger';
const env = useGenesys();
const tokens = new Map<string, string>();

afterEach(() => env.emu.clearFaults());

function trigger(parameters: INodeParameters): TriggerInstance {
	return new TriggerInstance({
		pkg: env.pkg,
		store: env.store,
		nodeType: NODE_TYPE,
		parameters,
		credentials: { genesysCloudOAuth2Api: env.userCred },
	});
}

async function send(
	fromUserId: string,
	roomJid: string,
	count: number,
	text = 'msg',
): Promise<string[]> {
	let token = tokens.get(fromUserId);
	if (!token) tokens.set(fromUserId, (token = env.emu.issueUserToken(fromUserId).access_token));
	const ids: string[] = [];
	for (let i = 0; i < count; i++) {
		const res = await fetch(
			`${env.emu.url}/api/v2/chats/rooms/${encodeURIComponent(roomJid)}/messages`,
			{
				method: 'POST',
				headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
				body: JSON.stringify({ message: `${text} ${i + 1}` }),
			},
		);
		if (res.status !== 200) throw new Error(`send failed ${res.status}: ${await res.text()}`);
		ids.push(((await res.json()) as { id: string }).id);
	}
	return ids;
}

const ids = (items: IDataObject[] | null) => (items ?? []).map((i) => i.messageId);
const LISTING = /^\/api\/v2\/users\/chats\/me$/;

describe('one bad room never stops the others', () => {
	it('a 404 room keeps its marks and is retried, reported after 3 polls (not every poll), and emits once it heals', async () => {
		const { me, other } = env;
		const good = env.emu.createRoom(other.id, 'Good room', [me.id]);
		const bad = env.emu.createRoom(other.id, 'Bad room', [me.id]);
		const t = trigger({ event: 'newMessageAnyChat' });
		expect((await t.poll()).items).toBeNull();
		const goodSent = await send(other.id, good, 2, 'good');
		const badSent = await send(other.id, bad, 2, 'bad');
		env.emu.injectFault({
			kind: 'status',
			status: 404,
			times: 1000,
			match: {
				path: new RegExp(`/rooms/${encodeURIComponent(bad).replace(/[.]/g, '\\.')}/messages`),
			},
		});
		const first = await t.poll();
		expect(first.error).toBeUndefined();
		expect(ids(first.items)).toEqual(goodSent);
		const later = await send(other.id, good, 1, 'good later');
		expect(ids((await t.poll()).items)).toEqual(later);
		expect(t.reports).toHaveLength(0);
		await t.poll();
		expect(t.reports.map((e) => e.message)).toEqual([
			expect.stringMatching(/^Room .*\(Bad room\) failed in 3 polls in a row/),
		]);
		await t.poll();
		expect(t.reports).toHaveLength(1);
		env.emu.clearFaults();
		expect(ids((await t.poll()).items)).toEqual(badSent);
		expect((await t.poll()).items).toBeNull();
	});

	it('room JIDs ".", ".." and a lone surrogate from the server are never requested; the good room emits', async () => {
		const { me, other } = env;
		const good = env.emu.createRoom(other.id, 'Among hostile', [me.id]);
		const t = trigger({ event: 'newMessageAnyChat' });
		await t.poll();
		const sent = await send(other.id, good, 2, 'fine');
		const now = new Date().toISOString();
		env.emu.injectFault({
			kind: 'rewrite',
			times: 1000,
			match: { path: LISTING },
			rewrite: (body) => {
				const b = body as { entities: IDataObject[] };
				for (const jid of ['.', '..', 'x\ud800y@conference.example'])
					b.entities.push({
						chatType: 'room',
						room: { jid },
						name: `Hostile ${jid}`,
						dateLastMessage: now,
					});
				return b;
			},
		});
		const mark = env.emu.apiRequests().length;
		const outcome = await t.poll();
		expect(outcome.error).toBeUndefined();
		expect(ids(outcome.items)).toEqual(sent);
		const paths = env.emu
			.apiRequests()
			.slice(mark)
			.map((r) => r.rawPath);
		expect(paths.filter((p) => /\/rooms\/(\.|\.\.|%2E|x)/i.test(p))).toEqual([]);
		// Retried (without a request) and reported after 3 polls, not at every poll.
		await t.poll();
		await t.poll();
		await t.poll();
		expect(t.reports).toHaveLength(3);
	});

	it('an undecodable % escape in nextUri ends the listing without failing the poll', async () => {
		const { me, other } = env;
		const good = env.emu.createRoom(other.id, 'Before bad nextUri', [me.id]);
		const t = trigger({ event: 'newMessageAnyChat' });
		await t.poll();
		const sent = await send(other.id, good, 1, 'ok');
		env.emu.injectFault({
			kind: 'rewrite',
			times: 1,
			match: { path: LISTING },
			rewrite: (body) => ({
				...(body as IDataObject),
				nextUri: '/api/v2/users/chats/me?after=%E0%A4%A',
			}),
		});
		const outcome = await t.poll();
		expect(outcome.error).toBeUndefined();
		expect(ids(outcome.items)).toEqual(sent);
	});
});

describe('state that heals', () => {
	it.each([
		['{v:1}', { v: 1 }],
		['an array', []],
		['chats as an array', { v: 1, chats: [] }],
		[
			'a string floor and a null chat entry',
			{ v: 1, floor: 'soon', chats: { 'room:x@conference': null } },
		],
		[
			'an entry of the wrong type',
			{ v: 1, floor: 0, chats: { 'room:y@conference': { last: 'yesterday', ids: 'a' } } },
		],
	])(
		'tampered state (%s) is re-seeded with a warning, never a crash; later messages are emitted',
		async (_name, tampered) => {
			const { me, other } = env;
			const room = env.emu.createRoom(other.id, 'Tampered', [me.id]);
			const t = trigger({ event: 'newRoomMessage', roomJids: room });
			await t.poll();
			t.saved = { ...t.saved, chatCursor: tampered as unknown as IDataObject };
			t.restart();
			const healed = await t.poll();
			expect(healed.error).toBeUndefined();
			expect(t.warnings.join('\n')).toMatch(/not valid/);
			const later = await send(other.id, room, 2, 'after heal');
			expect(ids((await t.poll()).items)).toEqual(later);
		},
	);

	it('marks ahead of the service clock are re-seeded, so the chat is not muted', async () => {
		const { me, other } = env;
		const room = env.emu.createRoom(other.id, 'Future marks', [me.id]);
		const t = trigger({ event: 'newRoomMessage', roomJids: room });
		await t.poll();
		const future = Date.parse('2999-01-01T00:00:00Z');
		t.saved = {
			...t.saved,
			chatCursor: {
				v: 1,
				floor: future,
				chats: { [`room:${room}`]: { last: future, mark: future, ids: [] } },
			},
		};
		t.restart();
		await t.poll();
		expect(t.warnings.join('\n')).toMatch(/ahead of the service clock/);
		const later = await send(other.id, room, 1, 'after future marks');
		expect(ids((await t.poll()).items)).toEqual(later);
	});

	it('a message dated in the year 2999 is emitted once and does not mute its room', async () => {
		const { me, other } = env;
		const room = env.emu.createRoom(other.id, 'Year 2999', [me.id]);
		const t = trigger({ event: 'newRoomMessage', roomJids: room });
		await t.poll();
		const [odd] = await send(other.id, room, 1, 'from the future');
		const FUTURE = '2999-12-31T23:59:59.000Z';
		const date = (value: unknown): unknown =>
			Array.isArray(value)
				? value.map(date)
				: value && typeof value === 'object'
					? Object.fromEntries(
							Object.entries(value).map(([k, v]) => [
								k,
								(value as IDataObject).id === odd && k === 'dateCreated' ? FUTURE : date(v),
							]),
						)
					: value;
		env.emu.injectFault({
			kind: 'rewrite',
			times: 100000,
			match: { path: /\/messages$/ },
			rewrite: date,
		});
		const first = await t.poll();
		expect(ids(first.items)).toEqual([odd]);
		expect(first.items![0].created ?? first.items![0].createdAt).toBe(FUTURE);
		const later = await send(other.id, room, 2, 'after the future one');
		expect(ids((await t.poll()).items)).toEqual(later);
		expect((await t.poll()).items).toBeNull();
	});
});
