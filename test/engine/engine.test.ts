/**
 * Property-based tests of the engine's pure parts, on the BUILT modules (dist/): validation,
 * request building (path encoding, query lists, nested bodies, multipart), Retry-After parsing.
 * The HTTP behaviour itself is tested end to end against the emulators in test/itslearning and
 * test/genesys.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { parseMultipart } from '../emulator/core';

const dist = path.join(__dirname, '..', '..', 'dist', 'nodes', 'shared');
/* eslint-disable @typescript-eslint/no-require-imports */
const { coerce, invalidMessage } = require(path.join(dist, 'table', 'validate.js'));
const { buildRequest, multipartBody } = require(path.join(dist, 'http', 'request.js'));
const { retryAfterSeconds } = require(path.join(dist, 'http', 'response.js'));
const { generate, START, END } = require('../scripts/operations-doc.js');

type Param = {
	name: string;
	label: string;
	location: string;
	type: string;
	wireName?: string;
	maxItems?: number;
	min?: number;
	max?: number;
	listStyle?: string;
};

class Invalid extends Error {}
const fail = (param: Param, reason: string): never => {
	throw new Invalid(invalidMessage(param, reason));
};
const param = (type: string, extra: Partial<Param> = {}): Param => ({
	name: 'threadId',
	label: 'Thread ID',
	location: 'path',
	type,
	...extra,
});

describe('validation', () => {
	it('accepts every whole number as text or number and keeps its value', () => {
		fc.assert(
			fc.property(fc.integer(), fc.boolean(), (n, asText) => {
				expect(coerce(param('integer'), asText ? String(n) : n, fail)).toBe(n);
			}),
		);
	});

	it('rejects any non-integer text, naming the field', () => {
		fc.assert(
			fc.property(
				fc.string().filter((s) => !/^\s*-?\d+\s*$/.test(s)),
				(text) => {
					expect(() => coerce(param('integer'), text, fail)).toThrow(
						/Invalid value for "Thread ID" \(threadId\)/,
					);
				},
			),
		);
		expect(() => coerce(param('integer'), '12abc', fail)).toThrow(
			'Invalid value for "Thread ID" (threadId): expected a whole number, got "12abc"',
		);
	});

	it('keeps int64 ids beyond 2^53 exact as digit strings', () => {
		fc.assert(
			fc.property(fc.bigInt({ min: 2n ** 53n, max: 2n ** 63n - 1n }), (big) => {
				expect(coerce(param('int64'), big.toString(), fail)).toBe(big.toString());
			}),
		);
	});

	it('enforces the most entries of a list before sending', () => {
		fc.assert(
			fc.property(
				fc.array(fc.stringMatching(/^[a-z0-9]{1,8}$/), { minLength: 0, maxLength: 10 }),
				(ids) => {
					const list = param('stringList', {
						name: 'pinnedMessageIds',
						label: 'Message IDs to Pin',
						maxItems: 5,
						location: 'body',
					});
					if (ids.length <= 5) expect(coerce(list, ids.join(','), fail)).toEqual(ids);
					else
						expect(() => coerce(list, ids.join(','), fail)).toThrow(
							`at most 5 entries are allowed, got ${ids.length}`,
						);
				},
			),
		);
	});

	it('sends dates as ISO-8601 and rejects malformed ones', () => {
		fc.assert(
			fc.property(
				fc.date({
					min: new Date('1990-01-01T00:00:00Z'),
					max: new Date('2090-01-01T00:00:00Z'),
					noInvalidDate: true,
				}),
				(date) => {
					expect(
						coerce(
							param('dateTime', { name: 'before', label: 'Before' }),
							date.toISOString(),
							fail,
						),
					).toBe(date.toISOString());
				},
			),
		);
		expect(() =>
			coerce(param('dateTime', { name: 'before', label: 'Before' }), '2026-13-45', fail),
		).toThrow(/"Before" \(before\)/);
		expect(() =>
			coerce(param('dateTime', { name: 'before', label: 'Before' }), 'yesterday', fail),
		).toThrow(/expected an ISO-8601 date/);
	});

	it('checks number ranges', () => {
		const retention = param('integer', {
			name: 'messageRetentionPeriodDays',
			label: 'Retention',
			location: 'body',
			min: 10,
			max: 3650,
		});
		fc.assert(
			fc.property(fc.integer({ min: -10000, max: 10000 }), (n) => {
				if (n >= 10 && n <= 3650) expect(coerce(retention, n, fail)).toBe(n);
				else expect(() => coerce(retention, n, fail)).toThrow(/Retention/);
			}),
		);
	});
});

describe('request building', () => {
	const row = (params: Param[], pathTemplate = '/x/{threadId}/y') => ({
		sdkMethod: 'm',
		method: 'GET',
		path: pathTemplate,
		params,
	});

	it('encodes every path value as one segment that decodes back to the value (encodeURIComponent)', () => {
		fc.assert(
			fc.property(fc.string({ unit: 'grapheme', minLength: 1 }), (value) => {
				const build = () => buildRequest(row([param('string')]), new Map([['threadId', value]]));
				// "." and ".." would leave the segment (dot segments): refused, never sent
				if (value === '.' || value === '..') {
					expect(build).toThrow('Path parameter "threadId" must not be empty, "." or ".."');
					return;
				}
				const segment = build().url.split('/')[2];
				expect(segment).toBe(encodeURIComponent(value));
				expect(decodeURIComponent(segment)).toBe(value);
			}),
			// "." and ".." every run (a random run drew "." once), then random strings
			{ examples: [['.'], ['..']] },
		);
		const jid = buildRequest(
			row([param('string', { name: 'roomJid' })], '/rooms/{roomJid}'),
			new Map([['roomJid', 'adhoc-1@conference.x']]),
		);
		expect(jid.url).toBe('/rooms/adhoc-1%40conference.x');
		const ids = buildRequest(
			row([param('stringList', { name: 'messageIds' })], '/m/{messageIds}'),
			new Map([['messageIds', ['a', 'b']]]),
		);
		expect(ids.url).toBe('/m/a%2Cb');
	});

	it('writes query lists indexed, repeated or comma-joined, in order', () => {
		fc.assert(
			fc.property(fc.array(fc.integer({ min: 0 }), { minLength: 1, maxLength: 6 }), (ids) => {
				const indexed = buildRequest(
					row([param('integerList', { name: 'personIds', location: 'query' })], '/r'),
					new Map([['personIds', ids]]),
				);
				expect([...new URLSearchParams(indexed.url.split('?')[1]).entries()]).toEqual(
					ids.map((id, i) => [`personIds[${i}]`, String(id)]),
				);
				const repeat = buildRequest(
					row(
						[param('integerList', { name: 'personIds', location: 'query', listStyle: 'repeat' })],
						'/r',
					),
					new Map([['personIds', ids]]),
				);
				expect(new URLSearchParams(repeat.url.split('?')[1]).getAll('personIds')).toEqual(
					ids.map(String),
				);
			}),
		);
	});

	it('builds nested bodies from dotted wire names and leaves unset values out', () => {
		const params = [
			param('options', { name: 'when', wireName: 'mobile.notifications.when', location: 'body' }),
			param('boolean', { name: 'muted', location: 'body' }),
			param('boolean', { name: 'mentionsOnly', location: 'body' }),
		];
		const request = buildRequest(
			row(params, '/me'),
			new Map<string, unknown>([
				['when', 'Always'],
				['muted', false],
			]),
		);
		expect(request.body).toEqual({ mobile: { notifications: { when: 'Always' } }, muted: false });
		expect(request.headers['Content-Type']).toBe('application/json');
	});

	it('builds multipart bodies the server reads back byte for byte', () => {
		fc.assert(
			fc.property(
				fc.array(
					fc.record({
						fileName: fc.stringMatching(/^[\w .-]{1,20}$/),
						mimeType: fc.constantFrom('text/plain', 'image/png', 'application/pdf'),
						data: fc.uint8Array({ maxLength: 2048 }),
					}),
					{ minLength: 1, maxLength: 4 },
				),
				(files) => {
					const parts = files.map((f) => ({ ...f, data: Buffer.from(f.data) }));
					const body = multipartBody(parts, 'BOUNDARY123');
					const parsed = parseMultipart(body, 'multipart/form-data; boundary=BOUNDARY123');
					expect(
						parsed.files.map((f) => [f.filename, f.mimeType, f.content.toString('hex')]),
					).toEqual(parts.map((p) => [p.fileName, p.mimeType, p.data.toString('hex')]));
				},
			),
		);
	});
});

describe('Retry-After', () => {
	it('reads delta-seconds and HTTP dates', () => {
		fc.assert(
			fc.property(fc.integer({ min: 0, max: 86400 }), (s) =>
				expect(retryAfterSeconds(String(s))).toBe(s),
			),
		);
		const now = Date.parse('2026-11-22T10:00:00Z');
		expect(retryAfterSeconds('Sun, 22 Nov 2026 10:00:30 GMT', now)).toBe(30);
		expect(retryAfterSeconds('soon')).toBeUndefined();
		expect(retryAfterSeconds(undefined)).toBeUndefined();
	});
});

describe('README', () => {
	it('documents every operation of both tables (regenerate with node test/scripts/operations-doc.js --write)', () => {
		const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
		const section = readme.slice(readme.indexOf(START), readme.indexOf(END) + END.length);
		expect(section).toBe(generate());
		expect(section.match(/^\| .* \| `[a-zA-Z0-9]+` \|/gm)).toHaveLength(45 + 32);
	});
});
