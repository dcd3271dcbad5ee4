/**
 * Turns what the user (or an expression, or an AI agent) put into a field into the value the API
 * expects, or fails with an error that names the field — always before any request is sent.
 */
import type { ParamDef } from './types';

/** Raises the caller's error for an invalid value (the caller knows the node and the item). */
export type Fail = (param: ParamDef, reason: string) => never;

/** The message every validation failure uses: the field's label, its parameter name and why. */
export function invalidMessage(param: ParamDef, reason: string): string {
	return `Invalid value for "${param.label}" (${param.name}): ${reason}`;
}

const INTEGER = /^-?\d+$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** ISO-8601 date or date-time, optionally with fraction and zone (what n8n's dateTime field and Luxon produce). */
const ISO_DATE =
	/^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Options that depend on where the value comes from. */
interface CoerceOptions {
	/**
	 * IANA time zone for dates without an offset (n8n's date picker stores `2026-03-07T16:36:58`,
	 * meaning that wall-clock time in the workflow's time zone). UTC when not given.
	 */
	timezone?: string;
}

/** Milliseconds `timeZone` is ahead of UTC at the instant `time`. */
function zoneOffset(time: number, timeZone: string): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: 'numeric',
		day: 'numeric',
		hour: 'numeric',
		minute: 'numeric',
		second: 'numeric',
	}).formatToParts(new Date(time));
	const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
	const wall = Date.UTC(
		part('year'),
		part('month') - 1,
		part('day'),
		part('hour'),
		part('minute'),
		part('second'),
	);
	return wall - Math.floor(time / 1000) * 1000;
}

/** The instant a wall-clock time (given as if it were UTC) has in `timeZone`. */
function fromWallClock(wall: number, timeZone: string): number {
	// The offset at the wall time read as UTC is a first guess; the offset at that guess is right
	// except within a DST change.
	return wall - zoneOffset(wall - zoneOffset(wall, timeZone), timeZone);
}

/** Parses an ISO-8601 date/date-time strictly (real calendar days, hours 0–23); NaN when it is not one. */
function parseIsoDate(text: string, timezone: string | undefined): number {
	const m = ISO_DATE.exec(text);
	if (!m) return NaN;
	const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone] = m;
	const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number);
	const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
	const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
	if (
		daysInMonth === undefined ||
		day < 1 ||
		day > daysInMonth ||
		hour > 23 ||
		minute > 59 ||
		second > 59
	)
		return NaN;
	const wallDate = new Date(0);
	wallDate.setUTCFullYear(year, month - 1, day);
	wallDate.setUTCHours(hour, minute, second, Number(`${fraction}000`.slice(0, 3)));
	const wall = wallDate.getTime();
	if (zone === 'Z') return wall;
	if (zone) {
		const [, sign, hh, mm] = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
		if (Number(hh) > 23 || Number(mm) > 59) return NaN;
		return wall - (sign === '-' ? -1 : 1) * (Number(hh) * 60 + Number(mm)) * 60_000;
	}
	if (!timezone) return wall;
	try {
		return fromWallClock(wall, timezone);
	} catch {
		return wall; // unknown time zone name: read it as UTC
	}
}

/** A lone UTF-16 surrogate: text that cannot be percent-encoded (encodeURIComponent throws on it). */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * Rules for text that goes into a URL: no lone surrogates (path and query), and in the path no
 * value that is empty after trimming or a dot segment (`.` / `..`), which HTTP clients collapse so
 * the request would leave its path template (e.g. `/users/../settings` → `/settings`).
 */
function checkUrlText(param: ParamDef, text: string, fail: Fail, entry = false): void {
	if (param.location !== 'path' && param.location !== 'query') return;
	if (LONE_SURROGATE.test(text))
		fail(
			param,
			`${entry ? 'an entry contains' : 'contains'} an invalid character (a lone UTF-16 surrogate)`,
		);
	if (param.location !== 'path') return;
	const trimmed = text.trim();
	if (trimmed === '') fail(param, entry ? 'list entries must not be empty' : 'must not be empty');
	if (trimmed === '.' || trimmed === '..')
		fail(param, `${describe(text)} is not allowed: a path value cannot be "." or ".."`);
	if (entry && text.includes(','))
		fail(
			param,
			`the entry ${describe(text)} contains a comma, which separates the entries of this list`,
		);
}

function describe(value: unknown): string {
	return typeof value === 'string' ? `"${value}"` : (JSON.stringify(value) ?? String(value));
}

/** Whole numbers; int64 values beyond 2^53 stay exact as digit strings. */
function toInteger(param: ParamDef, value: unknown, fail: Fail): number | string {
	const text =
		typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	if (!INTEGER.test(text)) fail(param, `expected a whole number, got ${describe(value)}`);
	const n = Number(text);
	if (!Number.isSafeInteger(n)) {
		if (param.type === 'int64' || param.type === 'integerList') return text;
		fail(param, `${text} is out of range`);
	}
	if (param.min !== undefined && n < param.min)
		fail(param, `must be at least ${param.min}, got ${n}`);
	if (param.max !== undefined && n > param.max)
		fail(param, `must be at most ${param.max}, got ${n}`);
	return n;
}

function toList(param: ParamDef, value: unknown, fail: Fail): unknown[] {
	let list: unknown[];
	if (Array.isArray(value)) list = value;
	else if (typeof value === 'number') list = [value];
	else if (typeof value === 'string') {
		const text = value.trim();
		if (text.startsWith('[')) {
			try {
				const parsed: unknown = JSON.parse(text);
				if (!Array.isArray(parsed)) throw new Error('not an array');
				list = parsed;
			} catch {
				fail(param, `expected a comma-separated list or a JSON array, got ${describe(value)}`);
			}
		} else list = text === '' ? [] : text.split(',').map((part) => part.trim());
	} else fail(param, `expected a list, got ${describe(value)}`);
	if (param.maxItems !== undefined && list.length > param.maxItems) {
		fail(param, `at most ${param.maxItems} entries are allowed, got ${list.length}`);
	}
	if (param.location === 'path' && list.length === 0) fail(param, 'must not be empty');
	return list.map((entry) => {
		if (param.type === 'integerList') return toInteger(param, entry, fail);
		const text =
			typeof entry === 'string' ? entry : typeof entry === 'number' ? String(entry) : undefined;
		if (text === undefined || text === '')
			fail(param, `list entries must be non-empty text, got ${describe(entry)}`);
		if (param.type === 'guidList' && !GUID.test(text))
			fail(param, `${describe(text)} is not a GUID`);
		checkUrlText(param, text, fail, true);
		return text;
	});
}

/** True when the user left the field empty (such values are not sent). */
export function isUnset(value: unknown): boolean {
	return (
		value === undefined ||
		value === null ||
		value === '' ||
		(Array.isArray(value) && value.length === 0)
	);
}

/** Validates one value for its parameter and returns what goes on the wire. */
export function coerce(
	param: ParamDef,
	value: unknown,
	fail: Fail,
	options: CoerceOptions = {},
): unknown {
	switch (param.type) {
		case 'integer':
		case 'int64':
			return toInteger(param, value, fail);
		case 'string': {
			if (typeof value !== 'string' && typeof value !== 'number')
				fail(param, `expected text, got ${describe(value)}`);
			const text = String(value);
			checkUrlText(param, text, fail);
			return text;
		}
		case 'guid': {
			const text = typeof value === 'string' ? value.trim() : '';
			if (!GUID.test(text))
				fail(
					param,
					`expected a GUID such as 3f2504e0-4f89-11d3-9a0c-0305e82c3301, got ${describe(value)}`,
				);
			return text;
		}
		case 'boolean':
			if (typeof value === 'boolean') return value;
			if (value === 'true' || value === 'false') return value === 'true';
			return fail(param, `expected true or false, got ${describe(value)}`);
		case 'dateTime': {
			const isDate =
				value instanceof Date || Object.prototype.toString.call(value) === '[object Date]';
			const text = isDate
				? Number.isNaN((value as Date).getTime())
					? ''
					: (value as Date).toISOString()
				: typeof value === 'string'
					? value.trim()
					: '';
			const time = parseIsoDate(text, options.timezone);
			if (Number.isNaN(time)) {
				fail(
					param,
					`expected an ISO-8601 date such as 2026-03-07T16:36:58.123Z, got ${describe(value)}`,
				);
			}
			return new Date(time).toISOString();
		}
		case 'options': {
			const allowed = (param.options ?? []).map((option) => option.value);
			if (!allowed.includes(value as string)) {
				return fail(
					param,
					`expected one of ${allowed.map((v) => describe(v)).join(', ')}, got ${describe(value)}`,
				);
			}
			return value;
		}
		case 'json': {
			if (typeof value !== 'string') return value;
			try {
				return JSON.parse(value) as unknown;
			} catch {
				return fail(param, 'is not valid JSON');
			}
		}
		case 'integerList':
		case 'stringList':
		case 'guidList':
			return toList(param, value, fail);
	}
}
