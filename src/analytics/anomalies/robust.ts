/**
 * Median of the finite values (NaN when none); copies, never sorts the caller's array. A typed copy
 * sorts numerically without a comparator: a check takes thousands of these (one per baseline hour).
 */
export function median(values: ArrayLike<number>): number {
  const finite = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) finite[n++] = v;
  }
  if (n === 0) return Number.NaN;
  const sorted = finite.subarray(0, n).sort();
  const mid = n >> 1;
  return n % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median absolute deviation scaled to a normal sigma (1.4826 x MAD): a spread that outliers do not inflate. */
export function robustSigma(values: ArrayLike<number>): number {
  const m = median(values);
  if (!Number.isFinite(m)) return Number.NaN;
  const deviations = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) deviations[i] = Math.abs(values[i]! - m);
  return 1.4826 * median(deviations);
}
