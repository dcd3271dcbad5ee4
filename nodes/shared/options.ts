/**
 * The node-wide "Request Options", for every operation of a node (the triggers use the defaults):
 * how many items are sent at once, a cap on requests per second, how long one item may wait
 * before retries in all, and how long one request may take, answer body included.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { DEFAULT_LIMITS, type TransportLimits } from './transport';

export const REQUEST_OPTIONS = 'requestOptions';

export const requestOptionsProperty: INodeProperties = {
	displayName: 'Request Options',
	name: REQUEST_OPTIONS,
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Concurrency',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 64 },
			default: 1,
			description:
				'How many input items are sent at the same time. 1 keeps the strict order of sending; with more, the output keeps the input order and pairing, a rate limit (429) makes every item wait, and items after a failing one may already have been sent.',
		},
		{
			displayName: 'Max Requests per Second',
			name: 'maxRequestsPerSecond',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 0,
			description: 'Most requests this node sends per second in one execution, retries and pages included (0 = no cap). Requests are spaced evenly and keep 2 % under the cap, so setting the service\'s own rate limit here avoids 429 answers.',
		},
		{
			displayName: 'Max Retry Wait (Seconds)',
			name: 'maxWaitSeconds',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 120,
			description:
				'How long one item may wait in total before retries when the service is rate limited (429) or briefly unavailable (502, 503, 504, dropped connections). A Retry-After longer than what is left fails the item at once with a message saying how long the service asked to wait.',
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeoutSeconds',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 60,
			description: 'How long one request may take, from sending it to the last byte of the answer; a request that takes longer is cut off and, if it only reads data, retried',
		},
	],
};

/** The limits set in the node's Request Options (defaults for unset ones). */
export function readLimits(ctx: IExecuteFunctions): TransportLimits {
	const options = ctx.getNodeParameter(REQUEST_OPTIONS, 0, {}) as IDataObject;
	const number = (value: unknown, fallback: number, min: number) =>
		typeof value === 'number' && Number.isFinite(value) && value >= min ? value : fallback;
	return {
		maxWaitMs: number(options.maxWaitSeconds, DEFAULT_LIMITS.maxWaitMs / 1000, 0) * 1000,
		timeoutMs: number(options.timeoutSeconds, DEFAULT_LIMITS.timeoutMs / 1000, 1) * 1000,
		maxRequestsPerSecond: number(options.maxRequestsPerSecond, 0, 0),
	};
}

/** How many items run at once (Request Options → Concurrency; 1 = one after the other). */
export function readConcurrency(ctx: IExecuteFunctions): number {
	const options = ctx.getNodeParameter(REQUEST_OPTIONS, 0, {}) as IDataObject;
	const value = Number(options.concurrency ?? 1);
	return Number.isInteger(value) && value >= 1 ? Math.min(value, 64) : 1;
}
