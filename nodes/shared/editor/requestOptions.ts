/**
 * The node-wide "Request Options" field, for every operation of a node (the triggers use the
 * defaults): how many items are sent at once, a cap on requests per second, how long one item may
 * wait before retries in all, and how long one request may take, answer body included. The ranges
 * are http/limits.ts's BOUNDS; run/readOptions.ts reads and checks the values.
 */
import type { INodeProperties } from 'n8n-workflow';

import { BOUNDS, REQUEST_OPTIONS } from '../http/limits';

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
			typeOptions: {
				minValue: BOUNDS.concurrency.min,
				maxValue: BOUNDS.concurrency.max,
				numberPrecision: 0,
			},
			default: 1,
			description:
				'How many input items are sent at the same time. 1 keeps the strict order of sending; with more, the output keeps the input order and pairing, a rate limit (429) makes every item wait, and items after a failing one may already have been sent.',
		},
		{
			displayName: 'Max Requests per Second',
			name: 'maxRequestsPerSecond',
			type: 'number',
			typeOptions: {
				minValue: BOUNDS.maxRequestsPerSecond.min,
				maxValue: BOUNDS.maxRequestsPerSecond.max,
				numberPrecision: 2,
			},
			default: 0,
			description:
				"Most requests this node sends per second in one execution, retries and pages included (0 = no cap; otherwise 0.01 to 1000). Requests are spaced evenly and keep 2 % under the cap, so setting the service's own rate limit here avoids 429 answers.",
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
			description:
				'How long one request may take, from sending it to the last byte of the answer; a request that takes longer is cut off and, if it only reads data, retried',
		},
	],
};
