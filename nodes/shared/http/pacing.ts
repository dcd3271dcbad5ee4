/**
 * Pacing of one execution's requests: the shared back-off after a rate limit (no request of the
 * execution goes out before the time the service asked for), the cap on requests per second
 * (Request Options → Max Requests per Second), and each item's retry wait budget (Request Options →
 * Max Retry Wait). Every wait ends when the execution is cancelled.
 */
import type { Cancellation } from './cancel';
import type { TransportLimits } from './limits';

/** Spacing factor of Max Requests per Second (requests leave at most at 98 % of the cap). */
const CAP_MARGIN = 1.02;
/** Rate cap: a second plus this margin between a request and the one `cap` places before it. */
const WINDOW_MARGIN_MS = 20;

export class Pacer {
	/** Wait budget left per item (ms). */
	private readonly budgets = new Map<number, number>();

	/**
	 * Shared back-off: when the service answers 429 (or 503) with Retry-After, no request of this
	 * execution goes out before this time (ms since epoch), whichever item it belongs to.
	 */
	private pausedUntil = 0;

	/** Rate cap: the earliest time the next request may start (ms since epoch). */
	private nextSlot = 0;

	/** Rate cap: start times of the last requests (as many as the cap per second). */
	private readonly sent: number[] = [];

	constructor(
		private readonly limits: TransportLimits,
		private readonly cancel: Cancellation,
	) {}

	budgetLeft(itemIndex: number): number {
		return this.budgets.get(itemIndex) ?? this.limits.maxWaitMs;
	}

	/** A rate limit holds for the whole execution: no request goes out before `until` (ms since epoch). */
	pauseUntil(until: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, until);
	}

	/** Waits out the shared back-off and the rate cap before a request goes out. */
	async beforeSending(itemIndex: number): Promise<void> {
		for (;;) {
			const now = Date.now();
			if (this.pausedUntil > now) {
				await this.cancel.sleep(this.pausedUntil - now, itemIndex);
				continue;
			}
			const cap = this.limits.maxRequestsPerSecond;
			if (cap > 0) {
				const slot = Math.max(now, this.nextSlot);
				// 2 % under the cap: a request sent on time can arrive a little early relative to the
				// service's own one-second windows, and one request too many costs a full second of back-off.
				this.nextSlot = slot + (1000 / cap) * CAP_MARGIN;
				if (slot > now) await this.cancel.sleep(slot - now, itemIndex);
				// Timers of several items that fire late together (a busy event loop) would leave
				// back to back: no request starts less than a second (plus a margin) after the one
				// `cap` places before it, whatever the timers did.
				const window = Math.max(1, Math.floor(cap));
				for (;;) {
					const earlier =
						this.sent.length >= window ? this.sent[this.sent.length - window] : undefined;
					const wait = earlier === undefined ? 0 : earlier + 1000 + WINDOW_MARGIN_MS - Date.now();
					if (wait <= 0) break;
					await this.cancel.sleep(wait, itemIndex);
				}
				this.sent.push(Date.now());
				if (this.sent.length > window) this.sent.splice(0, this.sent.length - window);
			}
			return;
		}
	}

	/** Waits `ms` out of the item's retry wait budget, ending early (with an error) when the execution is cancelled. */
	async wait(ms: number, itemIndex: number): Promise<void> {
		this.budgets.set(itemIndex, this.budgetLeft(itemIndex) - ms);
		await this.cancel.sleep(ms, itemIndex);
	}
}
