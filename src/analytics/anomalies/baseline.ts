import { median, robustSigma } from './robust.ts';

/**
 * Seasonal baseline: the median of the same hour on the previous `days` days. A median of same-hour
 * values follows the daily cycle, shrugs off one bad day (an outage or a spike in the history is
 * not learnt as pattern) and, over 7 days, the weekly one (weekends are two of seven).
 */
export function seasonalExpected(values: ArrayLike<number>, t: number, period = 24, days = 7, minPoints = 3): number {
  const points: number[] = [];
  for (let k = 1; k <= days; k++) {
    const j = t - k * period;
    if (j < 0) break;
    points.push(values[j]!);
  }
  return points.length >= minPoints ? median(points) : Number.NaN;
}

/** How far an hour sits from its baseline, on a log scale so quiet nights and busy afternoons are judged alike. */
export function logRatio(observed: number, expected: number, floor: number): number {
  return Math.log((observed + floor) / (expected + floor));
}

/**
 * The robust z-score of hour `t`: its log ratio to the seasonal baseline, divided by the MAD-scaled
 * spread of the same log ratios over the previous `window` hours (each against its own baseline).
 * NaN when the history is too short to judge.
 */
export function seasonalScore(values: ArrayLike<number>, t: number, options: { period?: number; days?: number; window?: number; floor: number; minSigma?: number }): { expected: number; z: number } {
  const period = options.period ?? 24;
  const days = options.days ?? 7;
  const window = options.window ?? 7 * period;
  const expected = seasonalExpected(values, t, period, days);
  if (!Number.isFinite(expected)) return { expected, z: Number.NaN };
  const residuals: number[] = [];
  for (let j = Math.max(0, t - window); j < t; j++) {
    const e = seasonalExpected(values, j, period, days);
    if (Number.isFinite(e)) residuals.push(logRatio(values[j]!, e, options.floor));
  }
  if (residuals.length < period) return { expected, z: Number.NaN };
  const sigma = Math.max(robustSigma(residuals), options.minSigma ?? 0.05);
  const center = median(residuals);
  return { expected, z: (logRatio(values[t]!, expected, options.floor) - center) / sigma };
}
