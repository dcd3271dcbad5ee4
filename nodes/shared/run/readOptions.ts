/**
 * Reads the node's Request Options (editor/requestOptions.ts) for one execution: the transport's
 * limits and the concurrency, each checked against its range (http/limits.ts) before any request.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import {
	BOUNDS,
	DEFAULT_LIMITS,
	MIN_RATE,
	REQUEST_OPTIONS,
	type TransportLimits,
} from '../http/limits';

/**
 * One Request Options field: its default when unset (undefined, null or empty text), else a number
 * within its bounds, or a NodeOperationError naming the field (before any request is sent).
 */
function readField(
	ctx: IExecuteFunctions,
	options: IDataObject,
	name: keyof typeof BOUNDS,
	fallback: number,
): number {
	const raw = options[name];
	if (raw === undefined || raw === null || raw === '') return fallback;
	const bounds = BOUNDS[name];
	const value =
		typeof raw === 'number'
			? raw
			: typeof raw === 'string' && raw.trim() !== ''
				? Number(raw)
				: Number.NaN;
	const belowRate = name === 'maxRequestsPerSecond' && value > 0 && value < MIN_RATE;
	if (
		!Number.isFinite(value) ||
		value < bounds.min ||
		value > bounds.max ||
		(bounds.integer && !Number.isInteger(value)) ||
		belowRate
	) {
		const range =
			name === 'maxRequestsPerSecond'
				? `0 (no cap) or ${MIN_RATE} to ${bounds.max}`
				: `${bounds.integer ? 'a whole number from ' : ''}${bounds.min} to ${bounds.max}`;
		throw new NodeOperationError(
			ctx.getNode(),
			`Request Options → ${bounds.displayName} must be ${range} (got ${JSON.stringify(String(raw)).slice(0, 60)})`,
			{
				description: `Set ${bounds.displayName} in the node's Request Options to a value in range (an expression gave one outside it).`,
			},
		);
	}
	return value;
}

/** The limits set in the node's Request Options (defaults for unset ones); out-of-range values are refused. */
export function readLimits(ctx: IExecuteFunctions): TransportLimits {
	const options = ctx.getNodeParameter(REQUEST_OPTIONS, 0, {}) as IDataObject;
	return {
		maxWaitMs: readField(ctx, options, 'maxWaitSeconds', DEFAULT_LIMITS.maxWaitMs / 1000) * 1000,
		timeoutMs: readField(ctx, options, 'timeoutSeconds', DEFAULT_LIMITS.timeoutMs / 1000) * 1000,
		maxRequestsPerSecond: readField(
			ctx,
			options,
			'maxRequestsPerSecond',
			DEFAULT_LIMITS.maxRequestsPerSecond,
		),
	};
}

/** How many items run at once (Request Options → Concurrency; 1 = one after the other); out-of-range values are refused. */
export function readConcurrency(ctx: IExecuteFunctions): number {
	const options = ctx.getNodeParameter(REQUEST_OPTIONS, 0, {}) as IDataObject;
	return readField(ctx, options, 'concurrency', 1);
}
