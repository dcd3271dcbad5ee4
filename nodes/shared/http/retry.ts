/**
 * Which failed attempts are tried again: a rate limit (429) always; for idempotent methods only,
 * a gateway error (502, 503, 504), a dropped or refused connection, a timeout, or malformed JSON.
 * A write is never sent twice after an answer that may mean it was carried out.
 */
import type { IHttpRequestMethods } from 'n8n-workflow';

import { MALFORMED, type Failure } from './response';

const RETRYABLE_STATUS = new Set([502, 503, 504]);
const RETRYABLE_NETWORK = new Set([
	'ECONNRESET',
	'ECONNABORTED',
	'ETIMEDOUT',
	'EPIPE',
	'ECONNREFUSED',
	'ERR_BAD_RESPONSE',
	'EAI_AGAIN',
	'UND_ERR_SOCKET',
]);
const IDEMPOTENT = new Set(['GET', 'PUT', 'DELETE', 'HEAD']);

export function isRetryable(method: IHttpRequestMethods, failure: Failure): boolean {
	const idempotent = IDEMPOTENT.has(method);
	return (
		failure.status === 429 ||
		(idempotent && failure.status !== undefined && RETRYABLE_STATUS.has(failure.status)) ||
		(idempotent &&
			failure.networkCode !== undefined &&
			(RETRYABLE_NETWORK.has(failure.networkCode) || failure.networkCode === MALFORMED))
	);
}

/** The wait before retry number `attempt + 1`: what the service asked (Retry-After), else 1, 2, 4, … up to 30 s. */
export function retryWaitMs(askedSeconds: number | undefined, attempt: number): number {
	return (askedSeconds ?? Math.min(2 ** attempt, 30)) * 1000;
}
