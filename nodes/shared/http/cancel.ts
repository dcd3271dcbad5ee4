/**
 * Cancellation: every wait of a transport (back-off, rate cap, watching for a rotated token) and
 * every request ends when the execution is cancelled. Polls and older n8n versions have no cancel
 * signal: their waits simply run out.
 */
import { NodeOperationError, sleep, type IExecuteFunctions } from 'n8n-workflow';

import type { RequestContext } from './limits';

export class Cancellation {
	constructor(private readonly ctx: RequestContext) {}

	/** The execution's cancel signal (absent in polls and on older n8n versions). */
	get signal(): AbortSignal | undefined {
		const ctx = this.ctx as Partial<IExecuteFunctions>;
		return typeof ctx.getExecutionCancelSignal === 'function'
			? ctx.getExecutionCancelSignal.call(this.ctx)
			: undefined;
	}

	/** The error an item ends with when the execution is cancelled. */
	error(itemIndex: number): NodeOperationError {
		return new NodeOperationError(this.ctx.getNode(), 'The execution was cancelled', { itemIndex });
	}

	/** Sleeps `ms`, ending early (with an error) when the execution is cancelled. */
	async sleep(ms: number, itemIndex: number): Promise<void> {
		const signal = this.signal;
		if (!signal) return await sleep(ms);
		if (signal.aborted) throw this.error(itemIndex);
		let onAbort: (() => void) | undefined;
		try {
			await Promise.race([
				sleep(ms, signal),
				new Promise<void>((_, reject) => {
					onAbort = () => reject(this.error(itemIndex));
					signal.addEventListener('abort', onAbort, { once: true });
				}),
			]);
		} catch {
			throw this.error(itemIndex);
		} finally {
			if (onAbort) signal.removeEventListener('abort', onAbort);
		}
	}
}
