/** Spend-rate projection for a budget window. Pure. */
export interface BurnRate {
  /** Variable spend per hour so far in the window, nano-USD. */
  perHourNano: number;
  /** Spend at the end of the window if the rate holds (fixed costs included). */
  projectedNano: number;
  /** When the limit is reached at this rate (undefined when it is not, within the window or ever). */
  exhaustionAtMs: number | undefined;
}

/**
 * `variableNano` is what requests cost so far; `fixedNowNano` and `fixedEndNano` the fixed costs
 * accrued now and by the window's end. The rate is variable spend over elapsed time (at least
 * one minute, so a window's first request does not project nonsense).
 */
export function burnRate(input: { startMs: number; endMs: number; nowMs: number; variableNano: number; fixedNowNano: number; fixedEndNano: number; limitNano: number }): BurnRate {
  const elapsedMs = Math.max(input.nowMs - input.startMs, 60_000);
  const ratePerMs = input.variableNano / elapsedMs;
  const remainingMs = Math.max(input.endMs - input.nowMs, 0);
  const projectedNano = Math.round(input.variableNano + ratePerMs * remainingMs + input.fixedEndNano);
  let exhaustionAtMs: number | undefined;
  const used = input.variableNano + input.fixedNowNano;
  if (used >= input.limitNano) exhaustionAtMs = input.nowMs;
  else if (projectedNano > input.limitNano) {
    // Fixed costs accrue linearly too: solve used + (rate + fixedRate) t = limit.
    const fixedRate = remainingMs > 0 ? (input.fixedEndNano - input.fixedNowNano) / remainingMs : 0;
    const totalRate = ratePerMs + fixedRate;
    if (totalRate > 0) exhaustionAtMs = Math.round(input.nowMs + (input.limitNano - used) / totalRate);
  }
  return { perHourNano: Math.round(ratePerMs * 3_600_000), projectedNano, exhaustionAtMs };
}
