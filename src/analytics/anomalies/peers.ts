import { median, robustSigma } from './robust.ts';

/**
 * Peer baselines: many clients move together (mirrored or shadow traffic, one upstream app behind
 * several keys, a batch job fanned out over keys), so the best guess of a client's hour is often
 * its closest peer's hour times their usual ratio, far tighter than its own seasonal baseline when
 * its traffic swings tenfold within a day. A client that breaks from a peer it has tracked all week
 * moved on its own.
 */

/** A series' log values (with its floor) over hours [from, to]: what peers are compared on. */
export function logSeries(values: ArrayLike<number>, from: number, to: number, floor: number): Float64Array {
  const out = new Float64Array(to - from + 1);
  for (let j = from; j <= to; j++) out[j - from] = Math.log(values[j]! + floor);
  return out;
}

/** Correlation of the hour-to-hour changes of two log series over their first `n` points (the hours before the checked one). */
export function changeCorrelation(a: Float64Array, b: Float64Array, n: number): number {
  let sa = 0;
  let sb = 0;
  let saa = 0;
  let sbb = 0;
  let sab = 0;
  const m = n - 1;
  if (m < 2) return Number.NaN;
  for (let i = 1; i < n; i++) {
    const x = a[i]! - a[i - 1]!;
    const y = b[i]! - b[i - 1]!;
    sa += x;
    sb += y;
    saa += x * x;
    sbb += y * y;
    sab += x * y;
  }
  const cov = sab / m - (sa / m) * (sb / m);
  const va = saa / m - (sa / m) ** 2;
  const vb = sbb / m - (sb / m) ** 2;
  return va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : Number.NaN;
}

/**
 * How far the last point of `own` breaks from `peer` (both log series of equal length, the last
 * point the checked hour): the log gap between them against its median over the `recentHours`
 * before, over the robust spread of the gap across the whole history. `ratio` is exp of that median
 * (own / peer as usual), for the expected value.
 */
export function peerGap(own: Float64Array, peer: Float64Array, options: { recentHours: number; minSigma: number }): { z: number; logRatio: number } {
  const n = own.length;
  const gaps = new Float64Array(n);
  for (let i = 0; i < n; i++) gaps[i] = own[i]! - peer[i]!;
  const history = gaps.subarray(0, n - 1);
  const usual = median(history.subarray(Math.max(0, n - 1 - options.recentHours)));
  const centered = new Float64Array(history.length);
  const whole = median(history);
  for (let i = 0; i < history.length; i++) centered[i] = history[i]! - whole;
  const sigma = Math.max(robustSigma(centered), options.minSigma);
  return { z: (gaps[n - 1]! - usual) / sigma, logRatio: usual };
}
