/**
 * A pass-through HTTP proxy in front of the itslearning emulator (the scale credential's Site URL
 * points here). It can hold back the next successful answers of the token endpoint for a while:
 * the refresh token is already rotated at the server, but the process that won the refresh gets
 * its new tokens (and stores them) only later — the window in which a second process that lost the
 * same refresh reads the credential store.
 */
import http from 'node:http';

export interface TokenProxy {
	url: string;
	/**
	 * Holds the next `count` 200 answers of `tokenPath` before passing them on: for `ms`, or, with
	 * `untilRefused`, until `ms` after the next refused token request (another process presenting
	 * the refresh token just rotated), at most `untilRefused.maxMs`. The latter makes the race of
	 * two refreshes with the same token certain whenever a second one comes within `maxMs`.
	 */
	holdSuccessfulTokenAnswers(ms: number, count: number, untilRefused?: { maxMs: number }): void;
	/** Token answers held so far. */
	held: number;
	/** Every access token the token endpoint issued through the proxy, with when it passed (ms). */
	issued: Array<{ accessToken: string; at: number }>;
	/** Every 401 answer to a POST that carried a `Text` (a send), with its token and when (ms). */
	unauthorizedSends: Array<{ text: string; token: string; at: number }>;
	close(): Promise<void>;
}

export async function startTokenProxy(upstream: string, tokenPath: string): Promise<TokenProxy> {
	const target = new URL(upstream);
	let hold: { ms: number; count: number; untilRefused?: { maxMs: number } } = { ms: 0, count: 0 };
	/** Held answers waiting for a refused token request (untilRefused). */
	const waiting: Array<() => void> = [];
	/** A token request was refused since the hold was set (the loser may come before the winner). */
	let refusedSinceHold = false;
	const release = (answer: () => void) => {
		let done = false;
		return () => {
			if (done) return;
			done = true;
			answer();
		};
	};
	const state = { held: 0 };
	const issued: TokenProxy['issued'] = [];
	const unauthorizedSends: TokenProxy['unauthorizedSends'] = [];
	const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const body = Buffer.concat(chunks);
			const headers = { ...req.headers, host: target.host };
			const upstreamReq = http.request(
				{
					protocol: target.protocol,
					hostname: target.hostname,
					port: target.port,
					method: req.method,
					path: req.url,
					headers,
					agent,
					timeout: 120_000,
				},
				(upstreamRes) => {
					const parts: Buffer[] = [];
					upstreamRes.on('data', (c: Buffer) => parts.push(c));
					upstreamRes.on('end', () => {
						const answer = () => {
							const out = { ...upstreamRes.headers };
							delete out['transfer-encoding'];
							out['content-length'] = String(Buffer.concat(parts).length);
							res.writeHead(upstreamRes.statusCode ?? 502, out);
							res.end(Buffer.concat(parts));
						};
						const isToken = (req.url ?? '').split('?')[0] === tokenPath;
						try {
							if (isToken && upstreamRes.statusCode === 200) {
								const token = JSON.parse(Buffer.concat(parts).toString('utf8')) as {
									access_token?: string;
								};
								if (token.access_token)
									issued.push({
										accessToken: token.access_token,
										at: Date.now() + (hold.count > 0 ? hold.ms : 0),
									});
							} else if (isToken) {
								// a refused refresh: the held winners answer `ms` from now
								refusedSinceHold = true;
								for (const go of waiting.splice(0)) setTimeout(go, hold.ms);
							} else if (upstreamRes.statusCode === 401 && req.method === 'POST') {
								const text = (JSON.parse(body.toString('utf8')) as { Text?: string }).Text;
								const token = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
								if (typeof text === 'string')
									unauthorizedSends.push({ text, token, at: Date.now() });
							}
						} catch {
							// not JSON: nothing to record
						}
						if (isToken && upstreamRes.statusCode === 200 && hold.count > 0) {
							hold.count--;
							state.held++;
							if (hold.untilRefused && !refusedSinceHold) {
								const go = release(answer);
								waiting.push(go);
								setTimeout(go, hold.untilRefused.maxMs);
							} else setTimeout(answer, hold.ms);
						} else answer();
					});
					upstreamRes.on('error', () => res.destroy());
				},
			);
			upstreamReq.on('error', () => res.destroy());
			upstreamReq.on('timeout', () => upstreamReq.destroy());
			upstreamReq.end(body);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	return {
		url: `http://127.0.0.1:${port}`,
		holdSuccessfulTokenAnswers: (ms, count, untilRefused) => {
			hold = { ms, count, untilRefused };
			refusedSinceHold = false;
		},
		get held() {
			return state.held;
		},
		issued,
		unauthorizedSends,
		close: async () => {
			server.closeAllConnections();
			agent.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
