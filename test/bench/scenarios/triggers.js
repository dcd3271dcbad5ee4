'use strict';
// Scenario 7 (issue #17, point 5): the polling triggers at scale. A user with 1,000 itslearning
// threads / 1,000 Genesys chats (500 rooms and 500 1:1 chats):
// - requests per idle poll (target 1);
// - requests and time per poll when k of the chats got one new message (k = 1, 10, 100);
// - the static data's size (JSON bytes) after seeding, after the k polls and after a catch-up;
// - catch-up after a one-day outage with N waiting messages (50,000; 10,000 for the flat-memory
//   comparison): polls until one comes back empty, every message emitted exactly once, each poll's
//   time against n8n 2.41's default poll budget (5 minutes), heap retained after each run.
//
// The BUILT trigger nodes run in the harness worker (n8n-core PollContext, harness/n8n.ts runPoll)
// against fresh emulators started here; requests are counted on the emulators. Only the nodes'
// public behaviour is used (parameters, static data, emitted items: `messageId`), so the scenario
// re-runs unchanged after the triggers are rewritten:
//   node test/bench/bench.js --only=triggers --merge
const os = require('os');

const { startItslearningEmulator } = require('../../emulator/itslearning.ts');
const { startGenesysEmulator } = require('../../emulator/genesys.ts');
const { QUICK, DAY, log, fmt } = require('../common.js');
const { startWorker } = require('../runners.js');

/** n8n 2.41's default poll budget (PollContext.getPollBudgetMs: 5 minutes). */
const POLL_BUDGET_MS = 5 * 60 * 1000;
// BENCH_TRIGGERS_SMOKE=1: a tiny world, to try the scenario itself out in seconds.
const SIZES = process.env.BENCH_TRIGGERS_SMOKE
	? { chats: 20, ks: [1, 10], catchUp: [200, 400] }
	: QUICK
		? { chats: 1000, ks: [1, 10, 100], catchUp: [5000, 20000] }
		: { chats: 1000, ks: [1, 10, 100], catchUp: [10000, 50000] };
/** Polls at most in one catch-up (a trigger that never gets there is reported, not waited for). */
const MAX_CATCH_UP_POLLS = 30;

const TRIGGER_CRED = {
	its: { id: 'benchTrigIts0001', name: 'itslearning (bench triggers)' },
	gen: { id: 'benchTrigGen0001', name: 'Genesys (bench triggers)' },
};

/**
 * A world of `chats` chats, each with one message older than the outage; `post(i)` adds one new
 * message to chat i (dated now), `outage(n)` adds n messages spread over the chats and the last
 * 24 hours. Returns the ids of what it added.
 */
async function itslearningWorld(chats) {
	const emu = await startItslearningEmulator({ tokenLifetimeSeconds: DAY });
	// Reads as person 1; the messages come from person 3 (not the user's own: all are emitted).
	const token = emu.issueToken({ personId: 1, lifetimeSeconds: DAY });
	const threads = [];
	for (let i = 0; i < chats; i++) {
		const id = emu.createThread(1, [3], `Scale thread ${i + 1}`).InstantMessageThreadId;
		emu.addMessages(id, 3, 1, 'Before');
		threads.push(id);
	}
	return {
		label: 'itslearning trigger, New Message',
		short: 'itslearning',
		chatsLabel: `${chats} threads`,
		emu,
		credentials: [
			{
				...TRIGGER_CRED.its,
				type: 'itslearningOAuth2Api',
				data: {
					serverUrl: emu.url,
					clientId: 'n8n-test-client',
					clientSecret: '',
					instantMessageScope: true,
					additionalScopes: [],
					requestSigning: 'header',
					oauthTokenData: { ...token },
				},
			},
		],
		trigger: {
			nodeType: 'itslearningInstantMessageTrigger',
			parameters: { event: 'newMessage' },
			credentialTypes: ['itslearningOAuth2Api'],
		},
		post: (i) => emu.addMessages(threads[i], 3, 1, 'New').map((m) => String(m.MessageId)),
		outage(n) {
			// Round robin, so that the threads' activity interleaves as it would over a day.
			const ids = [];
			for (let j = 0; ids.length < n; j++)
				for (let i = 0; i < chats && ids.length < n; i++)
					ids.push(String(emu.addMessages(threads[i], 3, 1, `Outage ${j + 1}`)[0].MessageId));
			return ids;
		},
	};
}

async function genesysWorld(chats) {
	const emu = await startGenesysEmulator({ tokenLifetimeSeconds: DAY });
	const me = emu.userIds[0];
	const other = emu.userIds[1];
	const token = emu.issueUserToken(me, { lifetimeSeconds: DAY, scopes: ['chat'] });
	const twoDaysAgo = Date.now() - 2 * DAY * 1000;
	// Half rooms (me and one other member), half 1:1 chats with people of their own.
	const targets = [];
	for (let i = 0; i < chats; i++) {
		if (i % 2 === 0) {
			const jid = emu.createRoom(me, `Scale room ${i + 1}`, [other]);
			targets.push({ add: (count, options) => emu.addRoomMessages(jid, other, count, options) });
		} else {
			const person = emu.addUser(`Scale person ${i + 1}`).id;
			targets.push({ add: (count, options) => emu.addUserMessages(person, me, count, options) });
		}
		targets[i].add(1, { start: new Date(twoDaysAgo + i * 10) });
	}
	return {
		label: 'Genesys trigger, New Message in Any Chat',
		short: 'Genesys',
		chatsLabel: `${chats / 2} rooms + ${chats / 2} 1:1 chats`,
		emu,
		credentials: [
			{
				...TRIGGER_CRED.gen,
				type: 'genesysCloudOAuth2Api',
				data: {
					serverUrl: 'https://custom.invalid',
					customBaseUrl: emu.url,
					customLoginUrl: '',
					grantType: 'authorizationCode',
					clientId: emu.clientId,
					clientSecret: emu.clientSecret,
					scopes: ['chat'],
					oauthTokenData: { ...token },
				},
			},
		],
		trigger: {
			nodeType: 'genesysChatTrigger',
			parameters: { event: 'newMessageAnyChat' },
			credentialTypes: ['genesysCloudOAuth2Api'],
		},
		post: (i) => targets[i].add(1, { start: new Date(Date.now() - 1) }).map((m) => m.id),
		outage(n) {
			// The messages of the last 24 hours, spread evenly over each chat's day.
			const dayAgo = Date.now() - DAY * 1000;
			const ids = [];
			for (let i = 0; i < chats; i++) {
				const count = Math.floor(n / chats) + (i < n % chats ? 1 : 0);
				if (count === 0) continue;
				const stepMs = Math.floor((DAY * 1000 - 60_000) / count);
				for (const m of targets[i].add(count, { start: new Date(dayAgo + i * 20), stepMs }))
					ids.push(m.id);
			}
			return ids;
		},
	};
}

/** A request's path with the chat in it replaced by its name: `/messagethreads/{threadId}/…`. */
const genericPath = (url) =>
	url
		.split('?')[0]
		.replace(/\/messagethreads\/\d+\//, '/messagethreads/{threadId}/')
		.replace(/\/rooms\/[^/]+\/messages$/, '/rooms/{roomJid}/messages')
		.replace(/\/users\/[^/]+\/messages$/, '/users/{userId}/messages');

const WORLDS = { its: itslearningWorld, gen: genesysWorld };

async function withWorld(service, n8nDir, run) {
	const world = await WORLDS[service](SIZES.chats);
	const worker = await startWorker(world, n8nDir);
	try {
		return await run(world, worker);
	} finally {
		await worker.close();
		await world.emu.close();
	}
}

/** One poll; what the emulator received during it. */
async function poll(world, worker, extra = {}) {
	world.emu.clearRequests();
	const r = await worker.run({ kind: 'triggerPoll', key: 'scale', ...world.trigger, ...extra });
	const requests = world.emu.apiRequests();
	r.requests = requests.length;
	r.requestSample = [...new Set(requests.map((q) => `${q.method} ${genericPath(q.url)}`))];
	world.emu.clearRequests();
	if (r.error) log(`triggers ${world.short}: poll error ${r.error}`);
	return r;
}

/** Idle polls and polls with k changed chats, on one world. */
async function steady(service, n8nDir) {
	return await withWorld(service, n8nDir, async (world, worker) => {
		const seed = await poll(world, worker, { activation: 'activate' });
		const idle = [];
		for (let i = 0; i < 3; i++) idle.push(await poll(world, worker));
		const changed = [];
		for (const k of SIZES.ks) {
			const expected = new Set();
			// Spread over the list, alternately even and odd chats (Genesys: rooms and 1:1 chats).
			for (let j = 0; j < k; j++)
				for (const id of world.post(
					Math.min(SIZES.chats - 1, Math.floor((j * SIZES.chats) / k) + (j % 2)),
				))
					expected.add(id);
			const r = await poll(world, worker, { ids: true });
			const got = new Set(r.ids);
			changed.push({
				k,
				requests: r.requests,
				ms: r.wallMs,
				emitted: r.emitted,
				allOnce: r.ids.length === expected.size && [...expected].every((id) => got.has(id)),
				staticDataBytes: r.staticDataBytes,
				error: r.error,
				requestSample: r.requestSample,
			});
			log(
				`triggers ${world.short} k=${k}: ${r.requests} requests, ${fmt(r.wallMs, 0)} ms, ${r.emitted} emitted`,
			);
		}
		const after = await poll(world, worker);
		const row = {
			label: world.label,
			chats: world.chatsLabel,
			seed: {
				requests: seed.requests,
				ms: seed.wallMs,
				staticDataBytes: seed.staticDataBytes,
				error: seed.error,
			},
			idle: idle.map((r) => ({
				requests: r.requests,
				ms: r.wallMs,
				emitted: r.emitted,
				requestSample: r.requestSample,
				error: r.error,
			})),
			changed,
			idleAfter: {
				requests: after.requests,
				emitted: after.emitted,
				staticDataBytes: after.staticDataBytes,
			},
		};
		log(
			`triggers ${world.short}: idle polls ${row.idle.map((r) => r.requests).join('/')} requests, static data ${seed.staticDataBytes} → ${after.staticDataBytes} bytes`,
		);
		return row;
	});
}

/** Catch-up after an outage with n waiting messages: polls until one emits nothing. A fresh process. */
async function catchUp(service, n8nDir, n) {
	return await withWorld(service, n8nDir, async (world, worker) => {
		await poll(world, worker, { activation: 'activate' });
		const t0 = Date.now();
		const expected = world.outage(n);
		const seedSeconds = (Date.now() - t0) / 1000;
		const base = await worker.run({ kind: 'gc' });
		const polls = [];
		const seen = new Map();
		let heapHeldKb = 0;
		let peakRssKb = 0;
		for (let i = 0; i < MAX_CATCH_UP_POLLS; i++) {
			const r = await poll(world, worker, { ids: true, measure: true });
			for (const id of r.ids) seen.set(id, (seen.get(id) ?? 0) + 1);
			heapHeldKb = Math.max(heapHeldKb, r.heapHeldKb ?? 0);
			peakRssKb = Math.max(peakRssKb, r.maxRssKb ?? 0);
			polls.push({
				requests: r.requests,
				ms: r.wallMs,
				emitted: r.emitted,
				staticDataBytes: r.staticDataBytes,
				error: r.error,
			});
			log(
				`triggers ${world.short} catch-up ${n}: poll ${i + 1}: ${r.emitted} emitted, ${r.requests} requests, ${fmt(r.wallMs / 1000, 1)} s`,
			);
			if (r.emitted === 0 && !r.error) break;
		}
		const after = await worker.run({ kind: 'gc' });
		const missing = expected.filter((id) => !seen.has(id)).length;
		const duplicates = [...seen.values()].filter((c) => c > 1).length;
		const working = polls.filter((p) => p.emitted > 0).length;
		const row = {
			label: world.label,
			chats: world.chatsLabel,
			messages: n,
			seedSeconds,
			polls,
			pollsNeeded: working,
			emitted: polls.reduce((s, p) => s + p.emitted, 0),
			unique: seen.size,
			missing,
			duplicates,
			extra: seen.size - (expected.length - missing),
			maxPollMs: Math.max(...polls.map((p) => p.ms)),
			requests: polls.reduce((s, p) => s + p.requests, 0),
			baseHeapKb: base.heapKb,
			heapHeldKb,
			heapAfterKb: after.heapKb,
			peakRssKb,
			baseRssKb: base.rssKb,
			staticDataBytes: polls[polls.length - 1].staticDataBytes,
		};
		log(
			`triggers ${world.short} catch-up ${n}: ${row.pollsNeeded} polls, ${row.emitted} emitted (${missing} missing, ${duplicates} twice), longest poll ${fmt(row.maxPollMs / 1000, 1)} s`,
		);
		return row;
	});
}

async function triggersAtScale(n8nDir, results) {
	const out = {
		sizes: SIZES,
		pollBudgetMs: POLL_BUDGET_MS,
		started: Date.now(),
		loadBefore: os.loadavg(),
		steady: [],
		catchUp: [],
	};
	for (const service of ['its', 'gen']) {
		out.steady.push(await steady(service, n8nDir));
		for (const n of SIZES.catchUp) out.catchUp.push(await catchUp(service, n8nDir, n));
	}
	out.finished = Date.now();
	out.loadAfter = os.loadavg();
	results.triggers = out;
}

module.exports = { triggersAtScale, POLL_BUDGET_MS };
