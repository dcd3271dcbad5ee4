/**
 * The node-wide "Request Options", for every operation of a node (the triggers use the defaults):
 * how many items are sent at once, a cap on requests per second, how long one item may wait
 * before retries in all, and how long one request may take, answer body included.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { BOUNDS, DEFAULT_LIMITS, MIN_RATE, REQUEST_OPTIONS, type TransportLimits } from './limits';

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
			typeOptions: { minValue: BOUNDS.concurrency.min, maxValue: BOUNDS.concurrency.max, numberPrecision: 0 },
			default: 1,
			description:
				'How many input items are sent at the same time. 1 keeps the strict order of sending; with more, the output keeps the input order and pairing, a rate limit (429) makes every item wait, and items after a failing one may already have been sent.',
		},
		{
			displayName: 'Max Requests per Second',
			name: 'maxRequestsPerSecond',
			type: 'number',
			typeOptions: { minValue: BOUNDS.maxRequestsPerSecond.min, maxValue: BOUNDS.maxRequestsPerSecond.max, numberPrecision: 2 },
			default: 0,
			description: 'Most requests this node sends per second in one execution, retries and pages included (0 = no cap; otherwise 0.01 to 1000). Requests are spaced evenly and keep 2 % under the cap, so setting the service\'s own rate limit here avoids 429 answers.',
		},
		{
			displayName: 'Max Retry Wait (Seconds)',
			name: 'maxWaitSeconds',
			type: 'number',
			typeOptions: { minValue: BOUNDS.maxWaitSeconds.min, maxValue: BOUNDS.maxWaitSeconds.max },
			default: 120,
			description:
				'How long one item may wait in total before retries when the service is rate limited (429) or briefly unavailable (502, 503, 504, dropped connections). A Retry-After longer than what is left fails the item at once with a message saying how long the service asked to wait.',
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeoutSeconds',
			type: 'number',
			typeOptions: { minValue: BOUNDS.timeoutSeconds.min, maxValue: BOUNDS.timeoutSeconds.max },
			default: 60,
			description: 'How long one request may take, from sending it to the last byte of the answer; a request that takes longer is cut off and, if it only reads data, retried',
		},
	],
};

/**
 * One Request Options field: its default when unset (undefined, null or empty text), else a number
 * within its bounds, or a NodeOperationError naming the field (before any request is sent).
 */
function readField(ctx: IExecuteFunctions, options: IDataObject, name: keyof typeof BOUNDS, fallback: number): number {
	const raw = options[name];
	if (raw === undefined || raw === null || raw === '') return fallback;
	const bounds = BOUNDS[name];
	const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
	const belowRate = name === 'maxRequestsPerSecond' && value > 0 && value < MIN_RATE;
	if (!Number.isFinite(value) || value < bounds.min || value > bounds.max || (bounds.integer && !Number.isInteger(value)) || belowRate) {
		const range = name === 'maxRequestsPerSecond' ? `0 (no cap) or ${MIN_RATE} to ${bounds.max}` : `${bounds.integer ? 'a whole number from ' : ''}${bounds.min} to ${bounds.max}`;
		throw new NodeOperationError(ctx.getNode(), `Request Options → ${bounds.displayName} must be ${range} (got ${JSON.stringify(String(raw)).slice(0, 60)})`, {
			description: `Set ${bounds.displayName} in the node's Request Options to a value in range (an expression gave one outside it).`,
		});
	}
	return value;
}

/** The limits set in the node's Request Options (defaults for unset ones); out-of-range values are refused. */
export function readLimits(ctx: IExecuteFunctions): TransportLimits {
	const options = ctx.getNodeParameter(REQUEST_OPTIONS, 0, {}) as IDataObject;
	return {
		maxWaitMs: readField(ctx, options, 'maxWaitSeconds', DEFAULT_LIMITS.maxWaitMs / 1000) * 1000,
		timeoutMs: readField(ctx, options, 'timeoutSeconds', DEFAULT_LIMITS.timeoutMs / 1000) * 1000,
		maxRequestsPerSecond: readField(ctx, options, 'maxRequestsPerSecond', DEFAULT_LIMITS.maxRequestsPerSecond),
	};
}

/** How many items run at once (Request Options → Concurrency; 1 = one after the other); out-of-range values are refused. */
export function readConcurrency(ctx: IExecuteFunctions): number {
	const options = ctx.getNodeParameter(REQUEST_OPTIONS, 0, {}) as IDataObject;
	return readField(ctx, options, 'concurrency', 1);
}
