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
 *
 * With `span` k > 1 the same is done for the k hours ending at `t`, summed (against the same k hours
 * of the previous days, the level read from the `levelHours` before those k hours, and the spread of
 * such k-hour sums over the window): a move that lasts a few hours, each hour of it within a noisy
 * client's swings, stands out of that client's k-hour swings when those average out; and a level
 * shift is not carried into its own baseline before it is scored.
 */
export function levelScore(values: ArrayLike<number>, t: number, options: { floor: number; levelHours?: number; clamp?: number; window?: number; minSigma?: number; span?: number }): { expected: number; levelExpected: number; z: number; sigma: number } {
  const levelHours = options.levelHours ?? 6;
  const clamp = options.clamp ?? 4;
  const window = options.window ?? 7 * 24;
  const span = Math.max(1, Math.floor(options.span ?? 1));
  const lag = span - 1;
  const from = Math.max(0, t - window - levelHours - lag);
  const seasonal = new Float64Array(t - from + 1);
  for (let j = from; j <= t; j++) seasonal[j - from] = seasonalExpected(values, j, 24, 7);
  // The k-hour sums ending at each hour, and their own same-window medians (the hour's for k = 1).
  let sums: ArrayLike<number> = values;
  let seasonalSums = seasonal;
  if (span > 1) {
    const summed = new Float64Array(t + 1);
    let running = 0;
    for (let j = 0; j <= t; j++) {
      running += values[j]!;
      if (j >= span) running -= values[j - span]!;
      summed[j] = running;
    }
    sums = summed;
    seasonalSums = new Float64Array(t - from + 1);
    for (let j = from; j <= t; j++) seasonalSums[j - from] = seasonalExpected(summed, j, 24, 7);
  }
  const floor = options.floor;
  const scaled = (j: number): number => {
    let actual = 0;
    let usual = 0;
    for (let i = j - lag - levelHours; i < j - lag; i++) {
      const e = seasonal[i - from];
      if (i < from || e === undefined || !Number.isFinite(e)) return Number.NaN;
      actual += values[i]!;
      usual += e;
    }
    const level = Math.min(clamp, Math.max(1 / clamp, (actual + levelHours * floor) / (usual + levelHours * floor)));
    return level * seasonalSums[j - from]!;
  };
  const expected = seasonalSums[t - from]!;
  const levelExpected = scaled(t);
  if (!Number.isFinite(expected) || !Number.isFinite(levelExpected)) return { expected, levelExpected, z: Number.NaN, sigma: Number.NaN };
  const residuals: number[] = [];
  const spanFloor = span * floor;
  for (let j = Math.max(from + levelHours + lag, t - window); j < t; j++) {
    const e = scaled(j);
    if (Number.isFinite(e)) residuals.push(logRatio(sums[j]!, e, spanFloor));
  }
  if (residuals.length < 24) return { expected, levelExpected, z: Number.NaN, sigma: Number.NaN };
  const sigma = Math.max(robustSigma(residuals), options.minSigma ?? 0.15);
  return { expected, levelExpected, z: (logRatio(sums[t]!, levelExpected, spanFloor) - median(residuals)) / sigma, sigma };
}
