/**
 * What a transport runs with: the n8n context it sends through, the limits the user can set in a
 * node's Request Options (and their defaults), and the range of each Request Options field.
 */
import type { IExecuteFunctions, IPollFunctions } from 'n8n-workflow';

export type RequestContext = IExecuteFunctions | IPollFunctions;

/** Limits the user can set (node options); defaults in DEFAULT_LIMITS. */
export interface TransportLimits {
	/** Total time one item may spend waiting before retries (Retry-After and back-off), in ms. */
	maxWaitMs: number;
	/** Time one request may take, from sending to the last byte of the answer, in ms. */
	timeoutMs: number;
	/** Most requests per second this execution sends (0 = no cap). */
	maxRequestsPerSecond: number;
}

export const DEFAULT_LIMITS: TransportLimits = {
	maxWaitMs: 120_000,
	timeoutMs: 60_000,
	maxRequestsPerSecond: 0,
};

/** The parameter name of the node-wide Request Options collection. */
export const REQUEST_OPTIONS = 'requestOptions';

/**
 * The range of each Request Options field, shown in the editor (minValue / maxValue) and enforced
 * on values that come from expressions. Timeout and Max Retry Wait stay far below what a timer can
 * hold (2^31 ms, about 24.8 days); a cap on requests per second below MIN_RATE could not be
 * honoured (0 = no cap).
 */
export const BOUNDS = {
	concurrency: { displayName: 'Concurrency', min: 1, max: 64, integer: true },
	maxRequestsPerSecond: {
		displayName: 'Max Requests per Second',
		min: 0,
		max: 1000,
		integer: false,
	},
	maxWaitSeconds: { displayName: 'Max Retry Wait (Seconds)', min: 0, max: 3600, integer: false },
	timeoutSeconds: { displayName: 'Timeout (Seconds)', min: 1, max: 3600, integer: false },
} as const;
/** The smallest cap on requests per second that is honoured (one request per 100 s); 0 means no cap. */
export const MIN_RATE = 0.01;
