/**
 * Builds the HTTP request of one row from validated parameter values: path placeholders encoded
 * like the official SDKs (encodeURIComponent), the query string in row order with lists in the
 * row's style, a JSON body (nested for dotted wire names) or a multipart body for binary files.
 */
import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';

import type { EndpointRow, ParamDef } from '../table/types';

export interface FilePart {
	fileName: string;
	mimeType: string;
	data: Buffer;
}

export interface PreparedRequest {
	method: IHttpRequestMethods;
	/** Path plus query string, relative to the service base URL. */
	url: string;
	body?: unknown;
	headers: Record<string, string>;
}

/** Parameter values after validation, keyed by `ParamDef.name`; unset parameters are absent. */
export type ParamValues = Map<string, unknown>;

const wire = (param: ParamDef) => param.wireName ?? param.name;

/**
 * One path segment. Validation refuses unsafe values with a message naming the field; this is the
 * last line of defence: a segment that is empty or a dot segment would let the request leave its
 * path template (HTTP clients collapse `/a/../b` to `/b`), so it is never built.
 */
function pathValue(name: string, value: unknown): string {
	const segment = encodeURIComponent(Array.isArray(value) ? value.join(',') : String(value));
	if (segment === '' || segment === '.' || segment === '..')
		throw new Error(`Path parameter "${name}" must not be empty, "." or ".."`);
	return segment;
}

/** `type/subtype` (with optional `; name=value` parameters) of safe token characters; anything else is octet-stream. */
const MIME_TYPE =
	/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*(\s*;\s*[a-z0-9!#$&^_.+-]+=("[ !#-[\]-~]*"|[a-z0-9!#$&^_.+-]+))*$/i;

/** The MIME type to put in a part header: the binary's own when it is well formed, else application/octet-stream. */
function safeMimeType(value: unknown): string {
	const text = typeof value === 'string' ? value.trim() : '';
	return MIME_TYPE.test(text) ? text : 'application/octet-stream';
}

/**
 * A file name for a quoted `Content-Disposition` value: quotes, backslashes (which would escape the
 * closing quote) and control characters are percent-encoded, as browsers encode `"`, CR and LF, so
 * the name can neither end the quoted string nor inject a header line.
 */
function quoteFileName(name: string): string {
	let out = '';
	for (const char of name) {
		const code = char.charCodeAt(0);
		const unsafe = char === '"' || char === '\\' || code < 0x20 || code === 0x7f;
		out += unsafe ? `%${code.toString(16).toUpperCase().padStart(2, '0')}` : char;
	}
	return out;
}

function queryPairs(param: ParamDef, value: unknown): string[] {
	const key = wire(param);
	const pair = (k: string, v: unknown) =>
		`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`;
	if (!Array.isArray(value)) return [pair(key, value)];
	switch (param.listStyle ?? 'indexed') {
		case 'indexed':
			return value.map((v, i) => pair(`${key}[${i}]`, v));
		case 'repeat':
			return value.map((v) => pair(key, v));
		case 'comma':
			return [pair(key, value.join(','))];
	}
}

/** Sets `a.b.c` inside an object, creating the intermediate objects. */
function setDotted(target: IDataObject, dotted: string, value: unknown) {
	const keys = dotted.split('.');
	let node = target;
	for (const key of keys.slice(0, -1)) {
		node[key] = (node[key] as IDataObject | undefined) ?? {};
		node = node[key] as IDataObject;
	}
	node[keys[keys.length - 1]] = value as IDataObject[keyof IDataObject];
}

/** A multipart/form-data body built in memory (no runtime dependency), one part per file. */
export function multipartBody(files: FilePart[], boundary: string): Buffer {
	const chunks: Buffer[] = [];
	for (const file of files) {
		const name = quoteFileName(file.fileName);
		chunks.push(
			Buffer.from(
				`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${name}"\r\n` +
					`Content-Type: ${safeMimeType(file.mimeType)}\r\n\r\n`,
			),
			file.data,
			Buffer.from('\r\n'),
		);
	}
	chunks.push(Buffer.from(`--${boundary}--\r\n`));
	return Buffer.concat(chunks);
}

export function buildRequest(
	row: EndpointRow,
	values: ParamValues,
	files: FilePart[] = [],
): PreparedRequest {
	const byName = new Map(row.params.map((p) => [p.name, p]));
	const path = row.path.replace(/\{(\w+)\}/g, (_, name: string) => {
		const param = byName.get(name);
		if (!param || !values.has(name))
			throw new Error(`Path parameter "${name}" of ${row.sdkMethod} has no value`);
		return pathValue(name, values.get(name));
	});

	const query: string[] = [];
	let body: unknown;
	for (const param of row.params) {
		if (!values.has(param.name)) continue;
		const value = values.get(param.name);
		if (param.location === 'query') query.push(...queryPairs(param, value));
		else if (param.location === 'bodyRoot') body = value;
		else if (param.location === 'body') {
			body = body ?? {};
			setDotted(body as IDataObject, wire(param), value);
		}
	}

	// A row with a JSON body model always sends an object, even when no field is set (as the SDKs
	// do): `PATCH` with nothing to change is `{}`, not a request without a body.
	if (body === undefined && row.params.some((p) => p.location === 'body')) body = {};

	const headers: Record<string, string> = { Accept: 'application/json' };
	if (files.length) {
		const boundary = `----n8nFormBoundary${Date.now().toString(16)}${Math.random().toString(16).slice(2)}`;
		body = multipartBody(files, boundary);
		headers['Content-Type'] = `multipart/form-data; boundary=${boundary}`;
	} else if (body !== undefined) {
		headers['Content-Type'] = 'application/json';
	}
	return {
		method: row.method,
		url: query.length ? `${path}?${query.join('&')}` : path,
		body,
		headers,
	};
}
