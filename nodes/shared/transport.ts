/**
 * Sends one prepared request through n8n's authenticated HTTP helper (OAuth2 refresh, proxy, SSRF
 * rules), waits and retries when the service asks for it, and turns failures into NodeApiErrors
 * carrying the service's own message, status, code and correlation id — never a token.
 */
import {
	NodeApiError,
	sleep,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type IN8nHttpFullResponse,
	type IPollFunctions,
	type JsonObject,
} from 'n8n-workflow';

import type { PreparedRequest } from './request';
import type { ServiceDefinition } from './service';
import type { EndpointRow } from './types';

export type RequestContext = IExecuteFunctions | IPollFunctions;

/** What a failed attempt looked like on the wire. */
interface Failure {
	status?: number;
	headers: IDataObject;
	body?: unknown;
	/** Network error code (ECONNRESET, ECONNABORTED, ETIMEDOUT, …) when no answer arrived. */
	networkCode?: string;
	original: unknown;
}

const RETRYABLE_STATUS = new Set([502, 503, 504]);
const RETRYABLE_NETWORK = new Set(['ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ECONNREFUSED', 'ERR_BAD_RESPONSE', 'EAI_AGAIN']);
const IDEMPOTENT = new Set(['GET', 'PUT', 'DELETE', 'HEAD']);
const MALFORMED = 'MALFORMED_JSON';

/** Digs the HTTP answer out of what n8n threw (NodeApiError → cause → AxiosError.response). */
function toFailure(error: unknown): Failure {
	let current = error as IDataObject | undefined;
	for (let depth = 0; current && depth < 4; depth++) {
		const response = current.response as IDataObject | undefined;
		if (response && typeof response === 'object' && typeof response.status === 'number') {
			return { status: response.status, headers: (response.headers as IDataObject) ?? {}, body: response.data, original: error };
		}
		if (typeof current.code === 'string' && /^E[A-Z_]+$/.test(current.code)) {
			return { networkCode: current.code, headers: {}, original: error };
		}
		current = current.cause as IDataObject | undefined;
	}
	return { headers: {}, original: error };
}

function header(headers: IDataObject, name: string): string | undefined {
	const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
	const value = key === undefined ? undefined : headers[key];
	return Array.isArray(value) ? String(value[0]) : value === undefined || value === null ? undefined : String(value);
}

/** Seconds to wait from a Retry-After header (delta-seconds or an HTTP date). */
export function retryAfterSeconds(value: string | undefined, now = Date.now()): number | undefined {
	if (value === undefined || value.trim() === '') return undefined;
	if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value);
	const at = Date.parse(value);
	return Number.isNaN(at) ? undefined : Math.max(0, (at - now) / 1000);
}

/**
 * Works around n8n's OAuth2 query signing (`@n8n/client-oauth2` ClientOAuth2Token.sign with
 * tokenType 'query'): it appends `access_token=…` to `options.url` IN PLACE, and when it signs the
 * same options again after refreshing an expired token, its clean-up regex removes only the first
 * character of the old token, so the retry would go out as `…/v1<rest of old token>?access_token=<new>`
 * (a wrong path, or a corrupted last query value). Here `url` is an accessor: whatever n8n writes,
 * the URL becomes the unsigned one plus the LAST access_token n8n appended.
 */
function guardQuerySigning(options: IHttpRequestOptions): IHttpRequestOptions {
	const unsigned = options.url;
	let current = unsigned;
	Object.defineProperty(options, 'url', {
		enumerable: true,
		configurable: true,
		get: () => current,
		set: (value: string) => {
			const token = /[?&]access_token=([^&#]*)(#.*)?$/.exec(String(value))?.[1];
			current = token === undefined ? value : `${unsigned}${unsigned.includes('?') ? '&' : '?'}access_token=${token}`;
		},
	});
	return options;
}

/** n8n's HTTP client leaves out a body that is `{}`; such a body is sent as JSON text instead. */
const emptyObject = (body: unknown) =>
	body !== null && typeof body === 'object' && Object.getPrototypeOf(body) === Object.prototype && Object.keys(body).length === 0;

function parseBody(response: IN8nHttpFullResponse): unknown {
	const { body } = response;
	const type = header(response.headers as IDataObject, 'content-type') ?? '';
	if (typeof body === 'string' && body.trim() !== '' && type.includes('json')) {
		try {
			return JSON.parse(body) as unknown;
		} catch {
			throw Object.assign(new Error('The service answered with malformed JSON'), { code: MALFORMED });
		}
	}
	return body;
}

export class Transport {
	constructor(
		private readonly ctx: RequestContext,
		private readonly service: ServiceDefinition,
		private readonly baseUrl: string,
		private readonly oauth2: IDataObject | undefined,
	) {}

	/** Sends the request and returns the parsed answer (undefined or '' for empty answers). */
	async send(row: EndpointRow, request: PreparedRequest, itemIndex: number): Promise<unknown> {
		const { maxRetries, maxWaitSeconds } = this.service.retry;
		const options: IHttpRequestOptions = {
			method: request.method,
			url: `${this.baseUrl}${request.url}`,
			headers: request.headers,
			body: emptyObject(request.body) ? '{}' : (request.body as IHttpRequestOptions['body']),
			returnFullResponse: true,
			timeout: this.service.timeoutMs,
		};
		for (let attempt = 0; ; attempt++) {
			let failure: Failure;
			try {
				const attemptOptions = { ...options, headers: { ...options.headers } };
				const response = (await this.ctx.helpers.httpRequestWithAuthentication.call(
					this.ctx,
					this.service.credentialType,
					this.oauth2?.tokenType === 'query' ? guardQuerySigning(attemptOptions) : attemptOptions,
					this.oauth2 ? { oauth2: this.oauth2 } : undefined,
				)) as IN8nHttpFullResponse;
				return parseBody(response);
			} catch (error) {
				failure = (error as IDataObject)?.code === MALFORMED ? { networkCode: MALFORMED, headers: {}, original: error } : toFailure(error);
			}
			const idempotent = IDEMPOTENT.has(request.method);
			const retryable =
				failure.status === 429 ||
				(idempotent && failure.status !== undefined && RETRYABLE_STATUS.has(failure.status)) ||
				(idempotent && failure.networkCode !== undefined && (RETRYABLE_NETWORK.has(failure.networkCode) || failure.networkCode === MALFORMED));
			if (!retryable || attempt >= maxRetries) throw this.toError(row, failure, itemIndex, attempt);
			const asked = retryAfterSeconds(header(failure.headers, 'retry-after'));
			const wait = Math.min(asked ?? Math.min(2 ** attempt, 30), maxWaitSeconds);
			await sleep(wait * 1000);
		}
	}

	private toError(row: EndpointRow, failure: Failure, itemIndex: number, retries: number): NodeApiError {
		const node = this.ctx.getNode();
		if (failure.original instanceof NodeApiError && failure.status === undefined && failure.networkCode === undefined) {
			// Raised by n8n itself (e.g. an OAuth2 refresh that needs the credential reconnected): keep its wording.
			failure.original.context.itemIndex = itemIndex;
			return failure.original;
		}
		const retried = retries > 0 ? ` (after ${retries} ${retries === 1 ? 'retry' : 'retries'})` : '';
		if (failure.status === undefined) {
			const reason = failure.networkCode === MALFORMED ? 'answered with malformed JSON' : `could not be reached (${failure.networkCode ?? 'network error'})`;
			return new NodeApiError(node, { message: `${this.service.displayName} ${reason}` } as JsonObject, {
				message: `${this.service.displayName} ${reason}${retried}`,
				description: `${row.method} ${row.path} (${row.sdkMethod})`,
				itemIndex,
			});
		}
		const parsed = this.service.parseError(failure.status, failure.body, failure.headers);
		const correlationId = parsed.correlationId ?? (this.service.correlationHeader ? header(failure.headers, this.service.correlationHeader) : undefined);
		const hint = this.service.hint?.(failure.status, row, parsed);
		const description = [
			parsed.code && `Code: ${parsed.code}`,
			correlationId && `Correlation ID: ${correlationId}`,
			`Request: ${row.method} ${row.path} (${row.sdkMethod})${retried}`,
			hint,
		]
			.filter(Boolean)
			.join('\n');
		const errorResponse: JsonObject = {
			message: parsed.message,
			status: failure.status,
			...(parsed.code ? { code: parsed.code } : {}),
			...(correlationId ? { correlationId } : {}),
			...(parsed.details ? { details: parsed.details as JsonObject } : {}),
		};
		return new NodeApiError(node, errorResponse, {
			message: `${this.service.displayName} error ${failure.status}: ${parsed.message}`,
			description,
			httpCode: String(failure.status),
			itemIndex,
		});
	}
}
