/**
 * History cleaning before a model is fitted, so an outage or a one-off burst is not learnt as
 * pattern (a model fitted on an outage forecasts the next one at the same hour).
 *
 * Each hour's expectation is the median of the same hour on the nearest days around it (up to
 * three before and three after), a seasonal estimate that one bad day cannot move. Hours whose
 * log-ratio to that expectation is a robust outlier (beyond `threshold` MADs of all the
 * log-ratios), and zero hours where traffic was expected, are replaced by the expectation. Pure.
 *
 * The log-ratios are judged against their own running median over the day around each hour
 * (`period` + 1 hours, cut at the ends): a level shift moves every hour after it, and near the end
 * of the history the expectation still comes from the days before the shift, so without this a
 * drop (or rise) in the last days would be "cleaned" back to the old level and never forecast. An
 * outage or a burst of a few hours does not move a day's median.
 */
export interface CleanedHistory {
  values: Float64Array;
  /** Indexes of the hours that were replaced. */
  replaced: number[];
}

export function cleanHistory(values: ArrayLike<number>, options: { period?: number; threshold?: number } = {}): CleanedHistory {
  const period = options.period ?? 24;
  const threshold = options.threshold ?? 5;
  const n = values.length;
  const out = Float64Array.from(values);
  // Too short for a seasonal estimate on both sides: nothing is judged.
  if (n < period * 3) return { values: out, replaced: [] };
  const expected = new Float64Array(n);
  const ratios: number[] = [];
  const logRatio = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const around: number[] = [];
    for (let j = -3; j <= 3; j++) {
      const at = t + j * period;
      if (j !== 0 && at >= 0 && at < n) around.push(values[at]!);
    }
    expected[t] = median(around);
    logRatio[t] = Math.log1p(Math.max(values[t]!, 0)) - Math.log1p(expected[t]!);
    ratios.push(logRatio[t]!);
  }
  const half = period >> 1;
  const deviation = ratios.map((ratio, t) => ratio - median(ratios.slice(Math.max(0, t - half), Math.min(n, t + half + 1))));
  // The spread stays that of the log-ratios themselves, so an hour needs as large a deviation as before to be judged.
  const centre = median(deviation);
  const ratioCentre = median(ratios);
  const spread = 1.4826 * median(ratios.map((r) => Math.abs(r - ratioCentre))) || 1e-9;
  const replaced: number[] = [];
  for (let t = 0; t < n; t++) {
    const outage = values[t]! <= 0 && expected[t]! > 0;
    if (outage || Math.abs(deviation[t]! - centre) > threshold * spread) {
      out[t] = expected[t]!;
      replaced.push(t);
    }
  }
  return { values: out, replaced };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
