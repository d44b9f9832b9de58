/**
 * The nearest-rank `q` quantile of `values` (the ceil(q x n)-th smallest), or undefined when empty.
 * Sorted in a typed array: a numeric sort with no comparator call per step, several times faster
 * than `[...values].sort((a, b) => a - b)` and the same order for finite values, which is all the
 * learnt rings hold.
 */
export function nearestRank(values: readonly number[], q: number): number | undefined {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}
