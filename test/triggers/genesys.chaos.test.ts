/**
 * Chaos test of the Genesys Chat Trigger: other users send over 1,000 messages across several rooms
 * and 1:1 chats (over HTTP, plus bursts of messages sharing one timestamp, and a room that appears
 * on the way) while the trigger polls every 100–300 ms through n8n-core's PollContext. The emulator
 * answers ~20 % of the trigger's requests with 429 / 5xx / 401, a delay or a dropped connection,
 * and n8n "restarts" now and then (only the static data n8n would have saved survives). Every
 * message must be emitted exactly once.
 */
import type { IDataObject } from 'n8n-workflow';

import { seededRandom } from '../emulator/chaos';
import { useGenesys } from '../genesys/setup';
import { limitAfterSending, sleep, TriggerInstance } from './helpers';

const MESSAGES = 1100;
const env = useGenesys();

it('emits every message sent during polling exactly once, through faults and restarts', async () => {
	const random = seededRandom(424242);
	const { emu, me, other, third, fourth } = env;
	const people = [other, third, fourth];
	const tokens = new Map(people.map((u) => [u.id, emu.issueUserToken(u.id).access_token]));
	const ownDevice = emu.issueUserToken(me.id).access_token;
	const senderTokens = new Set([...tokens.values(), ownDevice]);

	const rooms = [
		emu.createRoom(other.id, 'Chaos room 1', [me.id, third.id, fourth.id]),
		emu.createRoom(third.id, 'Chaos room 2', [me.id, other.id]),
		emu.createRoom(fourth.id, 'Chaos room 3', [me.id, other.id, third.id]),
	];
	// History from before the trigger existed: never emitted.
	for (const jid of rooms) emu.addRoomMessages(jid, emu.getRoom(jid)!.ownerIds[0], 3);
	emu.addUserMessages(other.id, me.id, 2);

	const trigger = new TriggerInstance({
		pkg: env.pkg,
		store: env.store,
		nodeType: 'genesysChatTrigger',
		parameters: { event: 'newMessageAnyChat' },
		credentials: { genesysCloudOAuth2Api: env.userCred },
	});
	const seed = await trigger.poll();
	expect(seed.error).toBeUndefined();
	expect(seed.items).toBeNull();

	// A message from the year 2999 in one room (the service's clock is now): emitted once, and the
	// room's later messages still come out.
	const FUTURE = '2999-06-30T12:00:00.000Z';
	const futureText = 'sent from the future';
	const toFuture = (value: unknown): unknown =>
		Array.isArray(value)
			? value.map(toFuture)
			: value && typeof value === 'object'
				? Object.fromEntries(
						Object.entries(value).map(([k, v]) => [
							k,
							k === 'dateCreated' && (value as IDataObject).body === futureText
								? FUTURE
								: toFuture(v),
						]),
					)
				: value;
	emu.injectFault({
		kind: 'rewrite',
		times: 1e9,
		match: { path: /\/messages$/ },
		rewrite: toFuture,
	});
	emu.setChaos({
		rate: 0.2,
		seed: 11,
		kinds: { '500': 15 },
		applies: ({ rawPath, authorization }) =>
			rawPath.startsWith('/api/v2/') &&
			!senderTokens.has(String(authorization).replace(/^Bearer /, '')),
	});

	const sent = new Set<string>();
	const own = new Set<string>();
	let bursts = 0;
	let sending = true;
	let senderError: unknown;
	const post = async (token: string, path: string, text: string): Promise<string> => {
		const res = await fetch(`${emu.url}${path}`, {
			method: 'POST',
			headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
			body: JSON.stringify({ message: text }),
		});
		if (res.status !== 200) throw new Error(`send failed: ${res.status} ${await res.text()}`);
		return ((await res.json()) as { id: string }).id;
	};
	/** The newest message time of every chat: the emulated server's clock never goes back. */
	const serverNow = () =>
		Math.max(
			Date.now(),
			...rooms.map((jid) => emu.getRoom(jid)!.messages.at(-1)?.dateCreated.getTime() ?? 0),
			...people.map(
				(u) => emu.getOneOnOne(u.id, me.id)?.messages.at(-1)?.dateCreated.getTime() ?? 0,
			),
		);
	const sender = (async () => {
		sent.add(
			await post(
				tokens.get(other.id)!,
				`/api/v2/chats/rooms/${encodeURIComponent(rooms[0])}/messages`,
				futureText,
			),
		);
		for (let n = 0; n < MESSAGES; ) {
			const roll = random();
			const from = people[Math.floor(random() * people.length)];
			if (roll < 0.03) {
				const jid = rooms[Math.floor(random() * rooms.length)];
				own.add(
					await post(
						ownDevice,
						`/api/v2/chats/rooms/${encodeURIComponent(jid)}/messages`,
						`own ${n}`,
					),
				);
				n++;
			} else if (roll < 0.05) {
				// A burst of messages sharing one timestamp, committed at once.
				const jid = rooms[Math.floor(random() * rooms.length)];
				const room = emu.getRoom(jid)!;
				const author = room.participantIds.find((id) => id !== me.id)!;
				const at = serverNow() + 1;
				const burst = emu.addRoomMessages(jid, author, 5 + Math.floor(random() * 20), {
					start: new Date(at),
					stepMs: 0,
				});
				for (const m of burst) sent.add(m.id);
				n += burst.length;
				bursts++;
				while (Date.now() <= at + 1) await sleep(1);
			} else if (roll < 0.055 && rooms.length < 5) {
				// A new room with the trigger's user appears.
				rooms.push(emu.createRoom(from.id, `Chaos room ${rooms.length + 1}`, [me.id]));
			} else if (roll < 0.35) {
				sent.add(
					await post(tokens.get(from.id)!, `/api/v2/chats/users/${me.id}/messages`, `dm ${n}`),
				);
				n++;
			} else {
				const jid = rooms[Math.floor(random() * rooms.length)];
				const room = emu.getRoom(jid)!;
				const members = people.filter((u) => room.participantIds.includes(u.id));
				const author = members[Math.floor(random() * members.length)];
				sent.add(
					await post(
						tokens.get(author.id)!,
						`/api/v2/chats/rooms/${encodeURIComponent(jid)}/messages`,
						`room ${n}`,
					),
				);
				n++;
			}
			await sleep(10 + Math.floor(random() * 25));
		}
	})()
		.catch((error) => {
			senderError = error;
		})
		.finally(() => {
			sending = false;
		});

	const emitted = new Map<string, number>();
	const record = (items: IDataObject[] | null) => {
		for (const item of items ?? [])
			emitted.set(item.messageId as string, (emitted.get(item.messageId as string) ?? 0) + 1);
	};
	// Normally done in ~25 s; the limit only matters when something is wrong.
	const deadline = limitAfterSending(() => sending);
	let quiet = 0;
	let ticks = 0;
	while (Date.now() < deadline() && !senderError) {
		if (++ticks % 10 === 5 || random() < 0.1) {
			trigger.restart();
			// Tampered state now and then: junk beside the real entries heals with a warning, never a crash.
			const cursor = trigger.saved.chatCursor as IDataObject | undefined;
			if (cursor && ticks % 3 === 0)
				trigger.saved = {
					...trigger.saved,
					chatCursor: {
						...cursor,
						chats: { ...(cursor.chats as IDataObject), 'room:junk@conference': null },
						failing: [],
						ahead: 'x',
					},
				};
		}
		if (random() < 0.05) {
			const [a, b] = await Promise.all([trigger.poll(), trigger.poll()]);
			record(a.items);
			record(b.items);
		} else {
			const outcome = await trigger.poll();
			record(outcome.items);
			if (!sending) quiet = !outcome.error && outcome.items === null ? quiet + 1 : 0;
		}
		if (!sending && quiet >= 3 && [...sent].every((id) => emitted.has(id))) break;
		await sleep(100 + Math.floor(random() * 200));
	}
	await sender;
	if (senderError) throw senderError;
	const stats = emu.chaosStats();
	emu.setChaos(undefined);
	emu.clearFaults();

	const duplicates = [...emitted.values()].filter((count) => count > 1).length;
	const lost = [...sent].filter((id) => !emitted.has(id)).length;
	const unexpected = [...emitted.keys()].filter((id) => !sent.has(id));
	console.log(
		`genesys chaos: sent ${sent.size}, emitted ${emitted.size}, duplicates ${duplicates}, lost ${lost}` +
			` (own messages filtered ${own.size}, equal-timestamp bursts ${bursts}, rooms ${rooms.length}; polls ${trigger.stats.polls},` +
			` failed ${trigger.stats.errors}, restarts ${trigger.stats.restarts}; faults ${JSON.stringify(stats)})`,
	);
	expect(sent.size).toBeGreaterThanOrEqual(1000);
	expect(trigger.warnings.some((w) => /not valid/.test(w))).toBe(true);
	expect(unexpected).toEqual([]);
	expect(duplicates).toBe(0);
	expect(lost).toBe(0);
	expect([...emitted.keys()].sort()).toEqual([...sent].sort());
	expect(stats.requests).toBeGreaterThan(100);
	expect(trigger.stats.errors).toBeGreaterThan(0);
	expect(trigger.stats.restarts).toBeGreaterThan(0);
	// Bounded state: per chat a watermark and the ids at it, never every id.
	expect(JSON.stringify(trigger.saved).length).toBeLessThan(3000);
}, 300_000);
