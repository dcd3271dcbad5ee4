/**
 * Sends prepared requests for one execution (or one poll) and turns failures into NodeApiErrors
 * carrying the service's own message, status, code and correlation id — never a token.
 *
 * Signing: the credential is read once per execution and each request is signed with its access
 * token (Bearer header, or `access_token` in the URL when the credential asks for it), then sent
 * through n8n's plain `httpRequest` helper (n8n's proxy settings and SSRF rules apply). On a 401
 * the stored credential is read again (another execution or worker may have refreshed it already);
 * only when it still holds the refused token does n8n refresh it (`refreshOAuth2Token`, which locks
 * per credential and persists the new token), once per execution for all items. A refresh that
 * fails because another process rotated the refresh token first falls back to the token that
 * process stored.
 *
 * Time: every request has a timeout covering the whole response, body included; waits before a
 * retry come out of a per-item wait budget, a Retry-After longer than what is left of it fails at
 * once, and waits end when the execution is cancelled.
 */
import {
	NodeApiError,
	NodeOperationError,
	sleep,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type IN8nHttpFullResponse,
	type IPollFunctions,
	type JsonObject,
} from 'n8n-workflow';

import { Redactor } from './redact';
import type { PreparedRequest } from './request';
import type { ServiceDefinition } from './service';
import type { EndpointRow } from './types';

export type RequestContext = IExecuteFunctions | IPollFunctions;

/** Limits the user can set (node options); defaults in DEFAULT_LIMITS. */
export interface TransportLimits {
	/** Total time one item may spend waiting before retries (Retry-After and back-off), in ms. */
	maxWaitMs: number;
	/** Time one request may take, from sending to the last byte of the answer, in ms. */
	timeoutMs: number;
	/** Most requests per second this execution sends (0 = no cap). */
	maxRequestsPerSecond: number;
}

export const DEFAULT_LIMITS: TransportLimits = { maxWaitMs: 120_000, timeoutMs: 60_000, maxRequestsPerSecond: 0 };

/** What a failed attempt looked like on the wire. */
interface Failure {
	status?: number;
	headers: IDataObject;
	body?: unknown;
	/** Network error code (ECONNRESET, ETIMEDOUT, …) or MALFORMED_JSON when no usable answer arrived. */
	networkCode?: string;
}

const RETRYABLE_STATUS = new Set([502, 503, 504]);
const RETRYABLE_NETWORK = new Set(['ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ECONNREFUSED', 'ERR_BAD_RESPONSE', 'EAI_AGAIN', 'UND_ERR_SOCKET']);
const IDEMPOTENT = new Set(['GET', 'PUT', 'DELETE', 'HEAD']);
const MALFORMED = 'MALFORMED_JSON';
/**
 * How long a worker whose refresh was refused as spent (another worker rotated the refresh token
 * first) watches the stored credential for the winner's new token, and how often it looks.
 */
const ROTATION_WAIT_MS = 10_000;
/** Spacing factor of Max Requests per Second (requests leave at most at 98 % of the cap). */
const CAP_MARGIN = 1.02;
/** Rate cap: a second plus this margin between a request and the one `cap` places before it. */
const WINDOW_MARGIN_MS = 20;
/** Token renewals one request may make (see send). */
const MAX_RENEWALS = 2;
const ROTATION_POLL_MS = 250;

/** A refresh refused because the refresh token is spent or revoked (n8n: "needs to be reconnected"). */
function isRevokedGrant(error: unknown): boolean {
	const e = error as { message?: unknown; description?: unknown; cause?: unknown } | undefined;
	const text = [e?.message, e?.description, (e?.cause as { message?: unknown } | undefined)?.message].map((v) => String(v ?? '')).join(' ');
	return /invalid_grant|needs to be reconnected|refresh token/i.test(text);
}

/** Network error codes in words, for messages. */
const NETWORK_WORDS: Record<string, string> = {
	ECONNRESET: 'the connection was closed',
	EPIPE: 'the connection was closed',
	UND_ERR_SOCKET: 'the connection was closed',
	ECONNABORTED: 'the connection was aborted',
	ECONNREFUSED: 'the connection was refused',
	ENOTFOUND: 'host name not found',
	EAI_AGAIN: 'host name lookup failed',
	EHOSTUNREACH: 'host unreachable',
	ENETUNREACH: 'network unreachable',
	ERR_BAD_RESPONSE: 'bad response',
	CERT_HAS_EXPIRED: 'TLS certificate expired',
};
const TIMEOUT = 'ETIMEDOUT';

/** The network error code inside what n8n / axios threw, if any. */
function networkCodeOf(error: unknown): string | undefined {
	let current = error as IDataObject | undefined;
	for (let depth = 0; current && depth < 4; depth++) {
		if (typeof current.code === 'string' && /^(E[A-Z_]+|UND_ERR_[A-Z_]+)$/.test(current.code)) return current.code;
		current = current.cause as IDataObject | undefined;
	}
	return undefined;
}

function header(headers: IDataObject, name: string): string | undefined {
	const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
	const value = key === undefined ? undefined : headers[key];
	return Array.isArray(value) ? String(value[0]) : value === undefined || value === null ? undefined : String(value);
}

const HTTP_DATE = /^[A-Za-z]{3},? +\d{1,2}[ -][A-Za-z]{3}[ -]\d{2,4} +\d{2}:\d{2}:\d{2} +GMT$|^[A-Za-z]{3} +[A-Za-z]{3} +\d{1,2} +\d{2}:\d{2}:\d{2} +\d{4}$/;

/**
 * Seconds to wait from a Retry-After header: delta-seconds (a non-negative number) or an HTTP date.
 * Anything else — negative numbers, garbage, dates in the past — counts as absent (undefined), or 0
 * for a past date.
 */
export function retryAfterSeconds(value: string | undefined, now = Date.now()): number | undefined {
	const text = value?.trim() ?? '';
	if (text === '') return undefined;
	if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
	if (!HTTP_DATE.test(text)) return undefined;
	const at = Date.parse(text);
	return Number.isNaN(at) ? undefined : Math.max(0, (at - now) / 1000);
}

/**
 * JSON.parse that keeps integers beyond 2^53 exact: such numbers become digit strings (ids of
 * itslearning messages are int64) instead of being rounded.
 */
export function parseJsonExact(text: string): unknown {
	const safe = text.replace(/"(?:[^"\\]|\\.)*"|(?<![\d.eE+-])-?\d{16,}(?![\d.eE])/g, (match) =>
		match.startsWith('"') || Number.isSafeInteger(Number(match)) ? match : `"${match}"`,
	);
	return JSON.parse(safe) as unknown;
}

function parseBody(body: unknown, headers: IDataObject): unknown {
	const text = Buffer.isBuffer(body) ? body.toString('utf8') : body;
	if (typeof text !== 'string') return text;
	const trimmed = text.trim();
	if (trimmed === '') return '';
	const json = (header(headers, 'content-type') ?? '').includes('json');
	if (json || trimmed.startsWith('{') || trimmed.startsWith('[')) {
		try {
			return parseJsonExact(trimmed);
		} catch {
			if (json) throw Object.assign(new Error('The service answered with malformed JSON'), { code: MALFORMED });
		}
	}
	return text;
}

/** n8n's HTTP client leaves out a body that is `{}`; such a body is sent as JSON text instead. */
const emptyObject = (body: unknown) =>
	body !== null && typeof body === 'object' && !Buffer.isBuffer(body) && Object.getPrototypeOf(body) === Object.prototype && Object.keys(body).length === 0;

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

export class Transport {
	readonly redactor = new Redactor();

	readonly limits: TransportLimits;

	private credentials: ICredentialDataDecryptedObject | undefined;

	private accessToken: string | undefined;

	/** Every secret this transport has held (tokens before and after a refresh): all are redacted. */
	private readonly secretsSeen = new Set<string>();

	/** One token renewal at a time for all items of this execution. */
	private renewal: Promise<{ token?: string; error?: unknown }> | undefined;

	/** Wait budget left per item (ms). */
	private readonly budgets = new Map<number, number>();

	/**
	 * Shared back-off: when the service answers 429 (or 503) with Retry-After, no request of this
	 * execution goes out before this time (ms since epoch), whichever item it belongs to.
	 */
	private pausedUntil = 0;

	/** Rate cap: the earliest time the next request may start (ms since epoch). */
	private nextSlot = 0;

	/** Rate cap: start times of the last requests (as many as the cap per second). */
	private readonly sent: number[] = [];

	/**
	 * The service's clock from the Date header of its last answer: `server` (ms since epoch) read at
	 * local time `at`. Triggers cap their time watermarks with it (undefined until an answer had one).
	 */
	serverClock: { server: number; at: number } | undefined;

	/** Requests sent and 429 answers seen by this execution (for the benchmark and tests). */
	readonly stats = { requests: 0, rateLimited: 0, refreshes: 0 };

	constructor(
		private readonly ctx: RequestContext,
		private readonly service: ServiceDefinition,
		/** The service origin requests go to (from the credential). */
		readonly baseUrl: string,
		private readonly oauth2: IDataObject | undefined,
		limits: Partial<TransportLimits> = {},
	) {
		this.limits = { ...DEFAULT_LIMITS, ...limits };
	}

	/**
	 * The transport of one execution, poll or list search: base URL and signing from the credential,
	 * which is read here once (or taken from the caller, who has read it already).
	 */
	static async open(ctx: RequestContext, service: ServiceDefinition, credentials?: ICredentialDataDecryptedObject, limits: Partial<TransportLimits> = {}): Promise<Transport> {
		const creds = credentials ?? (await ctx.getCredentials<ICredentialDataDecryptedObject>(service.credentialType));
		const transport = new Transport(ctx, service, service.baseUrl(creds, ctx.getNode()), service.oauth2Options?.(creds), limits);
		transport.remember(creds);
		return transport;
	}

	/** The execution's cancel signal (absent in polls and on older n8n versions). */
	private get cancelSignal(): AbortSignal | undefined {
		const ctx = this.ctx as Partial<IExecuteFunctions>;
		return typeof ctx.getExecutionCancelSignal === 'function' ? ctx.getExecutionCancelSignal.call(this.ctx) : undefined;
	}

	private remember(credentials: ICredentialDataDecryptedObject): void {
		this.credentials = credentials;
		const token = (credentials.oauthTokenData ?? {}) as IDataObject;
		this.accessToken = typeof token.access_token === 'string' && token.access_token !== '' ? token.access_token : undefined;
		const known = this.secretsSeen.size;
		for (const secret of Redactor.secretsOf(credentials)) this.secretsSeen.add(secret);
		if (this.secretsSeen.size !== known) this.redactor.setSecrets([...this.secretsSeen]);
	}

	/** Reads the credential as n8n stores it now (after a refresh by anyone). */
	private async reloadCredentials(): Promise<ICredentialDataDecryptedObject> {
		const credentials = await this.ctx.getCredentials(this.service.credentialType);
		this.remember(credentials);
		return credentials;
	}

	/**
	 * The access token to sign with, or undefined for a client-credentials credential that has no
	 * token yet: that first request goes through n8n's authenticated helper, which fetches the token
	 * and stores it (n8n's refresh helper cannot start from no token).
	 */
	private async currentToken(itemIndex: number): Promise<string | undefined> {
		if (this.renewal) {
			const outcome = await this.renewal;
			if (outcome.token !== undefined) return outcome.token;
			throw this.refreshError(outcome.error, itemIndex);
		}
		if (!this.credentials) await this.reloadCredentials();
		if (this.accessToken) return this.accessToken;
		if (this.credentials?.grantType !== 'clientCredentials') {
			throw new NodeOperationError(this.ctx.getNode(), `The ${this.service.credentialDisplayName} credential is not connected`, {
				itemIndex,
				description: 'Open the credential and click "Connect my account" (or "Reconnect") to sign in.',
			});
		}
		return undefined;
	}

	/**
	 * A token to replace `refused`: the stored one if someone else already replaced it, otherwise a
	 * new one from n8n's refresh (persisted by n8n). Single flight for all items of the execution.
	 */
	private async renew(refused: string | undefined, itemIndex: number): Promise<string> {
		this.renewal ??= (async () => {
			try {
				return await this.renewOnce(refused, itemIndex);
			} finally {
				this.renewal = undefined;
			}
		})();
		const outcome = await this.renewal;
		if (outcome.token !== undefined) return outcome.token;
		throw this.refreshError(outcome.error, itemIndex);
	}

	/** One renewal: the stored token if someone else replaced `refused`, else n8n's refresh. Never throws. */
	private async renewOnce(refused: string | undefined, itemIndex: number): Promise<{ token?: string; error?: unknown }> {
		try {
			const stored = await this.reloadCredentials();
			if (this.accessToken && this.accessToken !== refused && !this.storedTokenExpired()) return { token: this.accessToken };
			this.stats.refreshes++;
			const data = (await this.ctx.helpers.refreshOAuth2Token.call(
				this.ctx,
				this.service.credentialType,
				this.oauth2 ? { ...this.oauth2, tokenType: undefined } : undefined,
			)) as IDataObject;
			const token = typeof data?.access_token === 'string' ? data.access_token : undefined;
			this.remember({ ...stored, oauthTokenData: { ...(stored.oauthTokenData as IDataObject), ...data } });
			return token ? { token } : { error: new Error('The token endpoint answered without an access_token') };
		} catch (error) {
			// Another execution or worker may have rotated the refresh token a moment before: its
			// new access token is in the store by now, or will be as soon as its refresh answer
			// arrives. When the refresh token was refused as spent, watch the store for a while.
			const deadline = Date.now() + (isRevokedGrant(error) ? ROTATION_WAIT_MS : 0);
			for (;;) {
				try {
					await this.reloadCredentials();
				} catch {
					// keep the refresh error
				}
				if (this.accessToken && this.accessToken !== refused) return { token: this.accessToken };
				if (Date.now() >= deadline) return { error };
				try {
					await this.sleep(ROTATION_POLL_MS, itemIndex);
				} catch (cancelled) {
					return { error: cancelled };
				}
			}
		}
	}

	/** Whether the stored token is past the expiry n8n stamped on it when it stored it (`n8n_expires_at`). */
	private storedTokenExpired(): boolean {
		const expiresAt = Number(((this.credentials?.oauthTokenData ?? {}) as IDataObject).n8n_expires_at);
		return Number.isFinite(expiresAt) && expiresAt > 0 && expiresAt <= Date.now();
	}

	private refreshError(error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
		const node = this.ctx.getNode();
		const original = error as { message?: string; description?: string; httpCode?: string };
		const message = this.redactor.text(String(original?.message ?? error));
		const description = this.redactor.text(
			[
				original?.description,
				`The ${this.service.credentialDisplayName} credential's token could not be renewed. If it keeps failing, open the credential and reconnect it.`,
			]
				.filter(Boolean)
				.join('\n'),
		);
		return new NodeApiError(node, { message } as JsonObject, {
			message,
			description,
			...(original?.httpCode ? { httpCode: original.httpCode } : {}),
			itemIndex,
		});
	}

	private budgetLeft(itemIndex: number): number {
		return this.budgets.get(itemIndex) ?? this.limits.maxWaitMs;
	}

	/** Waits out the shared back-off and the rate cap before a request goes out. */
	private async beforeSending(itemIndex: number): Promise<void> {
		for (;;) {
			const now = Date.now();
			if (this.pausedUntil > now) {
				await this.sleep(this.pausedUntil - now, itemIndex);
				continue;
			}
			const cap = this.limits.maxRequestsPerSecond;
			if (cap > 0) {
				const slot = Math.max(now, this.nextSlot);
				// 2 % under the cap: a request sent on time can arrive a little early relative to the
				// service's own one-second windows, and one request too many costs a full second of back-off.
				this.nextSlot = slot + (1000 / cap) * CAP_MARGIN;
				if (slot > now) await this.sleep(slot - now, itemIndex);
				// Timers of several items that fire late together (a busy event loop) would leave
				// back to back: no request starts less than a second (plus a margin) after the one
				// `cap` places before it, whatever the timers did.
				const window = Math.max(1, Math.floor(cap));
				for (;;) {
					const earlier = this.sent.length >= window ? this.sent[this.sent.length - window] : undefined;
					const wait = earlier === undefined ? 0 : earlier + 1000 + WINDOW_MARGIN_MS - Date.now();
					if (wait <= 0) break;
					await this.sleep(wait, itemIndex);
				}
				this.sent.push(Date.now());
				if (this.sent.length > window) this.sent.splice(0, this.sent.length - window);
			}
			return;
		}
	}

	/** Waits `ms` out of the item's retry wait budget, ending early (with an error) when the execution is cancelled. */
	private async wait(ms: number, itemIndex: number): Promise<void> {
		this.budgets.set(itemIndex, this.budgetLeft(itemIndex) - ms);
		await this.sleep(ms, itemIndex);
	}

	/** Sleeps `ms`, ending early (with an error) when the execution is cancelled. */
	private async sleep(ms: number, itemIndex: number): Promise<void> {
		const signal = this.cancelSignal;
		if (!signal) return await sleep(ms);
		if (signal.aborted) throw this.cancelled(itemIndex);
		let onAbort: (() => void) | undefined;
		try {
			await Promise.race([
				sleep(ms, signal),
				new Promise<void>((_, reject) => {
					onAbort = () => reject(this.cancelled(itemIndex));
					signal.addEventListener('abort', onAbort, { once: true });
				}),
			]);
		} catch {
			throw this.cancelled(itemIndex);
		} finally {
			if (onAbort) signal.removeEventListener('abort', onAbort);
		}
	}

	private cancelled(itemIndex: number): NodeOperationError {
		return new NodeOperationError(this.ctx.getNode(), 'The execution was cancelled', { itemIndex });
	}

	/** One attempt on the wire: the answer whatever its status, or what went wrong before one arrived. Never throws. */
	private async attempt(request: PreparedRequest, token: string | undefined): Promise<{ response?: IN8nHttpFullResponse; code?: string; error?: unknown }> {
		let url = `${this.baseUrl}${request.url}`;
		const headers: IDataObject = { ...request.headers };
		if (token === undefined) {
			// no token yet (client credentials): n8n signs this one after fetching a token
		} else if (this.oauth2?.tokenType === 'query') {
			url += `${url.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(token)}`;
			// As n8n does for query-signed requests: no caching of URLs that carry a token.
			headers.Pragma = 'no-store';
			headers['Cache-Control'] = 'no-store';
		} else {
			headers.Authorization = `Bearer ${token}`;
		}
		// One signal for this attempt: the execution's cancel signal or the whole-response timeout.
		// (Joined by hand rather than with AbortSignal.any, so nothing stays attached to the
		// long-lived cancel signal after the attempt.)
		const cancel = this.cancelSignal;
		const timeout = AbortSignal.timeout(this.limits.timeoutMs);
		const controller = new AbortController();
		const abort = () => controller.abort();
		cancel?.addEventListener('abort', abort, { once: true });
		timeout.addEventListener('abort', abort, { once: true });
		if (cancel?.aborted) controller.abort();
		const options: IHttpRequestOptions = {
			method: request.method,
			url,
			headers,
			body: emptyObject(request.body) ? '{}' : (request.body as IHttpRequestOptions['body']),
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			encoding: 'text',
			json: false,
			timeout: this.limits.timeoutMs,
			abortSignal: controller.signal,
			// A credential never leaves the origin it was signed for: redirects are not followed (a
			// 3xx becomes an error in send), and should a redirect be followed anyway, n8n is told to
			// drop the credential on another origin.
			disableFollowRedirect: true,
			maxRedirects: 0,
			sendCredentialsOnCrossOriginRedirect: false,
		};
		try {
			if (token !== undefined) return { response: (await this.ctx.helpers.httpRequest(options)) as IN8nHttpFullResponse };
			const response = (await this.ctx.helpers.httpRequestWithAuthentication.call(
				this.ctx,
				this.service.credentialType,
				options,
				this.oauth2 ? { oauth2: this.oauth2 } : undefined,
			)) as IN8nHttpFullResponse;
			await this.reloadCredentials();
			return { response };
		} catch (error) {
			if (cancel?.aborted) return { code: 'CANCELLED', error };
			if (timeout.aborted) return { code: TIMEOUT, error };
			return { code: networkCodeOf(error), error };
		} finally {
			cancel?.removeEventListener('abort', abort);
			timeout.removeEventListener('abort', abort);
		}
	}

	/** Sends the request and returns the parsed answer (undefined or '' for empty answers). */
	async send(row: EndpointRow, request: PreparedRequest, itemIndex: number): Promise<unknown> {
		const { maxRetries } = this.service.retry;
		let token = await this.currentToken(itemIndex);
		// A token taken from the store (stored by another execution) may itself expire before it is
		// used, so a request may renew twice; a third 401 is the service's answer.
		let renewals = 0;
		for (let attempt = 0; ; attempt++) {
			let failure: Failure;
			await this.beforeSending(itemIndex);
			this.stats.requests++;
			const { response, code, error } = await this.attempt(request, token);
			if (code === 'CANCELLED') throw this.cancelled(itemIndex);
			if (response) {
				const headers = (response.headers ?? {}) as IDataObject;
				const status = response.statusCode;
				const serverDate = Date.parse(header(headers, 'date') ?? '');
				if (!Number.isNaN(serverDate)) this.serverClock = { server: serverDate, at: Date.now() };
				if (status === 401 && renewals < MAX_RENEWALS && token !== undefined) {
					renewals++;
					token = await this.renew(token, itemIndex);
					attempt--;
					continue;
				}
				let body: unknown;
				let malformed = false;
				try {
					body = parseBody(response.body, headers);
				} catch {
					malformed = true;
					body = typeof response.body === 'string' ? response.body : undefined;
				}
				if (status >= 300 && status < 400) throw this.redirectError(row, status, header(headers, 'location'), itemIndex);
				if (status >= 200 && status < 300 && !malformed) return body;
				failure = status >= 200 && status < 300 ? { headers, networkCode: MALFORMED } : { status, headers, body };
			} else if (error instanceof NodeApiError || error instanceof NodeOperationError) {
				// Raised by n8n itself (e.g. fetching a first client-credentials token): keep its words, redacted.
				throw this.refreshError(error, itemIndex);
			} else {
				failure = { headers: {}, networkCode: code ?? 'network error' };
			}
			const idempotent = IDEMPOTENT.has(request.method);
			const retryable =
				failure.status === 429 ||
				(idempotent && failure.status !== undefined && RETRYABLE_STATUS.has(failure.status)) ||
				(idempotent && failure.networkCode !== undefined && (RETRYABLE_NETWORK.has(failure.networkCode) || failure.networkCode === MALFORMED));
			if (!retryable || attempt >= maxRetries) throw this.toError(row, failure, itemIndex, attempt);
			const asked = retryAfterSeconds(header(failure.headers, 'retry-after'));
			if (failure.status === 429) this.stats.rateLimited++;
			const waitMs = (asked ?? Math.min(2 ** attempt, 30)) * 1000;
			const left = this.budgetLeft(itemIndex);
			if (waitMs > left) throw this.toError(row, failure, itemIndex, attempt, { askedMs: asked === undefined ? undefined : waitMs, leftMs: left });
			// A rate limit holds for the whole execution: items running alongside wait too.
			if (asked !== undefined && (failure.status === 429 || failure.status === 503)) this.pausedUntil = Math.max(this.pausedUntil, Date.now() + waitMs);
			await this.wait(waitMs, itemIndex);
		}
	}

	/**
	 * A redirect answer: never followed (the token, and a write's body, would go with it), reported
	 * with the status and the origin it pointed to (no path or query, which may carry a token).
	 */
	private redirectError(row: EndpointRow, status: number, location: string | undefined, itemIndex: number): NodeApiError {
		let target = 'no valid Location';
		try {
			if (location !== undefined) target = new URL(location, `${this.baseUrl}/`).origin;
		} catch {
			// keep 'no valid Location'
		}
		const message = `${this.service.displayName} answered with a redirect (${status}) to ${target}, which was not followed`;
		return new NodeApiError(this.ctx.getNode(), { message: this.redactor.text(message), status } as JsonObject, {
			message: this.redactor.text(message),
			description: this.redactor.text(
				`A credential never leaves the origin it was signed for (${this.baseUrl}): requests are not redirected. Check the URL in the ${this.service.credentialDisplayName} credential.\nRequest: ${row.method} ${row.path} (${row.sdkMethod})`,
			),
			httpCode: String(status),
			itemIndex,
		});
	}

	/** Removes secrets from an error raised while handling an item, in place, and returns it. */
	redactError<T extends Error>(error: T): T {
		const target = error as T & { description?: unknown; messages?: unknown; context?: IDataObject; errorResponse?: unknown };
		target.message = this.redactor.text(target.message);
		if (typeof target.description === 'string') target.description = this.redactor.text(target.description);
		if (Array.isArray(target.messages)) target.messages = target.messages.map((m) => (typeof m === 'string' ? this.redactor.text(m) : m));
		if (target.context) target.context = this.redactor.deep(target.context);
		if (target.errorResponse) target.errorResponse = this.redactor.deep(target.errorResponse);
		return error;
	}

	private toError(
		row: EndpointRow,
		failure: Failure,
		itemIndex: number,
		retries: number,
		budget?: { askedMs?: number; leftMs: number },
	): NodeApiError {
		const node = this.ctx.getNode();
		const r = (text: string) => this.redactor.text(text);
		const retried = retries > 0 ? ` (after ${retries} ${retries === 1 ? 'retry' : 'retries'})` : '';
		const budgetNote = budget
			? budget.askedMs !== undefined
				? `The service asked to wait ${seconds(budget.askedMs)} before retrying (Retry-After), longer than the ${seconds(budget.leftMs)} left of this item's retry wait budget (Request Options → Max Retry Wait, ${seconds(this.limits.maxWaitMs)}).`
				: `The retry wait budget of this item is used up (Request Options → Max Retry Wait, ${seconds(this.limits.maxWaitMs)}).`
			: undefined;
		if (failure.status === undefined) {
			const reason =
				failure.networkCode === MALFORMED
					? 'answered with malformed JSON'
					: failure.networkCode === TIMEOUT
						? `did not answer completely within ${seconds(this.limits.timeoutMs)} (Request Options → Timeout)`
						: `could not be reached (${NETWORK_WORDS[failure.networkCode ?? ''] ?? 'network error'})`;
			// The code goes into the description only: n8n replaces a message that names one
			// (ECONNRESET, …) with a generic text that hides which service failed.
			return new NodeApiError(node, { message: `${this.service.displayName} ${reason}` } as JsonObject, {
				message: `${this.service.displayName} ${reason}${retried}`,
				description: [
					failure.networkCode && failure.networkCode !== MALFORMED && `Code: ${failure.networkCode}`,
					`Request: ${row.method} ${row.path} (${row.sdkMethod})`,
					budgetNote,
				]
					.filter(Boolean)
					.join('\n'),
				itemIndex,
			});
		}
		const parsed = this.service.parseError(failure.status, failure.body, failure.headers);
		const correlationId = parsed.correlationId ?? (this.service.correlationHeader ? header(failure.headers, this.service.correlationHeader) : undefined);
		const hint = this.service.hint?.(failure.status, row, parsed);
		const message = r(parsed.message);
		const code = parsed.code === undefined ? undefined : r(parsed.code);
		const description = r(
			[code && `Code: ${code}`, correlationId && `Correlation ID: ${correlationId}`, `Request: ${row.method} ${row.path} (${row.sdkMethod})${retried}`, budgetNote, hint]
				.filter(Boolean)
				.join('\n'),
		);
		const errorResponse: JsonObject = {
			message,
			status: failure.status,
			...(code ? { code } : {}),
			...(correlationId ? { correlationId: r(correlationId) } : {}),
			...(parsed.details ? { details: this.redactor.deep(parsed.details) as JsonObject } : {}),
		};
		return new NodeApiError(node, errorResponse, {
			message: `${this.service.displayName} error ${failure.status}: ${message}`,
			description,
			httpCode: String(failure.status),
			itemIndex,
		});
	}
}
