/**
 * Checks a service URL taken from a credential (itslearning Site URL, Genesys custom Base URL)
 * before anything is sent to it: https only (http allowed for 127.0.0.1 / localhost, so a local
 * emulator works), no query, fragment or login, and - for origin-only URLs - no path.
 */
import { NodeOperationError, type INode } from 'n8n-workflow';

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
	const invalid = (reason: string) => new NodeOperationError(node, `${rules.subject} ${reason}`, { description: rules.fix });
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw invalid(`"${text}" is not a URL. Use e.g. ${rules.example}`);
	}
	const local = url.hostname === '127.0.0.1' || url.hostname === 'localhost';
	if (url.protocol !== 'https:' && !(local && url.protocol === 'http:')) {
		throw invalid(`must use https (got ${url.protocol}//${url.host})`);
	}
	if (!rules.allowPath && url.pathname !== '/') {
		throw invalid(`must be an origin only, e.g. ${rules.example} (got a path in "${text}")`);
	}
	if (url.search || url.hash || url.username || url.password) {
		throw invalid(`must not contain a query, fragment or login (got "${url.origin}${url.pathname}…")`);
	}
	return `${url.origin}${rules.allowPath ? url.pathname.replace(/\/+$/, '') : ''}`;
}
