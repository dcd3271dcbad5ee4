/**
 * How a request is sent: `Transport.open` reads the credential once per execution (or poll, or list
 * search), `send` runs the retry loop around `attempt`, and `attempt` signs one request and puts it
 * on the wire. Failures become NodeApiErrors carrying the service's own message, status, code and
 * correlation id — never a token.
 *
 * Signing: each request is signed with the credential's access token (Bearer header, or
 * `access_token` in the URL when the credential asks for it), then sent through n8n's plain
 * `httpRequest` helper (n8n's proxy settings and SSRF rules apply). A 401 renews the token once
 * per execution for all items (token.ts).
 *
 * Time: every request has a timeout covering the whole response, body included; waits before a
 * retry come out of a per-item wait budget, a Retry-After longer than what is left of it fails at
 * once (pacing.ts), and waits end when the execution is cancelled (cancel.ts).
 *
 * The other concerns have their own files: token.ts (token state and renewal), errors.ts (the
 * errors raised), response.ts (reading an answer), retry.ts (what is retried), pacing.ts (back-off,
 * rate cap, wait budget), cancel.ts (cancellation), limits.ts (limits and defaults).
 */
import {
	NodeApiError,
	NodeOperationError,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type IHttpRequestOptions,
	type IN8nHttpFullResponse,
} from 'n8n-workflow';

import { Cancellation } from './cancel';
import { ErrorBuilder } from './errors';
import { DEFAULT_LIMITS, type RequestContext, type TransportLimits } from './limits';
import { Pacer } from './pacing';
import { Redactor } from './redact';
import { buildRequest, type ParamValues, type PreparedRequest } from './request';
import {
	header,
	MALFORMED,
	networkCodeOf,
	parseBody,
	retryAfterSeconds,
	TIMEOUT,
	type Failure,
} from './response';
import { isRetryable, retryWaitMs } from './retry';
import type { ServiceDefinition } from '../table/service';
import { TokenKeeper } from './token';
import type { EndpointRow } from '../table/types';

/** Token renewals one request may make (see send). */
const MAX_RENEWALS = 2;

/** n8n's HTTP client leaves out a body that is `{}`; such a body is sent as JSON text instead. */
const emptyObject = (body: unknown) =>
	body !== null &&
	typeof body === 'object' &&
	!Buffer.isBuffer(body) &&
	Object.getPrototypeOf(body) === Object.prototype &&
	Object.keys(body).length === 0;

export class Transport {
	readonly redactor = new Redactor();

	private readonly limits: TransportLimits;

	private readonly cancel: Cancellation;

	private readonly errors: ErrorBuilder;

	private readonly tokens: TokenKeeper;

	private readonly pacer: Pacer;

	/**
	 * The service's clock from the Date header of its last answer: `server` (ms since epoch) read at
	 * local time `at`. Triggers cap their time watermarks with it (undefined until an answer had one).
	 */
	serverClock: { server: number; at: number } | undefined;

	constructor(
		private readonly ctx: RequestContext,
		private readonly service: ServiceDefinition,
		/** The service origin requests go to (from the credential). */
		readonly baseUrl: string,
		private readonly oauth2: IDataObject | undefined,
		limits: Partial<TransportLimits> = {},
	) {
		this.limits = { ...DEFAULT_LIMITS, ...limits };
		this.cancel = new Cancellation(ctx);
		this.errors = new ErrorBuilder(ctx, service, this.redactor, this.limits, baseUrl);
		this.tokens = new TokenKeeper(ctx, service, oauth2, this.redactor, this.cancel, this.errors);
		this.pacer = new Pacer(this.limits, this.cancel);
	}

	/**
	 * The transport of one execution, poll or list search: base URL and signing from the credential,
	 * which is read here once (or taken from the caller, who has read it already).
	 */
	static async open(
		ctx: RequestContext,
		service: ServiceDefinition,
		credentials?: ICredentialDataDecryptedObject,
		limits: Partial<TransportLimits> = {},
	): Promise<Transport> {
		const creds =
			credentials ??
			(await ctx.getCredentials<ICredentialDataDecryptedObject>(service.credentialType));
		const transport = new Transport(
			ctx,
			service,
			service.baseUrl(creds, ctx.getNode()),
			service.oauth2Options?.(creds),
			limits,
		);
		transport.tokens.remember(creds);
		return transport;
	}

	/** One attempt on the wire: the answer whatever its status, or what went wrong before one arrived. Never throws. */
	private async attempt(
		request: PreparedRequest,
		token: string | undefined,
	): Promise<{ response?: IN8nHttpFullResponse; code?: string; error?: unknown }> {
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
		const cancel = this.cancel.signal;
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
			if (token !== undefined)
				return { response: (await this.ctx.helpers.httpRequest(options)) as IN8nHttpFullResponse };
			const response = (await this.ctx.helpers.httpRequestWithAuthentication.call(
				this.ctx,
				this.service.credentialType,
				options,
				this.oauth2 ? { oauth2: this.oauth2 } : undefined,
			)) as IN8nHttpFullResponse;
			await this.tokens.reload();
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

	/**
	 * Sends a row with these parameter values (undefined values are left out) and returns the
	 * parsed answer: the engine's own requests (triggers, list searches), values built by the engine.
	 */
	async call(row: EndpointRow, values: Record<string, unknown>, itemIndex = 0): Promise<unknown> {
		const set: ParamValues = new Map(
			Object.entries(values).filter(([, value]) => value !== undefined),
		);
		return await this.send(row, buildRequest(row, set), itemIndex);
	}

	/** Sends the request and returns the parsed answer (undefined or '' for empty answers). */
	async send(row: EndpointRow, request: PreparedRequest, itemIndex: number): Promise<unknown> {
		const { maxRetries } = this.service.retry;
		let token = await this.tokens.current(itemIndex);
		// A token taken from the store (stored by another execution) may itself expire before it is
		// used, so a request may renew twice; a third 401 is the service's answer.
		let renewals = 0;
		for (let attempt = 0; ; attempt++) {
			let failure: Failure;
			await this.pacer.beforeSending(itemIndex);
			const { response, code, error } = await this.attempt(request, token);
			if (code === 'CANCELLED') throw this.cancel.error(itemIndex);
			if (response) {
				const headers = (response.headers ?? {}) as IDataObject;
				const status = response.statusCode;
				const serverDate = Date.parse(header(headers, 'date') ?? '');
				if (!Number.isNaN(serverDate)) this.serverClock = { server: serverDate, at: Date.now() };
				if (status === 401 && renewals < MAX_RENEWALS && token !== undefined) {
					renewals++;
					token = await this.tokens.renew(token, itemIndex);
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
				if (status >= 300 && status < 400)
					throw this.errors.redirect(row, status, header(headers, 'location'), itemIndex);
				if (status >= 200 && status < 300 && !malformed) return body;
				failure =
					status >= 200 && status < 300
						? { headers, networkCode: MALFORMED }
						: { status, headers, body };
			} else if (error instanceof NodeApiError || error instanceof NodeOperationError) {
				// Raised by n8n itself (e.g. fetching a first client-credentials token): keep its words, redacted.
				throw this.errors.refresh(error, itemIndex);
			} else {
				failure = { headers: {}, networkCode: code ?? 'network error' };
			}
			if (!isRetryable(request.method, failure) || attempt >= maxRetries)
				throw this.errors.failure(row, failure, itemIndex, attempt);
			const asked = retryAfterSeconds(header(failure.headers, 'retry-after'));
			const waitMs = retryWaitMs(asked, attempt);
			const left = this.pacer.budgetLeft(itemIndex);
			if (waitMs > left)
				throw this.errors.failure(row, failure, itemIndex, attempt, {
					askedMs: asked === undefined ? undefined : waitMs,
					leftMs: left,
				});
			// A rate limit holds for the whole execution: items running alongside wait too.
			if (asked !== undefined && (failure.status === 429 || failure.status === 503))
				this.pacer.pauseUntil(Date.now() + waitMs);
			await this.pacer.wait(waitMs, itemIndex);
		}
	}

	/** Removes secrets from an error raised while handling an item, in place, and returns it. */
	redactError<T extends Error>(error: T): T {
		return this.errors.redact(error);
	}
}
