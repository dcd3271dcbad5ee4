/**
 * Builds the HTTP request of one row from validated parameter values: path placeholders encoded
 * like the official SDKs (encodeURIComponent), the query string in row order with lists in the
 * row's style, a JSON body (nested for dotted wire names) or a multipart body for binary files.
 */
import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';

import type { EndpointRow, ParamDef } from './types';

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

function pathValue(value: unknown): string {
	return encodeURIComponent(Array.isArray(value) ? value.join(',') : String(value));
}

function queryPairs(param: ParamDef, value: unknown): string[] {
	const key = wire(param);
	const pair = (k: string, v: unknown) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`;
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
	const quote = (text: string) => text.replace(/["\r\n]/g, (c) => encodeURIComponent(c));
	const chunks: Buffer[] = [];
	for (const file of files) {
		chunks.push(
			Buffer.from(
				`--${boundary}\r\nContent-Disposition: form-data; name="${quote(file.fileName)}"; filename="${quote(file.fileName)}"\r\n` +
					`Content-Type: ${file.mimeType}\r\n\r\n`,
			),
			file.data,
			Buffer.from('\r\n'),
		);
	}
	chunks.push(Buffer.from(`--${boundary}--\r\n`));
	return Buffer.concat(chunks);
}

export function buildRequest(row: EndpointRow, values: ParamValues, files: FilePart[] = []): PreparedRequest {
	const byName = new Map(row.params.map((p) => [p.name, p]));
	const path = row.path.replace(/\{(\w+)\}/g, (_, name: string) => {
		const param = byName.get(name);
		if (!param || !values.has(name)) throw new Error(`Path parameter "${name}" of ${row.sdkMethod} has no value`);
		return pathValue(values.get(name));
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
	return { method: row.method, url: query.length ? `${path}?${query.join('&')}` : path, body, headers };
}
