/**
 * Itslearning Instant Message Trigger against hostile data (issue 17 points 1–3, issue 15 points 3–4),
 * through n8n-core's PollContext over real HTTP to the emulator: one bad thread among good ones
 * (404, malformed JSON, no id / a non-numeric id, a non-number unread count), tampered static
 * data, an id near the int64 maximum, exact int64 thread ids, redacted errors, and n8n 2.41's poll
 * budget (a long catch-up spread over several polls, nothing lost or repeated).
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { startSite, type Site } from '../itslearning/setup';
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
});

function trigger(
	parameters: INodeParameters,
	extra: { pollBudgetMs?: number; legacyContext?: boolean } = {},
): TriggerInstance {
	return new TriggerInstance({
		pkg: site.pkg,
		store: site.store,
		nodeType: NODE_TYPE,
		parameters,
		credentials: { itslearningOAuth2Api: site.me.ref },
		...extra,
	});
}

const ids = (items: IDataObject[] | null) => (items ?? []).map((i) => i.messageId);
const texts = (items: IDataObject[] | null) => (items ?? []).map((i) => String(i.text)).sort();
const threadPath = (id: number) => new RegExp(`^${API}/messagethreads/${id}/`);

describe('one bad thread never stops the others', () => {
	it('a 404 thread and a malformed-JSON thread keep their own marks, the good threads emit, and the bad ones emit once they heal', async () => {
		const { emu } = site;
		const good = emu.createThread(2, [1], 'Good').InstantMessageThreadId;
		const gone = emu.createThread(3, [1], 'Gone').InstantMessageThreadId;
		const broken = emu.createThread(4, [1], 'Broken').InstantMessageThreadId;
		const t = trigger({ event: 'newMessage' });
		expect((await t.poll()).items).toBeNull();

		emu.addMessages(good, 2, 2, 'good');
		const goneMsgs = emu.addMessages(gone, 3, 2, 'gone');
		const brokenMsgs = emu.addMessages(broken, 4, 1, 'broken');
		emu.injectFault({
			kind: 'status',
			status: 404,
			times: 1000,
			match: { path: threadPath(gone) },
		});
		// Malformed JSON (the transport retries it first) for the first poll only: the thread heals by itself.
		emu.injectFault({
			kind: 'malformed',
			times: 6,
			match: { path: new RegExp(`^${API}/messagethreads/${broken}/messages/`) },
		});

		const first = await t.poll();
		expect(first.error).toBeUndefined();
		expect(texts(first.items)).toEqual(['good 1', 'good 2']);
		expect(t.current?.messageCursor).toMatchObject({
			failing: { [gone]: { n: 1 }, [broken]: { n: 1 } },
		});
		emu.clearFaults();
		emu.injectFault({
			kind: 'status',
			status: 404,
			times: 1000,
			match: { path: threadPath(gone) },
		});

		// The gone thread still fails: retried at every poll; the broken one emits now, the good one goes on.
		emu.addMessages(good, 2, 1, 'good later');
		const second = await t.poll();
		expect(texts(second.items)).toEqual(['broken 1', 'good later 1']);
		expect(ids(second.items)).toContain(brokenMsgs[0].MessageId);
		expect(t.reports).toHaveLength(0);
		// Third failure in a row: reported once through n8n's poll error channel, the poll itself succeeds.
		const third = await t.poll();
		expect(third.error).toBeUndefined();
		expect(t.reports.map((e) => e.message)).toEqual([
			expect.stringMatching(new RegExp(`^Thread ${gone} \\(Gone\\) failed in 3 polls in a row`)),
		]);
		await t.poll();
		expect(t.reports).toHaveLength(1); // not at every poll

		emu.clearFaults();
		const healed = await t.poll();
		expect(ids(healed.items).sort()).toEqual(goneMsgs.map((m) => m.MessageId).sort());
		expect((t.current?.messageCursor as IDataObject).failing).toBeUndefined();
		expect((await t.poll()).items).toBeNull();
	});

	it('a listed thread with no id or a non-numeric id is skipped (no /NaN/ request) and said in the log; the others emit', async () => {
		const { emu } = site;
		const good = emu.createThread(2, [1], 'Fine').InstantMessageThreadId;
		const t = trigger({ event: 'newMessage' });
		await t.poll();
		const sent = emu.addMessages(good, 2, 2, 'fine');
		emu.injectFault({
			kind: 'rewrite',
			times: 1000,
			match: { path: new RegExp(`^${API}/messagethreads/v3$`) },
			rewrite: (body) => {
				const b = body as { Threads: { EntityArray: IDataObject[] } };
				const topSort = Number(b.Threads.EntityArray[0]?.SortIndex ?? 0);
				b.Threads.EntityArray.unshift(
					{ Name: 'No id', SortIndex: topSort + 2, LastMessage: null },
					{
						InstantMessageThreadId: 'abc',
						Name: 'Text id',
						SortIndex: topSort + 1,
						LastMessage: null,
					},
				);
				return b;
			},
		});
		const mark = emu.apiRequests().length;
		const outcome = await t.poll();
		expect(outcome.error).toBeUndefined();
		expect(ids(outcome.items)).toEqual(sent.map((m) => m.MessageId));
		expect(
			emu
				.apiRequests()
				.slice(mark)
				.filter((r) => /NaN|undefined|abc/.test(r.url)),
		).toEqual([]);
		expect(t.warnings.filter((w) => w.includes('without a usable id'))).toHaveLength(2);
	});

	it('a non-number unread count fails only its thread (redacted, even when it echoes the token), and the thread emits when the count is sane again', async () => {
		const { emu } = site;
		const good = emu.createThread(2, [1], 'Count ok').InstantMessageThreadId;
		const odd = emu.createThread(3, [1], 'Count odd').InstantMessageThreadId;
		const t = trigger({ event: 'newMessage' });
		await t.poll();
		emu.addMessages(good, 2, 1, 'ok');
		const oddMsgs = emu.addMessages(odd, 3, 1, 'odd');
		const token = site.store.get('itslearningOAuth2Api', site.me.ref.id)
			.oauthTokenData as IDataObject;
		const echo = `not a number, token ${String(token.access_token)} and ${encodeURIComponent(String(token.access_token))}`;
		emu.injectFault({
			kind: 'rewrite',
			times: 1000,
			match: { path: new RegExp(`^${API}/messagethreads/${odd}/unread/count/`) },
			rewrite: () => JSON.stringify(echo),
		});
		for (let i = 0; i < 3; i++) await t.poll();
		expect(t.reports).toHaveLength(1);
		const report = t.reports[0] as Error & { description?: string };
		const text = `${report.message} ${report.description ?? ''} ${t.warnings.join(' ')}`;
		expect(text).toContain('not a number');
		expect(text).not.toContain(String(token.access_token));
		expect(text).not.toContain(encodeURIComponent(String(token.access_token)));
		emu.clearFaults();
		expect(ids((await t.poll()).items)).toEqual(oddMsgs.map((m) => m.MessageId));
	});

	it('Unread Count Changed: the "not a number" error is redacted', async () => {
		const { emu } = site;
		const token = String(
			(site.store.get('itslearningOAuth2Api', site.me.ref.id).oauthTokenData as IDataObject)
				.access_token,
		);
		emu.injectFault({
			kind: 'rewrite',
			times: 5,
			match: { path: new RegExp(`^${API}/messagethreads/unread/count/`) },
			rewrite: () => JSON.stringify(`Bearer ${token} ${encodeURIComponent(token)}`),
		});
		const t = trigger({ event: 'unreadCountChanged' });
		const outcome = await t.poll();
		const error = outcome.error as Error & { description?: string };
		expect(error.message).toContain('not a number');
		expect(`${error.message} ${error.description}`).not.toContain(token);
		expect(`${error.message} ${error.description}`).not.toContain(encodeURIComponent(token));
	});
});

describe('state that heals', () => {
	it.each([
		['{v:1}', { v: 1 }],
		['an array', []],
		['a string floor', { v: 1, sortIndex: 0, floor: 'high', threads: {} }],
		['null thread marks', { v: 1, sortIndex: 0, floor: 0, threads: { '1': null, x: 5 } }],
	])(
		'tampered New Message state (%s) is re-seeded with a warning, never a crash',
		async (_name, tampered) => {
			const { emu } = site;
			const thread = emu.createThread(2, [1], 'Tamper').InstantMessageThreadId;
			const t = trigger({ event: 'newMessage' });
			await t.poll();
			t.saved = { ...t.saved, messageCursor: tampered as unknown as IDataObject };
			t.restart();
			const healed = await t.poll();
			expect(healed.error).toBeUndefined();
			expect(t.warnings.join('\n')).toMatch(/not valid/);
			const later = emu.addMessages(thread, 2, 2, 'after heal');
			expect(ids((await t.poll()).items)).toEqual(later.map((m) => m.MessageId));
		},
	);

	it('a failing thread whose failing entry was lost (broken state) is still read again: its unread messages come once it heals', async () => {
		const { emu } = site;
		const good = emu.createThread(2, [1], 'Lost failing good').InstantMessageThreadId;
		const bad = emu.createThread(3, [1], 'Lost failing bad').InstantMessageThreadId;
		const t = trigger({ event: 'newMessage' });
		await t.poll();
		emu.injectFault({ kind: 'status', status: 404, times: 1000, match: { path: threadPath(bad) } });
		const waiting = emu.addMessages(bad, 3, 2, 'waiting in the bad thread');
		emu.addMessages(good, 2, 1, 'good first');
		expect(texts((await t.poll()).items)).toEqual(['good first 1']);
		// The floor moves past the bad thread's mark; then its failing entry is lost.
		emu.addMessages(good, 2, 1, 'good second');
		expect(texts((await t.poll()).items)).toEqual(['good second 1']);
		const cursor = t.saved.messageCursor as IDataObject;
		expect(cursor.failing).toMatchObject({ [bad]: { n: 2 } });
		t.saved = { ...t.saved, messageCursor: { ...cursor, failing: 'x' } };
		t.restart();
		// More activity elsewhere (the floor moves again), none in the bad thread, which then heals.
		emu.addMessages(good, 2, 1, 'good third');
		expect(texts((await t.poll()).items)).toEqual(['good third 1']);
		emu.clearFaults();
		const healed = await t.poll();
		expect(ids(healed.items)).toEqual(waiting.map((m) => m.MessageId));
		expect((await t.poll()).items).toBeNull();
	});

	it('a floor and sort index above everything the service has are healed, so the trigger is not muted', async () => {
		const { emu } = site;
		const thread = emu.createThread(2, [1], 'High floor').InstantMessageThreadId;
		const t = trigger({ event: 'newMessage' });
		await t.poll();
		t.saved = {
			...t.saved,
			messageCursor: { v: 1, sortIndex: '999999999999', floor: '9223372036854775000', threads: {} },
		};
		t.restart();
		await t.poll();
		expect(t.warnings.join('\n')).toMatch(/above the newest/);
		const later = emu.addMessages(thread, 2, 1, 'after high floor');
		expect(ids((await t.poll()).items)).toEqual(later.map((m) => m.MessageId));
	});

	it('a message with an id near the int64 maximum is emitted once and does not mute its thread', async () => {
		const { emu } = site;
		const thread = emu.createThread(2, [1], 'Huge id').InstantMessageThreadId;
		const t = trigger({ event: 'newMessage' });
		await t.poll();
		const [odd] = emu.addMessages(thread, 2, 1, 'huge');
		const HUGE = '9223372036854775806';
		const swap = (value: unknown): unknown =>
			Array.isArray(value)
				? value.map(swap)
				: value && typeof value === 'object'
					? Object.fromEntries(
							Object.entries(value).map(([k, v]) => [
								k,
								k === 'MessageId' && v === odd.MessageId ? HUGE : swap(v),
							]),
						)
					: value;
		// Every answer shows that message with the huge id (as a JSON number: the node must keep it exact).
		emu.injectFault({
			kind: 'rewrite',
			times: 100000,
			match: { path: new RegExp(`^${API}/messagethreads/`) },
			rewrite: (body) => JSON.stringify(swap(body)).split(`"${HUGE}"`).join(HUGE),
		});
		const first = await t.poll();
		expect(ids(first.items)).toEqual([HUGE]);
		const later = emu.addMessages(thread, 2, 2, 'after huge');
		expect(ids((await t.poll()).items)).toEqual(later.map((m) => m.MessageId));
		expect((await t.poll()).items).toBeNull();
	});
});

describe('exact int64 ids', () => {
	it('a thread id above 2^53 from the parameter is requested with its exact digits', async () => {
		const t = trigger({ event: 'threadUnreadCountChanged', threadIds: '9007199254740993' });
		const mark = site.emu.apiRequests().length;
		await t.poll();
		const urls = site.emu
			.apiRequests()
			.slice(mark)
			.map((r) => r.rawPath);
		expect(urls).toContain(`${API}/messagethreads/9007199254740993/unread/count/v1`);
		expect(urls.some((u) => u.includes('9007199254740992'))).toBe(false);
	});
});

describe("n8n 2.41's poll budget", () => {
	it('a catch-up larger than the budget is spread over polls: every message once, nothing lost', async () => {
		const { emu } = site;
		const threads = Array.from(
			{ length: 6 },
			(_, i) => emu.createThread(2 + (i % 3), [1], `Budget ${i}`).InstantMessageThreadId,
		);
		// A budget so small that each poll reads one thread only.
		const t = trigger({ event: 'newMessage' }, { pollBudgetMs: 1 });
		await t.poll();
		const sent = threads
			.flatMap((id) => emu.addMessages(id, emu.getThread(id)!.CreatedBy, 3, 'catch-up'))
			.map((m) => m.MessageId);
		const emitted: unknown[] = [];
		let emittingPolls = 0;
		for (let i = 0; i < 20 && emitted.length < sent.length; i++) {
			const { items, error } = await t.poll();
			expect(error).toBeUndefined();
			if (items) emittingPolls++;
			emitted.push(...ids(items));
		}
		expect(emittingPolls).toBeGreaterThan(1);
		expect([...emitted].sort()).toEqual([...sent].sort());
		expect((await t.poll()).items).toBeNull();
	});

	it('works without the n8n 2.41 extras (n8n 1.x context): no budget, no cursor commit', async () => {
		const { emu } = site;
		const thread = emu.createThread(2, [1], 'Legacy').InstantMessageThreadId;
		const t = trigger({ event: 'newMessage' }, { legacyContext: true });
		await t.poll();
		const sent = emu.addMessages(thread, 2, 2, 'legacy');
		expect(ids((await t.poll()).items)).toEqual(sent.map((m) => m.MessageId));
	});
});
