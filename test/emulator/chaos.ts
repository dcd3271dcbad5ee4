/**
 * Random fault injection for the emulators (chaos tests): once switched on, a seeded share of the
 * matching requests gets a 429 / 5xx / 401, a short delay or a dropped connection. Deterministic
 * for a given seed and request order. Installed by each emulator before its routes (a Fastify
 * preHandler hook, after core.ts has logged the request).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export type ChaosKind = '401' | '429' | '500' | '502' | '503' | '504' | 'delay' | 'drop';

export interface ChaosOptions {
	/** Share of matching requests that get a fault, 0..1. */
	rate: number;
	/** PRNG seed. */
	seed: number;
	/** Relative weights of the fault kinds (default: 429 and 503 mostly, some 502/504/500/drop/delay/401). */
	kinds?: Partial<Record<ChaosKind, number>>;
	/** Retry-After seconds sent with 429/502/503/504: `[value, probability]` pairs (default 0, and 1 on one in ten). */
	retryAfter?: Array<[number, number]>;
	/** Delay range in ms for `delay` (default 20–250). */
	delayMs?: [number, number];
	/** Which requests may get a fault (default: every request that is not to a token endpoint). */
	applies?: (request: {
		method: string;
		rawPath: string;
		authorization?: string;
		url: string;
	}) => boolean;
}

export interface ChaosControl {
	/** Switches chaos on (options) or off (undefined); resets the counters. */
	setChaos(options: ChaosOptions | undefined): void;
	/** Faults injected since the last setChaos, by kind, plus `requests` considered. */
	chaosStats(): Record<string, number>;
}

const DEFAULT_KINDS: Record<ChaosKind, number> = {
	'429': 35,
	'503': 25,
	'502': 8,
	'504': 8,
	'500': 6,
	delay: 12,
	drop: 4,
	'401': 2,
};

/** mulberry32: a small, fast, seeded PRNG. */
export function seededRandom(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const wait = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

export function installChaos(
	app: FastifyInstance,
	isTokenPath: (rawPath: string) => boolean,
	errorBody: (status: number, message: string) => unknown,
): ChaosControl {
	let options: ChaosOptions | undefined;
	let random: () => number = Math.random;
	let stats: Record<string, number> = {};

	app.addHook('preHandler', async (req: FastifyRequest, reply: FastifyReply) => {
		if (!options) return;
		const url = req.raw.url ?? '/';
		const rawPath = url.split('?')[0];
		const authorization =
			typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined;
		const applies = options.applies
			? options.applies({ method: req.method, rawPath, authorization, url })
			: !isTokenPath(rawPath);
		if (!applies) return;
		stats.requests = (stats.requests ?? 0) + 1;
		if (random() >= options.rate) return;
		const weights = Object.entries({ ...DEFAULT_KINDS, ...(options.kinds ?? {}) }).filter(
			([, w]) => w > 0,
		) as Array<[ChaosKind, number]>;
		const total = weights.reduce((sum, [, w]) => sum + w, 0);
		let pick = random() * total;
		const kind = weights.find(([, w]) => (pick -= w) < 0)?.[0] ?? weights[0][0];
		stats[kind] = (stats[kind] ?? 0) + 1;
		if (kind === 'delay') {
			const [min, max] = options.delayMs ?? [20, 250];
			await wait(min + Math.floor(random() * (max - min)));
			return;
		}
		if (kind === 'drop') {
			req.raw.socket.destroy();
			return await reply.hijack();
		}
		const status = Number(kind);
		if (status !== 401 && status !== 500) {
			let roll = random();
			const pairs = options.retryAfter ?? [
				[1, 0.1],
				[0, 1],
			];
			const seconds = pairs.find(([, p]) => (roll -= p) < 0)?.[0] ?? 0;
			void reply.header('Retry-After', String(seconds));
		}
		return await reply
			.code(status)
			.type('application/json')
			.send(
				JSON.stringify(
					errorBody(status, status === 401 ? 'Chaos: token refused' : `Chaos: injected ${status}`),
				),
			);
	});

	return {
		setChaos(next) {
			options = next;
			random = next ? seededRandom(next.seed) : Math.random;
			stats = {};
		},
		chaosStats: () => ({ ...stats }),
	};
}
