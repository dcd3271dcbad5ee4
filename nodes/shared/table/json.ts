/**
 * The engine's one set of JSON and id helpers (tables, paging, triggers, list searches).
 *
 * The id rule: an id from the API is a whole number — a JSON integer, or a digit string (answers
 * are parsed with parseJsonExact, so integers beyond 2^53 arrive as digit strings) — handled as a
 * bigint; anything else (fractions, other text, NaN) is no id. On the wire and in saved JSON an id
 * is a number when exact, else its digit string.
 */
import type { IDataObject } from 'n8n-workflow';

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

/** Reads a dotted path (`Threads.EntityArray`); undefined where the path ends. */
export function at(value: unknown, path: string): unknown {
	return path
		.split('.')
		.reduce<unknown>(
			(node, key) => (node && typeof node === 'object' ? (node as IDataObject)[key] : undefined),
			value,
		);
}

/** The objects of the list at a dotted path of an answer (empty when absent). */
export function listAt(answer: unknown, path: string): IDataObject[] {
	const value = at(answer, path);
	return Array.isArray(value)
		? (value.filter((entry) => entry && typeof entry === 'object') as IDataObject[])
		: [];
}

/** A whole-number id from the API (a JSON integer or a digit string) as a bigint; undefined otherwise. */
export function idOf(value: unknown): bigint | undefined {
	if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
	if (typeof value === 'string' && /^-?\d{1,30}$/.test(value)) return BigInt(value);
	return undefined;
}

/** A bigint id for the wire and for JSON state: a number when exact, else its digit string. */
export function idJson(id: bigint): number | string {
	const n = Number(id);
	return Number.isSafeInteger(n) ? n : id.toString();
}

/** The bigger of two ids (undefined counts as absent). */
export function maxId(a: bigint | undefined, b: bigint | undefined): bigint | undefined {
	if (a === undefined) return b;
	if (b === undefined) return a;
	return a > b ? a : b;
}

/**
 * The lowest of some ids (surrounding whitespace of text aside), as a digit string; undefined when
 * none is an id. For next-page tokens built from a sort key such as itslearning's SortIndex.
 */
export function lowestInteger(values: unknown[]): string | undefined {
	let lowest: bigint | undefined;
	for (const value of values) {
		const id = idOf(typeof value === 'string' ? value.trim() : value);
		if (id !== undefined && (lowest === undefined || id < lowest)) lowest = id;
	}
	return lowest === undefined ? undefined : lowest.toString();
}

/**
 * The `after` cursor in a Genesys-style `nextUri` (undefined when absent). Parsed with the URL
 * parser, whose query decoding never throws: an undecodable `%` escape stays as it is.
 */
export function nextUriParam(answer: unknown, name: string): string | undefined {
	const nextUri = (answer as IDataObject | undefined)?.nextUri;
	if (typeof nextUri !== 'string' || !nextUri) return undefined;
	try {
		return new URL(nextUri, 'https://api.invalid').searchParams.get(name) ?? undefined;
	} catch {
		return undefined;
	}
}

/** A deep copy of a JSON value from static data (never hands out the saved object itself). */
export function copyJson<T>(value: unknown): T | undefined {
	if (value === undefined || value === null) return undefined;
	return JSON.parse(JSON.stringify(value)) as T;
}
