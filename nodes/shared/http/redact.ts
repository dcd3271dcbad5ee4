/**
 * The one redaction step of the engine. Every text that leaves a node — error messages,
 * descriptions, details objects, continue-on-fail items — goes through a Redactor, which removes:
 * - the literal values of the credential's secrets (access / refresh / id token, client secret, the
 *   Basic value of client id + secret; the transport passes every token it has held in the
 *   execution, so a token replaced by a refresh is still removed when echoed later), wherever they
 *   appear: plain, percent-encoded once or twice, with JSON-escaped slashes (`\/`), in base64 (and
 *   base64url), and split across lines (a line break, optionally indented, between any two characters);
 * - token-like values in query or form text (`access_token=…`, `refresh_token=…`, `client_secret=…`,
 *   `code=…`, plain and percent-encoded);
 * - JSON pairs such as `"access_token": "…"` (also inside escaped JSON text);
 * - `Bearer …` / `Basic …` credentials (echoed Authorization headers);
 * - `user:password@` in URLs.
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

const REDACTED = '[redacted]';

const SECRET_KEYS = [
	'access_token',
	'refresh_token',
	'id_token',
	'client_secret',
	'client_assertion',
	'code_verifier',
	'password',
	'accessToken',
	'refreshToken',
	'clientSecret',
];
const KEYS = SECRET_KEYS.join('|');

/** `access_token=…` in a query string or form body (and `code=` right after `?` or `&`). */
const QUERY = new RegExp(`\\b(${KEYS})=[^&\\s'"#<>]*`, 'gi');
const QUERY_CODE = /([?&]code=)[^&\s'"#<>]*/gi;
/** The same, percent-encoded once (`access_token%3D…` up to the next encoded `&`). */
const QUERY_ENCODED = new RegExp(`\\b(${KEYS}|code)%3D(?:(?!%26)[^&\\s'"#<>])*`, 'gi');
/** `"access_token": "…"`, also as escaped JSON inside a JSON string (`\"access_token\":\"…\"`). */
const JSON_PAIR = new RegExp(`(\\\\?"(?:${KEYS}|code)\\\\?"\\s*:\\s*\\\\?")[^"\\\\]*`, 'gi');
/** An echoed Authorization value: Bearer / Basic followed by something token-like (8+ chars, a digit). */
const AUTH_VALUE = /\b(Bearer|Basic)(\s+|%20)(?=[A-Za-z0-9\-._~+/]*\d)[A-Za-z0-9\-._~+/]{8,}=*/gi;
/** `scheme://user:password@host`. */
const URL_LOGIN = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]*@/gi;

/** What may split an echoed secret across lines: a line break, optionally followed by indentation. */
const LINE_BREAK = '(?:\\r?\\n[ \\t]*)?';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class Redactor {
	private literal: RegExp | undefined;

	constructor(secrets: string[] = []) {
		this.setSecrets(secrets);
	}

	/** The secrets of a decrypted OAuth2 credential (tokens, client secret, Basic value). */
	static secretsOf(credentials: ICredentialDataDecryptedObject | undefined): string[] {
		if (!credentials) return [];
		const token = (credentials.oauthTokenData ?? {}) as IDataObject;
		const secrets = [
			token.access_token,
			token.refresh_token,
			token.id_token,
			credentials.clientSecret,
		].filter((value): value is string => typeof value === 'string');
		const clientId = typeof credentials.clientId === 'string' ? credentials.clientId : '';
		const clientSecret =
			typeof credentials.clientSecret === 'string' ? credentials.clientSecret : '';
		if (clientSecret) {
			secrets.push(Buffer.from(`${clientId}:${clientSecret}`).toString('base64'));
			secrets.push(
				Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString(
					'base64',
				),
			);
		}
		return secrets;
	}

	/** Replaces the literal secrets (at least 6 characters long; shorter ones are not secrets). */
	setSecrets(secrets: string[]): void {
		const forms = new Set<string>();
		for (const secret of secrets) {
			if (typeof secret !== 'string' || secret.length < 6) continue;
			const variants = [secret];
			try {
				const once = encodeURIComponent(secret);
				variants.push(once, encodeURIComponent(once));
			} catch {
				// a lone surrogate cannot be percent-encoded; the plain form is enough
			}
			const base64 = Buffer.from(secret, 'utf8').toString('base64');
			variants.push(
				base64,
				base64.replace(/=+$/, ''),
				Buffer.from(secret, 'utf8').toString('base64url'),
			);
			for (const variant of variants) {
				forms.add(variant);
				if (variant.includes('/')) forms.add(variant.replace(/\//g, '\\/'));
			}
		}
		// Longest first, so a secret that contains another is removed whole. Each form also matches
		// when a line break (optionally indented) splits it anywhere.
		const sorted = [...forms].sort((a, b) => b.length - a.length);
		const split = (form: string) => [...form].map(escapeRegExp).join(LINE_BREAK);
		this.literal = sorted.length ? new RegExp(sorted.map(split).join('|'), 'g') : undefined;
	}

	/** Redacts one text. */
	text(value: string): string {
		let out = value;
		if (this.literal) out = out.replace(this.literal, REDACTED);
		return out
			.replace(QUERY, `$1=${REDACTED}`)
			.replace(QUERY_CODE, `$1${REDACTED}`)
			.replace(
				QUERY_ENCODED,
				(match: string) => `${match.slice(0, match.toLowerCase().indexOf('%3d') + 3)}${REDACTED}`,
			)
			.replace(JSON_PAIR, `$1${REDACTED}`)
			.replace(AUTH_VALUE, `$1$2${REDACTED}`)
			.replace(URL_LOGIN, `$1${REDACTED}@`);
	}

	/** Redacts every string inside a JSON-like value (object keys stay); returns a copy. */
	deep<T>(value: T, depth = 0): T {
		if (typeof value === 'string') return this.text(value) as T;
		if (depth > 20 || value === null || typeof value !== 'object') return value;
		if (Array.isArray(value)) return value.map((entry) => this.deep(entry, depth + 1)) as T;
		if (Buffer.isBuffer(value)) return value;
		const copy: IDataObject = {};
		for (const [key, entry] of Object.entries(value as IDataObject))
			copy[key] = this.deep(entry, depth + 1);
		return copy as T;
	}
}
