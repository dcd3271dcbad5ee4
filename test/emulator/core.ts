/**
 * Shared plumbing for the service emulators: a Fastify server on 127.0.0.1 (free port), a log of
 * every request exactly as it arrived on the wire, fault injection and an optional rate limit.
 * Service emulators (itslearning.ts, genesys.ts) register their routes on `app` and build on this.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';

export interface RecordedRequest {
	method: string;
	/** Raw request target as received: path plus query, percent-encoding untouched. */
	url: string;
	/** Raw path (no query), percent-encoding untouched, e.g. `/api/v2/chats/rooms/a%40b/messages`. */
	rawPath: string;
	/** Raw query string without `?` ('' when none). */
	rawQuery: string;
	/** Decoded query pairs in wire order. */
	queryPairs: Array<[string, string]>;
	headers: Record<string, string | string[] | undefined>;
	/** Parsed body: JSON value, `{ fields, files }` for multipart, string for other text, undefined when none. */
	body: unknown;
	rawBody?: Buffer;
	/** Set by a service emulator: the access token that authenticated the request, if any. */
	token?: string;
	/** When the request arrived (ms since epoch). */
	receivedAt?: number;
}

export type FaultKind = 'status' | 'delay' | 'drop' | 'malformed' | 'rewrite';

export interface Fault {
	kind: FaultKind;
	/** `status`: HTTP status to answer with (e.g. 429, 500, 503). */
	status?: number;
	/** `status`: value of the Retry-After header in seconds (sent when set). */
	retryAfter?: number;
	/** `status`: response body; the emulator's own error body when omitted. */
	body?: unknown;
	/** `delay`: milliseconds to wait before handling the request normally. */
	delayMs?: number;
	/**
	 * `rewrite`: the request is handled normally, then its JSON answer goes through this function
	 * before it is sent (hostile server data for one thread or room); a string result is sent as is.
	 */
	rewrite?: (body: unknown) => unknown;
	/** How many matching requests this fault applies to (default 1). */
	times?: number;
	/** Only requests matching this apply (default: every request except token endpoints). */
	match?: { method?: string; path?: RegExp; includeTokenEndpoint?: boolean };
}

export interface RateLimit {
	/** Requests allowed per window per access token (or per client when no token). */
	max: number;
	windowMs: number;
}

export interface EmulatorCore {
	app: FastifyInstance;
	url: string;
	port: number;
	requests: RecordedRequest[];
	/** Requests to API routes only (token/authorize endpoints left out). */
	apiRequests(): RecordedRequest[];
	clearRequests(): void;
	injectFault(fault: Fault): void;
	clearFaults(): void;
	setRateLimit(limit: RateLimit | undefined): void;
	/** Constant emulated latency: every API request (token endpoints excluded) waits this many ms before it is handled (0 = none, the default). */
	setLatency(ms: number): void;
	close(): Promise<void>;
}

export interface CoreOptions {
	/** Paths that are token/authorize endpoints (excluded from faults unless asked, and from apiRequests). */
	isTokenPath: (rawPath: string) => boolean;
	/** Builds the service's own error body for a status (used for injected faults and rate limits). */
	errorBody: (status: number, message: string) => unknown;
	/** Extracts the access token of a request for per-token rate limiting. */
	tokenOf?: (req: FastifyRequest) => string | undefined;
}

const delay = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

/** Parses a raw query string into decoded pairs, preserving order and repeats. */
export function parseQueryPairs(rawQuery: string): Array<[string, string]> {
	if (!rawQuery) return [];
	return [...new URLSearchParams(rawQuery).entries()];
}

export async function createEmulatorCore(
	options: CoreOptions,
): Promise<Omit<EmulatorCore, 'url' | 'port' | 'close'> & { listen(): Promise<EmulatorCore> }> {
	const app = Fastify({ logger: false, bodyLimit: 50 * 1024 * 1024, forceCloseConnections: true });
	const requests: RecordedRequest[] = [];
	let faults: Array<Fault & { left: number }> = [];
	let rateLimit: RateLimit | undefined;
	let latencyMs = 0;
	const windows = new Map<string, { start: number; count: number }>();

	// Keep bodies as buffers so the log holds exactly what arrived; parse JSON ourselves.
	app.removeAllContentTypeParsers();
	app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

	app.addHook('preHandler', async (req: FastifyRequest, reply: FastifyReply) => {
		const raw = req.raw.url ?? '/';
		const q = raw.indexOf('?');
		const rawPath = q === -1 ? raw : raw.slice(0, q);
		const rawQuery = q === -1 ? '' : raw.slice(q + 1);
		const rawBody = Buffer.isBuffer(req.body) ? (req.body as Buffer) : undefined;
		let body: unknown;
		if (rawBody && rawBody.length) {
			const type = String(req.headers['content-type'] ?? '');
			if (type.includes('json')) {
				try {
					body = JSON.parse(rawBody.toString('utf8'));
				} catch {
					body = rawBody.toString('utf8');
				}
			} else if (type.startsWith('multipart/form-data')) {
				body = parseMultipart(rawBody, type);
			} else {
				body = rawBody.toString('utf8');
			}
		}
		(req as FastifyRequest & { parsedBody?: unknown }).parsedBody = body;
		const record: RecordedRequest = {
			method: req.method,
			url: raw,
			rawPath,
			rawQuery,
			queryPairs: parseQueryPairs(rawQuery),
			headers: { ...req.headers },
			body,
			rawBody,
			receivedAt: Date.now(),
		};
		requests.push(record);
		(req as FastifyRequest & { record?: RecordedRequest }).record = record;

		const isToken = options.isTokenPath(rawPath);
		if (latencyMs > 0 && !isToken) await delay(latencyMs);
		const fault = faults.find(
			(f) =>
				f.left > 0 &&
				(!isToken || f.match?.includeTokenEndpoint) &&
				(!f.match?.method || f.match.method === req.method) &&
				(!f.match?.path || f.match.path.test(rawPath)),
		);
		if (fault) {
			fault.left--;
			faults = faults.filter((f) => f.left > 0);
			switch (fault.kind) {
				case 'delay':
					await delay(fault.delayMs ?? 1000);
					break;
				case 'drop':
					req.raw.socket.destroy();
					return await reply.hijack();
				case 'malformed':
					return await reply.code(200).type('application/json').send('{"truncated": [1, 2');
				case 'rewrite':
					(req as FastifyRequest & { rewrite?: (body: unknown) => unknown }).rewrite =
						fault.rewrite;
					break;
				case 'status': {
					const status = fault.status ?? 500;
					if (fault.retryAfter !== undefined)
						void reply.header('Retry-After', String(fault.retryAfter));
					return await reply
						.code(status)
						.type('application/json')
						.send(
							JSON.stringify(fault.body ?? options.errorBody(status, `Injected fault ${status}`)),
						);
				}
			}
		}

		if (rateLimit && !isToken) {
			const key = options.tokenOf?.(req) ?? String(req.headers.authorization ?? 'anonymous');
			// Counted at arrival: an emulated latency (setLatency) delays the answer, not the count.
			const now = record.receivedAt ?? Date.now();
			const w = windows.get(key);
			if (!w || now - w.start >= rateLimit.windowMs) {
				windows.set(key, { start: now, count: 1 });
			} else if (++w.count > rateLimit.max) {
				const retryAfter = Math.max(1, Math.ceil((w.start + rateLimit.windowMs - now) / 1000));
				return await reply
					.code(429)
					.header('Retry-After', String(retryAfter))
					.type('application/json')
					.send(
						JSON.stringify(
							options.errorBody(
								429,
								`Rate limit exceeded the maximum [${rateLimit.max}] requests within [${rateLimit.windowMs / 1000}] seconds`,
							),
						),
					);
			}
		}
	});

	app.addHook('onSend', async (req: FastifyRequest, _reply: FastifyReply, payload: unknown) => {
		const rewrite = (req as FastifyRequest & { rewrite?: (body: unknown) => unknown }).rewrite;
		if (!rewrite || typeof payload !== 'string') return payload;
		let body: unknown;
		try {
			body = JSON.parse(payload);
		} catch {
			return payload;
		}
		const out = rewrite(body);
		return typeof out === 'string' ? out : JSON.stringify(out);
	});

	const controls = {
		app,
		requests,
		apiRequests: () => requests.filter((r) => !options.isTokenPath(r.rawPath)),
		clearRequests: () => {
			requests.length = 0;
		},
		injectFault: (fault: Fault) => {
			faults.push({ ...fault, left: fault.times ?? 1 });
		},
		clearFaults: () => {
			faults = [];
		},
		setRateLimit: (limit: RateLimit | undefined) => {
			rateLimit = limit;
			windows.clear();
		},
		setLatency: (ms: number) => {
			latencyMs = Math.max(0, ms);
		},
	};
	return {
		...controls,
		async listen(): Promise<EmulatorCore> {
			await app.listen({ host: '127.0.0.1', port: 0 });
			const address = app.server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			return {
				...controls,
				url: `http://127.0.0.1:${port}`,
				port,
				close: async () => await app.close(),
			};
		},
	};
}

/** Body of a parsed multipart request: text fields and file parts (any part name). */
export interface MultipartBody {
	fields: Record<string, string>;
	files: Array<{ field: string; filename: string; mimeType: string; content: Buffer }>;
}

/** Minimal RFC 7578 multipart parser for the emulator's request log (the node side builds multipart itself). */
export function parseMultipart(raw: Buffer, contentType: string): MultipartBody {
	const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
	const result: MultipartBody = { fields: {}, files: [] };
	if (!m) return result;
	const boundary = Buffer.from(`--${m[1] ?? m[2]}`);
	let pos = raw.indexOf(boundary);
	while (pos !== -1) {
		const start = pos + boundary.length;
		if (raw.slice(start, start + 2).toString() === '--') break;
		const next = raw.indexOf(boundary, start);
		if (next === -1) break;
		const part = raw.slice(start + 2, next - 2); // skip CRLF after boundary and before next
		const headerEnd = part.indexOf('\r\n\r\n');
		const headerText = part.slice(0, headerEnd).toString('utf8');
		const content = part.slice(headerEnd + 4);
		const name = /name="([^"]*)"/i.exec(headerText)?.[1] ?? '';
		const filename = /filename="([^"]*)"/i.exec(headerText)?.[1];
		const type = /content-type:\s*([^\r\n]+)/i.exec(headerText)?.[1] ?? 'application/octet-stream';
		if (filename !== undefined)
			result.files.push({ field: name, filename, mimeType: type.trim(), content });
		else result.fields[name] = content.toString('utf8');
		pos = next;
	}
	return result;
}

/** One answer as an emulator sent it on the wire. */
export interface WireResponse {
	method: string;
	/** Raw request target: path plus query. */
	url: string;
	rawPath: string;
	status: number;
	/** Header names in lower case, values as text. */
	headers: Record<string, string>;
	/** The body exactly as sent (utf8). */
	body: string;
	/** When the answer was sent (ms since epoch). */
	sentAt?: number;
}

/**
 * Logs every answer an emulator's HTTP server sends (its request log has no answers): the
 * listener goes before Fastify's and wraps the response's writeHead/write/end, so the log holds
 * the status, headers and body as written, in order. Dropped connections write nothing.
 */
export function recordResponses(server: Server): WireResponse[] {
	const log: WireResponse[] = [];
	server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
		const chunks: Buffer[] = [];
		const keep = (chunk: unknown, encoding?: unknown) => {
			if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
			chunks.push(
				Buffer.isBuffer(chunk)
					? chunk
					: Buffer.from(
							chunk as string,
							typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8',
						),
			);
		};
		const headers: Record<string, string> = {};
		const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
		res.writeHead = ((status: number, ...rest: unknown[]) => {
			const given = rest.find((arg) => arg && typeof arg === 'object') as
				| Record<string, unknown>
				| unknown[]
				| undefined;
			if (Array.isArray(given)) {
				for (let i = 0; i + 1 < given.length; i += 2)
					headers[String(given[i]).toLowerCase()] = String(given[i + 1]);
			} else if (given) {
				for (const [name, value] of Object.entries(given))
					headers[name.toLowerCase()] = String(value);
			}
			return writeHead(status, ...rest);
		}) as ServerResponse['writeHead'];
		const write = res.write.bind(res) as (...args: unknown[]) => boolean;
		const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
		res.write = ((chunk: unknown, ...rest: unknown[]) => {
			keep(chunk, rest[0]);
			return write(chunk, ...rest);
		}) as ServerResponse['write'];
		res.end = ((chunk?: unknown, ...rest: unknown[]) => {
			keep(chunk, rest[0]);
			const url = req.url ?? '/';
			const set: Record<string, string> = {};
			for (const [name, value] of Object.entries(res.getHeaders()))
				set[name.toLowerCase()] = String(value);
			log.push({
				method: req.method ?? '',
				url,
				rawPath: url.split('?')[0],
				status: res.statusCode,
				headers: { ...set, ...headers },
				body: Buffer.concat(chunks).toString('utf8'),
				sentAt: Date.now(),
			});
			return end(chunk, ...rest);
		}) as ServerResponse['end'];
	});
	return log;
}
