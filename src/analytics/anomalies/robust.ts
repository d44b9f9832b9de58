/** Median of the finite values (NaN when none); copies, never sorts the caller's array. */
export function median(values: ArrayLike<number>): number {
  const sorted = Array.from(values).filter(Number.isFinite).sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const mid = n >> 1;
  return n % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median absolute deviation scaled to a normal sigma (1.4826 x MAD): a spread that outliers do not inflate. */
export function robustSigma(values: ArrayLike<number>): number {
  const m = median(values);
  if (!Number.isFinite(m)) return Number.NaN;
  return 1.4826 * median(Array.from(values, (v) => Math.abs(v - m)));
}
