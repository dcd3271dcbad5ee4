/**
 * The node-wide "Request Options": limits on time that apply to every operation of a node
 * (and, with their defaults, to the triggers): how long one item may wait before retries in all,
 * and how long one request may take, answer body included.
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
			displayName: 'Max Retry Wait (Seconds)',
			name: 'maxWaitSeconds',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: DEFAULT_LIMITS.maxWaitMs / 1000,
			description:
				'How long one item may wait in total before retries when the service is rate limited (429) or briefly unavailable (502, 503, 504, dropped connections). A Retry-After longer than what is left fails the item at once with a message saying how long the service asked to wait.',
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeoutSeconds',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: DEFAULT_LIMITS.timeoutMs / 1000,
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
	};
}
