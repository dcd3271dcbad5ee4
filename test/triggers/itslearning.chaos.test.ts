/**
 * Chaos test of the Itslearning Instant Message Trigger: other people send over 1,000 messages
 * across several threads (over HTTP, and new threads appear on the way) while the trigger polls
 * every 100–300 ms through n8n-core's PollContext. The emulator answers ~20 % of the trigger's
 * requests with 429 / 5xx / 401, a delay or a dropped connection, and n8n "restarts" now and then
 * (only the static data n8n would have saved survives). Every message must be emitted exactly once.
 */
import type { IDataObject } from 'n8n-workflow';

import { seededRandom } from '../emulator/chaos';
import { startSite, type Site } from '../itslearning/setup';
import { limitAfterSending, sleep, TriggerInstance } from './helpers';

const API = '/restapi/personal/instantmessages';
const MESSAGES = 1100;

let site: Site;
beforeAll(async () => {
	site = await startSite();
});
afterAll(async () => {
	await site?.close();
});

it('emits every message sent during polling exactly once, through faults and restarts', async () => {
	const random = seededRandom(20260307);
	const { emu } = site;
	const me = site.me;
	// Senders: people 2, 3 and 4 and the trigger's own user from another device.
	const senders = [2, 3, 4].map((personId) => ({
		personId,
		token: emu.issueToken({ personId }).access_token,
	}));
	const ownDevice = emu.issueToken({ personId: 1 }).access_token;
	const senderTokens = new Set([...senders.map((s) => s.token), ownDevice]);

	const threads = [
		emu.createThread(2, [1, 3, 4], 'Chaos class'),
		emu.createThread(3, [1, 2], 'Chaos lab'),
		emu.createThread(4, [1, 2, 3], 'Chaos project'),
		emu.createThread(2, [1]),
		emu.createThread(3, [1, 4], 'Chaos club'),
	].map((t) => t.InstantMessageThreadId);
	// One bad thread among the good ones: it answers 404 until the senders are done.
	const bad = emu.createThread(2, [1, 3], 'Chaos bad').InstantMessageThreadId;
	threads.push(bad);
	// History from before the trigger existed: never emitted.
	for (const id of threads) emu.addMessages(id, emu.getThread(id)!.CreatedBy, 3, 'before');

	const trigger = new TriggerInstance({
		pkg: site.pkg,
		store: site.store,
		nodeType: 'itslearningInstantMessageTrigger',
		parameters: { event: 'newMessage' },
		credentials: { itslearningOAuth2Api: me.ref },
	});
	const seed = await trigger.poll();
	expect(seed.error).toBeUndefined();
	expect(seed.items).toBeNull();

	emu.injectFault({
		kind: 'status',
		status: 404,
		times: 1e9,
		match: { path: new RegExp(`^${API}/messagethreads/${bad}/`) },
	});
	emu.setChaos({
		rate: 0.2,
		seed: 7,
		kinds: { '500': 15 },
		applies: ({ rawPath, authorization }) =>
			rawPath.startsWith(API) && !senderTokens.has(String(authorization).replace(/^Bearer /, '')),
	});

	const sent = new Set<number>();
	const own = new Set<number>();
	let sending = true;
	const post = async (token: string, body: IDataObject): Promise<number> => {
		const res = await fetch(`${emu.url}${API}/v2`, {
			method: 'POST',
			headers: {
				authorization: `Bearer ${token}`,
				'content-type': 'application/json',
				accept: 'application/json',
			},
			body: JSON.stringify(body),
		});
		if (res.status !== 200) throw new Error(`send failed: ${res.status} ${await res.text()}`);
		const thread = (await res.json()) as IDataObject;
		threads.includes(thread.InstantMessageThreadId as number) ||
			threads.push(thread.InstantMessageThreadId as number);
		return (thread.LastMessage as IDataObject).MessageId as number;
	};
	let senderError: unknown;
	const sender = (async () => {
		for (let n = 0; n < MESSAGES; n++) {
			const roll = random();
			if (roll < 0.03) {
				// The trigger's user writes from another device: filtered out (Include My Own Messages is off).
				const threadId = threads[Math.floor(random() * threads.length)];
				own.add(await post(ownDevice, { InstantMessageThreadId: threadId, Text: `own ${n}` }));
			} else if (roll < 0.05) {
				// A new thread with the trigger's user appears.
				const from = senders[Math.floor(random() * senders.length)];
				const others = [1, ...[2, 3, 4].filter((p) => p !== from.personId).slice(0, 1)];
				sent.add(await post(from.token, { ToPersonIds: others, Text: `new thread ${n}` }));
			} else {
				const threadId = threads[Math.floor(random() * threads.length)];
				const members = [...emu.getThread(threadId)!.Participants.keys()].filter((p) => p !== 1);
				const pick = members[Math.floor(random() * members.length)];
				const from = senders.find((s) => s.personId === pick);
				if (!from)
					throw new Error(
						`No sender for thread ${threadId} (participants ${JSON.stringify(members)})`,
					);
				sent.add(await post(from.token, { InstantMessageThreadId: threadId, Text: `chaos ${n}` }));
			}
			await sleep(5 + Math.floor(random() * 20));
		}
		sending = false;
	})().catch((error) => {
		senderError = error;
		sending = false;
	});

	const emitted = new Map<number, number>();
	let emittedWhileBad = { bad: 0, good: 0 };
	let healed = false;
	let badAfterHeal = 0;
	const record = (items: IDataObject[] | null) => {
		for (const item of items ?? []) {
			emitted.set(item.messageId as number, (emitted.get(item.messageId as number) ?? 0) + 1);
			if (healed && item.chatId === bad) badAfterHeal++;
			if (!healed)
				emittedWhileBad = {
					...emittedWhileBad,
					[item.chatId === bad ? 'bad' : 'good']:
						emittedWhileBad[item.chatId === bad ? 'bad' : 'good'] + 1,
				};
		}
	};
	// Normally done in ~25 s; the limit only matters when something is wrong.
	const deadline = limitAfterSending(() => sending);
	let quiet = 0;
	let ticks = 0;
	while (Date.now() < deadline() && !senderError) {
		if (++ticks % 10 === 5 || random() < 0.1) {
			trigger.restart();
			// Tampered state now and then: junk entries beside the real ones heal with a warning, never a crash.
			const cursor = trigger.saved.messageCursor as IDataObject | undefined;
			if (cursor && ticks % 3 === 0)
				trigger.saved = {
					...trigger.saved,
					messageCursor: {
						...cursor,
						threads: { ...(cursor.threads as IDataObject), junk: null, '12': 'x' },
						failing: 'x',
						ahead: 7,
					},
				};
		}
		if (!sending && !healed) {
			emu.clearFaults();
			healed = true;
		}
		if (random() < 0.05) {
			// n8n does not skip a poll while the previous one runs.
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

	const duplicates = [...emitted.values()].filter((count) => count > 1).length;
	const lostIds = [...sent].filter((id) => !emitted.has(id));
	const lost = lostIds.length;
	const lostByThread: Record<string, number> = {};
	for (const id of lostIds) {
		const thread = String(emu.getMessage(id)?.InstantMessageThreadId);
		const key = thread === String(bad) ? `${thread} (the bad one)` : thread;
		lostByThread[key] = (lostByThread[key] ?? 0) + 1;
	}
	const unexpected = [...emitted.keys()].filter((id) => !sent.has(id));
	console.log(
		`itslearning chaos: sent ${sent.size}, emitted ${emitted.size}, duplicates ${duplicates}, lost ${lost}${lost ? ` ${JSON.stringify(lostByThread)}` : ''}` +
			` (own messages filtered ${own.size}; polls ${trigger.stats.polls}, failed ${trigger.stats.errors}, restarts ${trigger.stats.restarts};` +
			` faults ${JSON.stringify(stats)})`,
	);
	expect(sent.size).toBeGreaterThanOrEqual(1000);
	// The bad thread never stopped the others: they emitted while it failed, and it emitted once healed.
	expect(emittedWhileBad.good).toBeGreaterThan(500);
	expect(emittedWhileBad.bad).toBe(0);
	expect(badAfterHeal).toBeGreaterThan(0);
	expect(trigger.warnings.some((w) => /not valid/.test(w))).toBe(true);
	expect(unexpected).toEqual([]);
	expect(duplicates).toBe(0);
	expect(lost).toBe(0);
	expect([...emitted.keys()].sort((a, b) => a - b)).toEqual([...sent].sort((a, b) => a - b));
	// Faults really happened, polls really failed and n8n really restarted.
	expect(stats.requests).toBeGreaterThan(100);
	expect(trigger.stats.errors).toBeGreaterThan(0);
	expect(trigger.stats.restarts).toBeGreaterThan(0);
	// The saved state stays small: a watermark and a few threads, never every id.
	expect(JSON.stringify(trigger.saved).length).toBeLessThan(1000);
}, 300_000);
