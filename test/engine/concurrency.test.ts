/**
 * Request Options → Concurrency and Max Requests per Second, through n8n-core against the Genesys
 * emulator: output order and pairedItem exactly as sequential, Continue On Fail error items in
 * place, the first failing item's error without it, one shared back-off in a 429 storm and the
 * per-execution cap on requests per second.
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { jsonOf, run, select, useGenesys } from '../genesys/setup';

const env = useGenesys();

const rooms: string[] = [];
beforeAll(() => {
	for (let i = 0; i < 24; i++) rooms.push(env.emu.createRoom(env.me.id, `Room ${i}`));
});

const input = (jids: string[]): INodeExecutionData[] =>
	jids.map((jid, i) => ({ json: { jid, n: i } }));
const getRoom = (requestOptions: IDataObject): INodeParameters => ({
	...select('getChatsRoom'),
	roomJid: '={{ $json.jid }}',
	requestOptions: requestOptions as INodeParameters,
});
const apiRequests = () => env.emu.apiRequests();

describe('Concurrency', () => {
	beforeEach(() => env.emu.clearRequests());

	it('runs up to N items at once, and the output keeps input order and pairing', async () => {
		// The first requests answer slowly, so later items finish first.
		env.emu.injectFault({ kind: 'delay', delayMs: 300, times: 4, match: { method: 'GET' } });
		const result = await run(env, getRoom({ concurrency: 8 }), { input: input(rooms) });
		expect(result.error).toBeUndefined();
		expect(jsonOf(result).map((json) => json.jid)).toEqual(rooms);
		expect(result.items.map((item) => item.pairedItem)).toEqual(rooms.map((_, i) => ({ item: i })));
		expect(apiRequests()).toHaveLength(rooms.length);
		// Proof the items overlapped: the 5th request arrived before the first answer (300 ms).
		const arrivals = apiRequests().map((r) => r.receivedAt!);
		expect(arrivals[4] - arrivals[0]).toBeLessThan(300);
	});

	it('with Continue On Fail, failed items become error items in their own place', async () => {
		const jids = rooms
			.slice(0, 10)
			.map((jid, i) => (i % 3 === 1 ? `missing-${i}@conference.example` : jid));
		const result = await run(env, getRoom({ concurrency: 4 }), {
			input: input(jids),
			continueOnFail: true,
		});
		expect(result.error).toBeUndefined();
		const out = jsonOf(result);
		expect(out).toHaveLength(10);
		out.forEach((json, i) => {
			if (i % 3 === 1) expect(json.error).toMatch(/^Genesys Cloud error 404/);
			else expect(json.jid).toBe(jids[i]);
		});
		expect(result.items.map((item) => item.pairedItem)).toEqual(jids.map((_, i) => ({ item: i })));
	});

	it('without Continue On Fail, the error is the first failing item and no item starts after it', async () => {
		const jids = rooms
			.slice(0, 16)
			.map((jid, i) => (i === 5 || i === 9 ? `missing-${i}@conference.example` : jid));
		const result = await run(env, getRoom({ concurrency: 3 }), { input: input(jids) });
		expect(result.error?.message).toMatch(/^Genesys Cloud error 404/);
		expect(result.error?.context.itemIndex).toBe(5);
		// Items 0..5 plus at most the two others in flight were sent.
		expect(apiRequests().length).toBeLessThanOrEqual(8);
	});
});

describe('rate limits', () => {
	beforeEach(() => env.emu.clearRequests());
	afterEach(() => env.emu.setRateLimit(undefined));

	it('a 429 storm with Concurrency 8: one shared back-off, every item done, nothing fails', async () => {
		env.emu.setRateLimit({ max: 6, windowMs: 1000 });
		const mark = env.responses.length;
		const jids = [...rooms, ...rooms].slice(0, 30);
		const result = await run(env, getRoom({ concurrency: 8 }), { input: input(jids) });
		expect(result.error).toBeUndefined();
		expect(jsonOf(result).map((json) => json.jid)).toEqual(jids);
		// One shared back-off: once a 429 (Retry-After: 1) has gone out, no lane sends anything until
		// the second is over (requests already on their way within 100 ms aside).
		const storm = env.responses.slice(mark);
		const limited = storm.filter((r) => r.status === 429);
		expect(limited.length).toBeGreaterThan(0);
		const arrivals = apiRequests().map((r) => r.receivedAt!);
		for (const answer of limited) {
			const quiet = arrivals.filter((t) => t > answer.sentAt! + 100 && t < answer.sentAt! + 900);
			expect(quiet).toEqual([]);
		}
		// The service never served more than its limit in a second: every item got through on time.
		expect(storm.filter((r) => r.status === 200)).toHaveLength(jids.length);
	});

	it('Max Requests per Second keeps every second at or under the cap, so the service never answers 429', async () => {
		env.emu.setRateLimit({ max: 5, windowMs: 1000 });
		const mark = env.responses.length;
		const jids = rooms.slice(0, 15);
		const result = await run(env, getRoom({ concurrency: 8, maxRequestsPerSecond: 4 }), {
			input: input(jids),
		});
		expect(result.error).toBeUndefined();
		expect(jsonOf(result).map((json) => json.jid)).toEqual(jids);
		expect(env.responses.slice(mark).filter((r) => r.status === 429)).toHaveLength(0);
		// Requests leave 250 ms apart; measured at the server (arrival jitter of a loaded machine
		// allowed for), no 850 ms window holds more than 4 of them.
		const arrivals = apiRequests().map((r) => r.receivedAt!);
		for (const start of arrivals)
			expect(arrivals.filter((t) => t >= start && t < start + 850).length).toBeLessThanOrEqual(4);
		expect(arrivals[arrivals.length - 1] - arrivals[0]).toBeGreaterThanOrEqual(14 * 250 - 100);
	});
});
