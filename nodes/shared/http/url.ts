/**
 * The one URL rule for service URLs taken from a credential (itslearning Site URL, Genesys custom
 * Base URL and Login URL), used by the node (checkServiceUrl, before anything is sent), the list
 * searches (through the transport, which takes its base URL from checkServiceUrl) and the
 * credentials' own expressions (guardedUrlExpression: authorization URL, token URL, test request).
 *
 * The rule: after trimming surrounding whitespace and trailing slashes, the text must match
 * SERVICE_URL (no control character, whitespace, login, query or fragment anywhere; https, or http
 * only when the host is exactly 127.0.0.1, localhost or [::1]; a host made of ASCII labels whose
 * last label starts with a letter, or a dotted-quad IPv4 address; a port other than the default;
 * for Genesys an optional path of plain segments, never `.` or `..`) AND the WHATWG URL parser must
 * read it as the very same URL (origin and path unchanged apart from letter case). The pattern only
 * admits URLs the WHATWG parser leaves as they are, so the second condition never refuses what
 * the first accepts; it is checked anyway, and test/hardening/url-rule.test.ts runs hostile values
 * through the node, the credential expressions (in n8n's expression engine), the credential test
 * and the list searches and asserts they agree. An n8n expression cannot import code and n8n's
 * expression sandbox has no URL parser, so the expression applies the pattern alone, generated
 * from the same source.
 */
import { NodeOperationError, type INode } from 'n8n-workflow';

import { Redactor } from './redact';

interface ServiceUrlRules {
	/** How the message names the field, e.g. 'The itslearning Site URL'. */
	subject: string;
	/** The error's description: where to fix it, with an example. */
	fix: string;
	/** Example shown when the value is not a URL at all. */
	example: string;
	/** Whether a path may follow the origin (a gateway prefix); origin only otherwise. */
	allowPath: boolean;
}

/** 1–65535 without leading zeros. */
const PORT = '(?:[1-9]\\d{0,3}|[1-5]\\d{4}|6[0-4]\\d{3}|65[0-4]\\d{2}|655[0-2]\\d|6553[0-5])';
/** 0–255 without leading zeros. */
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
/** An ASCII DNS label (no punycode `xn--`, whose validity only an IDNA parser can judge). */
const LABEL = '(?!xn--)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
/** A host name whose last label starts with a letter (so no parser reads it as a number), or a dotted quad. */
const HOST = `(?:(?:${LABEL}\\.)*(?!xn--)[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?|${OCTET}(?:\\.${OCTET}){3})`;
/** https with any such host and a port other than 443; http only on the loopback names, port other than 80. */
const ORIGIN = `(?:https://${HOST}(?::(?!443(?![0-9]))${PORT})?|http://(?:127\\.0\\.0\\.1|localhost|\\[::1\\])(?::(?!80(?![0-9]))${PORT})?)`;
/** Path segments of unreserved characters, none of them `.` or `..`, no empty segment. */
const PATH = '(?:/(?!\\.\\.?(?:/|$))[a-z0-9._~-]+)*';

/** The pattern of the rule, for an origin only or an origin with an optional path. Case-insensitive. */
function serviceUrlPattern(allowPath: boolean): RegExp {
	return new RegExp(`^${ORIGIN}${allowPath ? PATH : ''}$`, 'i');
}

/** The text the rule applies to: surrounding whitespace and trailing slashes removed (as the expressions do). */
function serviceUrlText(value: unknown): string {
	return typeof value === 'string' ? value.trim().replace(/\/+$/, '') : '';
}

/** Whether the WHATWG URL parser reads `text` as the same origin and path (letter case aside). */
function parsesUnchanged(text: string, allowPath: boolean): boolean {
	try {
		const url = new URL(text);
		const path = url.pathname === '/' ? '' : url.pathname;
		if (!allowPath && path !== '') return false;
		return (
			`${url.origin}${path}`.toLowerCase() === text.toLowerCase() &&
			!url.search &&
			!url.hash &&
			!url.username &&
			!url.password
		);
	} catch {
		return false;
	}
}

/** The one rule: whether a service URL (as typed, before trimming) may receive a credential. */
export function isAllowedServiceUrl(value: unknown, allowPath: boolean): boolean {
	const text = serviceUrlText(value);
	return serviceUrlPattern(allowPath).test(text) && parsesUnchanged(text, allowPath);
}

/** Why `text` breaks the rule, in words (for the error message only). */
function reason(text: string, rules: ServiceUrlRules): string {
	const shown = JSON.stringify(new Redactor().text(text)).slice(1, -1);
	if (
		[...text].some(
			(char) =>
				(char.codePointAt(0) ?? 0) <= 0x20 ||
				((char.codePointAt(0) ?? 0) >= 0x7f && (char.codePointAt(0) ?? 0) <= 0xa0) ||
				/\s/.test(char),
		)
	) {
		return `must not contain spaces, line breaks or control characters (got "${shown}")`;
	}
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return `"${shown}" is not a URL. Use e.g. ${rules.example}`;
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:')
		return `must use https (got ${url.protocol})`;
	if (!/^https?:\/\/[^/\\]/i.test(text))
		return `must start with https:// and a host name, e.g. ${rules.example} (got "${shown}")`;
	if (url.username || url.password || url.search || url.hash || /[@?#]/.test(text))
		return 'must not contain a query, fragment or login';
	if (
		url.protocol === 'http:' &&
		!['127.0.0.1', 'localhost', '[::1]'].includes(text.slice(7).split(/[:/]/)[0].toLowerCase())
	) {
		return 'must use https (plain http only for exactly 127.0.0.1, localhost or [::1])';
	}
	if (!rules.allowPath && !/^https?:\/\/[^/]*$/i.test(text))
		return `must be an origin only, e.g. ${rules.example} (got a path)`;
	return `must be written as a plain URL: a host name of ASCII letters, digits, dots and hyphens (or a dotted IPv4 address), a port other than the default, ${rules.allowPath ? 'path segments of letters, digits and -._~ (no "." or ".." segment) and ' : ''}nothing else (got "${shown}")`;
}

/** Returns the URL without a trailing slash, or throws a NodeOperationError that says what is wrong. */
export function checkServiceUrl(value: unknown, node: INode, rules: ServiceUrlRules): string {
	const text = serviceUrlText(value);
	if (!isAllowedServiceUrl(text, rules.allowPath)) {
		throw new NodeOperationError(node, `${rules.subject} ${reason(text, rules)}`, {
			description: rules.fix,
		});
	}
	const url = new URL(text);
	return `${url.origin}${url.pathname === '/' ? '' : url.pathname}`;
}

/**
 * An n8n expression body (without `={{ }}`) that yields `value` (an expression for the URL, trimmed
 * and without trailing slash, see serviceUrlText) only when it passes the rule's pattern, and
 * otherwise a URL that cannot resolve, whose host name says what is wrong. Credentials use it for
 * their test request, authorization URL and token URL: n8n's credential Test and OAuth connect do
 * not run node code, and an expression cannot stop them with an error, but it can route a bad URL
 * somewhere harmless, so no token, code or secret ever goes where the node would not send it.
 */
export function guardedUrlExpression(
	value: string,
	allowPath: boolean,
	refusedHost: string,
): string {
	const pattern = serviceUrlPattern(allowPath).source;
	return `(/${pattern}/i.test(${value}) ? ${value} : 'https://${refusedHost}.invalid')`;
}
