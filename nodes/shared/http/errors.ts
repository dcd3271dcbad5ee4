/**
 * The errors a transport raises: NodeApiErrors carrying the service's own message, status, code and
 * correlation id (or, without an answer, what went wrong on the network), the request they belong
 * to, and what the retry budget allowed — every text redacted, never a token.
 */
import { NodeApiError, NodeOperationError, type IDataObject, type JsonObject } from 'n8n-workflow';

import type { RequestContext, TransportLimits } from './limits';
import type { Redactor } from './redact';
import { header, MALFORMED, TIMEOUT, type Failure } from './response';
import type { ServiceDefinition } from '../table/service';
import type { EndpointRow } from '../table/types';

/** Network error codes in words, for messages. */
const NETWORK_WORDS: Record<string, string> = {
	ECONNRESET: 'the connection was closed',
	EPIPE: 'the connection was closed',
	UND_ERR_SOCKET: 'the connection was closed',
	ECONNABORTED: 'the connection was aborted',
	ECONNREFUSED: 'the connection was refused',
	ENOTFOUND: 'host name not found',
	EAI_AGAIN: 'host name lookup failed',
	EHOSTUNREACH: 'host unreachable',
	ENETUNREACH: 'network unreachable',
	ERR_BAD_RESPONSE: 'bad response',
	CERT_HAS_EXPIRED: 'TLS certificate expired',
};

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

export class ErrorBuilder {
	constructor(
		private readonly ctx: RequestContext,
		private readonly service: ServiceDefinition,
		private readonly redactor: Redactor,
		private readonly limits: TransportLimits,
		private readonly baseUrl: string,
	) {}

	/** A token renewal that failed (or an error n8n raised while signing): its words, redacted, with advice. */
	refresh(error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
		const node = this.ctx.getNode();
		const original = error as { message?: string; description?: string; httpCode?: string };
		const message = this.redactor.text(String(original?.message ?? error));
		const description = this.redactor.text(
			[
				original?.description,
				`The ${this.service.credentialDisplayName} credential's token could not be renewed. If it keeps failing, open the credential and reconnect it.`,
			]
				.filter(Boolean)
				.join('\n'),
		);
		return new NodeApiError(node, { message } as JsonObject, {
			message,
			description,
			...(original?.httpCode ? { httpCode: original.httpCode } : {}),
			itemIndex,
		});
	}

	/**
	 * A redirect answer: never followed (the token, and a write's body, would go with it), reported
	 * with the status and the origin it pointed to (no path or query, which may carry a token).
	 */
	redirect(
		row: EndpointRow,
		status: number,
		location: string | undefined,
		itemIndex: number,
	): NodeApiError {
		let target = 'no valid Location';
		try {
			if (location !== undefined) target = new URL(location, `${this.baseUrl}/`).origin;
		} catch {
			// keep 'no valid Location'
		}
		const message = `${this.service.displayName} answered with a redirect (${status}) to ${target}, which was not followed`;
		return new NodeApiError(
			this.ctx.getNode(),
			{ message: this.redactor.text(message), status } as JsonObject,
			{
				message: this.redactor.text(message),
				description: this.redactor.text(
					`A credential never leaves the origin it was signed for (${this.baseUrl}): requests are not redirected. Check the URL in the ${this.service.credentialDisplayName} credential.\nRequest: ${row.method} ${row.path} (${row.sdkMethod})`,
				),
				httpCode: String(status),
				itemIndex,
			},
		);
	}

	/** Removes secrets from an error raised while handling an item, in place, and returns it. */
	redact<T extends Error>(error: T): T {
		const target = error as T & {
			description?: unknown;
			messages?: unknown;
			context?: IDataObject;
			errorResponse?: unknown;
		};
		target.message = this.redactor.text(target.message);
		if (typeof target.description === 'string')
			target.description = this.redactor.text(target.description);
		if (Array.isArray(target.messages))
			target.messages = target.messages.map((m) =>
				typeof m === 'string' ? this.redactor.text(m) : m,
			);
		if (target.context) target.context = this.redactor.deep(target.context);
		if (target.errorResponse) target.errorResponse = this.redactor.deep(target.errorResponse);
		return error;
	}

	/** The error of a request that failed for good (after `retries` retries, or over the wait budget). */
	failure(
		row: EndpointRow,
		failure: Failure,
		itemIndex: number,
		retries: number,
		budget?: { askedMs?: number; leftMs: number },
	): NodeApiError {
		const node = this.ctx.getNode();
		const r = (text: string) => this.redactor.text(text);
		const retried = retries > 0 ? ` (after ${retries} ${retries === 1 ? 'retry' : 'retries'})` : '';
		const budgetNote = budget
			? budget.askedMs !== undefined
				? `The service asked to wait ${seconds(budget.askedMs)} before retrying (Retry-After), longer than the ${seconds(budget.leftMs)} left of this item's retry wait budget (Request Options → Max Retry Wait, ${seconds(this.limits.maxWaitMs)}).`
				: `The retry wait budget of this item is used up (Request Options → Max Retry Wait, ${seconds(this.limits.maxWaitMs)}).`
			: undefined;
		if (failure.status === undefined) {
			const reason =
				failure.networkCode === MALFORMED
					? 'answered with malformed JSON'
					: failure.networkCode === TIMEOUT
						? `did not answer completely within ${seconds(this.limits.timeoutMs)} (Request Options → Timeout)`
						: `could not be reached (${NETWORK_WORDS[failure.networkCode ?? ''] ?? 'network error'})`;
			// The code goes into the description only: n8n replaces a message that names one
			// (ECONNRESET, …) with a generic text that hides which service failed.
			return new NodeApiError(
				node,
				{ message: `${this.service.displayName} ${reason}` } as JsonObject,
				{
					message: `${this.service.displayName} ${reason}${retried}`,
					description: [
						failure.networkCode &&
							failure.networkCode !== MALFORMED &&
							`Code: ${failure.networkCode}`,
						`Request: ${row.method} ${row.path} (${row.sdkMethod})`,
						budgetNote,
					]
						.filter(Boolean)
						.join('\n'),
					itemIndex,
				},
			);
		}
		const parsed = this.service.parseError(failure.status, failure.body, failure.headers);
		const correlationId =
			parsed.correlationId ??
			(this.service.correlationHeader
				? header(failure.headers, this.service.correlationHeader)
				: undefined);
		const hint = this.service.hint?.(failure.status, row, parsed);
		const message = r(parsed.message);
		const code = parsed.code === undefined ? undefined : r(parsed.code);
		const description = r(
			[
				code && `Code: ${code}`,
				correlationId && `Correlation ID: ${correlationId}`,
				`Request: ${row.method} ${row.path} (${row.sdkMethod})${retried}`,
				budgetNote,
				hint,
			]
				.filter(Boolean)
				.join('\n'),
		);
		const errorResponse: JsonObject = {
			message,
			status: failure.status,
			...(code ? { code } : {}),
			...(correlationId ? { correlationId: r(correlationId) } : {}),
			...(parsed.details ? { details: this.redactor.deep(parsed.details) as JsonObject } : {}),
		};
		return new NodeApiError(node, errorResponse, {
			message: `${this.service.displayName} error ${failure.status}: ${message}`,
			description,
			httpCode: String(failure.status),
			itemIndex,
		});
	}
}
