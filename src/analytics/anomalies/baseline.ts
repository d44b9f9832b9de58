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

/**
 * The seasonal score with the level carried in, for series that move between levels from day to
 * day (one client's traffic: a quiet weekday, a batch week): the same-hour median is scaled by how
 * the `levelHours` before the hour ran against their own same-hour medians (clamped to 1/`clamp` ..
 * `clamp`), and the hour is scored against that, its residuals scaled as in `seasonalScore`. A
 * client at a third of its usual level for a day is then not "dropping" every hour, while one that
 * stops or jumps from the hour before still stands out. `expected` is the plain seasonal one,
 * `levelExpected` the scaled one; a caller asks both to agree before it speaks. `sigma` is the
 * spread the hour is scaled by (how far the series swings on its own).
 */
export function levelScore(values: ArrayLike<number>, t: number, options: { floor: number; levelHours?: number; clamp?: number; window?: number; minSigma?: number }): { expected: number; levelExpected: number; z: number; sigma: number } {
  const levelHours = options.levelHours ?? 6;
  const clamp = options.clamp ?? 4;
  const window = options.window ?? 7 * 24;
  const from = Math.max(0, t - window - levelHours);
  const seasonal = new Float64Array(t - from + 1);
  for (let j = from; j <= t; j++) seasonal[j - from] = seasonalExpected(values, j, 24, 7);
  const floor = options.floor;
  const scaled = (j: number): number => {
    let actual = 0;
    let usual = 0;
    for (let i = j - levelHours; i < j; i++) {
      const e = seasonal[i - from];
      if (i < from || e === undefined || !Number.isFinite(e)) return Number.NaN;
      actual += values[i]!;
      usual += e;
    }
    const level = Math.min(clamp, Math.max(1 / clamp, (actual + levelHours * floor) / (usual + levelHours * floor)));
    return level * seasonal[j - from]!;
  };
  const expected = seasonal[t - from]!;
  const levelExpected = scaled(t);
  if (!Number.isFinite(expected) || !Number.isFinite(levelExpected)) return { expected, levelExpected, z: Number.NaN, sigma: Number.NaN };
  const residuals: number[] = [];
  for (let j = Math.max(from + levelHours, t - window); j < t; j++) {
    const e = scaled(j);
    if (Number.isFinite(e)) residuals.push(logRatio(values[j]!, e, floor));
  }
  if (residuals.length < 24) return { expected, levelExpected, z: Number.NaN, sigma: Number.NaN };
  const sigma = Math.max(robustSigma(residuals), options.minSigma ?? 0.15);
  return { expected, levelExpected, z: (logRatio(values[t]!, levelExpected, floor) - median(residuals)) / sigma, sigma };
}
