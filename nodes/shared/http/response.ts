/**
 * Reading what came back: headers, the Retry-After header, the body (JSON parsed exactly, so int64
 * ids stay exact), and the network error code of a request that got no answer.
 */
import type { IDataObject } from 'n8n-workflow';

import { parseJsonExact } from '../table/json';

/** What a failed attempt looked like on the wire. */
export interface Failure {
	status?: number;
	headers: IDataObject;
	body?: unknown;
	/** Network error code (ECONNRESET, ETIMEDOUT, …) or MALFORMED_JSON when no usable answer arrived. */
	networkCode?: string;
}

/** The "network code" of a 2xx answer whose JSON could not be parsed. */
export const MALFORMED = 'MALFORMED_JSON';
/** The network code of a request cut off by its timeout. */
export const TIMEOUT = 'ETIMEDOUT';

/** The network error code inside what n8n / axios threw, if any. */
export function networkCodeOf(error: unknown): string | undefined {
	let current = error as IDataObject | undefined;
	for (let depth = 0; current && depth < 4; depth++) {
		if (typeof current.code === 'string' && /^(E[A-Z_]+|UND_ERR_[A-Z_]+)$/.test(current.code))
			return current.code;
		current = current.cause as IDataObject | undefined;
	}
	return undefined;
}

/** A response header by name (lower case), case-insensitively; the first value of a repeated one. */
export function header(headers: IDataObject, name: string): string | undefined {
	const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
	const value = key === undefined ? undefined : headers[key];
	return Array.isArray(value)
		? String(value[0])
		: value === undefined || value === null
			? undefined
			: String(value);
}

const HTTP_DATE =
	/^[A-Za-z]{3},? +\d{1,2}[ -][A-Za-z]{3}[ -]\d{2,4} +\d{2}:\d{2}:\d{2} +GMT$|^[A-Za-z]{3} +[A-Za-z]{3} +\d{1,2} +\d{2}:\d{2}:\d{2} +\d{4}$/;

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
 * The answer's body: JSON (parsed exactly) when it says so or looks like it, else the text ('' for
 * an empty body). Throws an error with code MALFORMED when a JSON answer cannot be parsed.
 */
export function parseBody(body: unknown, headers: IDataObject): unknown {
	const text = Buffer.isBuffer(body) ? body.toString('utf8') : body;
	if (typeof text !== 'string') return text;
	const trimmed = text.trim();
	if (trimmed === '') return '';
	const json = (header(headers, 'content-type') ?? '').includes('json');
	if (json || trimmed.startsWith('{') || trimmed.startsWith('[')) {
		try {
			return parseJsonExact(trimmed);
		} catch {
			if (json)
				throw Object.assign(new Error('The service answered with malformed JSON'), {
					code: MALFORMED,
				});
		}
	}
	return text;
}
