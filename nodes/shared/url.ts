/**
 * Checks a service URL taken from a credential (itslearning Site URL, Genesys custom Base URL)
 * before anything is sent to it: https only (http allowed for 127.0.0.1 / localhost, so a local
 * emulator works), no query, fragment or login, and - for origin-only URLs - no path.
 */
import { NodeOperationError, type INode } from 'n8n-workflow';

import { Redactor } from './redact';

export interface ServiceUrlRules {
	/** How the message names the field, e.g. 'The itslearning Site URL'. */
	subject: string;
	/** The error's description: where to fix it, with an example. */
	fix: string;
	/** Example shown when the value is not a URL at all. */
	example: string;
	/** Whether a path may follow the origin (a gateway prefix); origin only otherwise. */
	allowPath: boolean;
}

/** Returns the URL without a trailing slash, or throws a NodeOperationError that says what is wrong. */
export function checkServiceUrl(value: unknown, node: INode, rules: ServiceUrlRules): string {
	const text = typeof value === 'string' ? value.trim().replace(/\/+$/, '') : '';
	// The value may carry a login (`https://user:pass@…`): never echo it.
	const shown = new Redactor().text(text);
	const invalid = (reason: string) => new NodeOperationError(node, `${rules.subject} ${reason}`, { description: rules.fix });
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw invalid(`"${shown}" is not a URL. Use e.g. ${rules.example}`);
	}
	const local = url.hostname === '127.0.0.1' || url.hostname === 'localhost';
	if (url.protocol !== 'https:' && !(local && url.protocol === 'http:')) {
		throw invalid(`must use https (got ${url.protocol}//${url.host})`);
	}
	if (!rules.allowPath && url.pathname !== '/') {
		throw invalid(`must be an origin only, e.g. ${rules.example} (got a path in "${url.origin}${url.pathname}")`);
	}
	if (url.search || url.hash || url.username || url.password) {
		throw invalid(`must not contain a query, fragment or login (got "${url.origin}${url.pathname}…")`);
	}
	return `${url.origin}${rules.allowPath ? url.pathname.replace(/\/+$/, '') : ''}`;
}

/** https with a host and no login, query or fragment; or http on 127.0.0.1 / localhost. Origin only. */
const SAFE_ORIGIN = /^(https:\/\/[^/?#@\s\\]+|http:\/\/(127\.0\.0\.1|localhost)(:\d+)?)$/i;
/** The same, with an optional path after the origin (a gateway prefix). */
const SAFE_WITH_PATH = /^(https:\/\/[^/?#@\s\\]+|http:\/\/(127\.0\.0\.1|localhost)(:\d+)?)(\/[^?#@\s\\]*)?$/i;

/** Whether a URL passes the rule the credential expressions apply (the same as checkServiceUrl's scheme rule). */
export function isSafeServiceUrl(value: string, allowPath: boolean): boolean {
	return (allowPath ? SAFE_WITH_PATH : SAFE_ORIGIN).test(value);
}

/**
 * An n8n expression body (without `={{ }}`) that yields `value` (an expression for the trimmed URL
 * without trailing slash) only when it is https (or http on 127.0.0.1 / localhost) and otherwise a URL
 * that cannot resolve, whose host name says what is wrong. Credentials use it for their test request,
 * authorization URL and token URL: n8n's credential Test and OAuth connect do not run node code, and
 * an expression cannot stop them with an error, but it can route a bad URL somewhere harmless, so no
 * token, code or secret ever goes to a plain-http host.
 */
export function guardedUrlExpression(value: string, allowPath: boolean, refusedHost: string): string {
	const pattern = (allowPath ? SAFE_WITH_PATH : SAFE_ORIGIN).source;
	return `(/${pattern}/i.test(${value}) ? ${value} : 'https://${refusedHost}.invalid')`;
}
