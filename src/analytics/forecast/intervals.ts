/** The interval levels every forecast carries. */
export const LEVELS = [0.8, 0.95] as const;

/** Standard normal quantile for a two-sided level (0.8 → 1.2816, 0.95 → 1.96). */
export function zOf(level: number): number {
  return level === 0.95 ? 1.959964 : level === 0.8 ? 1.281552 : inverseNormal(0.5 + level / 2);
}

/**
 * Conformal scaling: the factor by which a model's own half-widths must be multiplied so that a
 * share `level` of held-out errors falls inside them (the `level` quantile of |error| / half-width).
 * augurs' ETS intervals assume Gaussian, homoscedastic errors; bursty spend is neither, so the
 * factor is learnt on the last stretch of the history that the model did not see. Clamped to
 * [0.25, 20] so one odd holdout cannot collapse or explode the intervals. Pure.
 */
export function conformalFactor(errors: readonly number[], halfWidths: readonly number[], level: number): number {
  const ratios: number[] = [];
  for (let i = 0; i < errors.length; i++) {
    const width = halfWidths[i]!;
    if (width > 0 && Number.isFinite(errors[i]!)) ratios.push(Math.abs(errors[i]!) / width);
  }
  if (ratios.length < 12) return 1;
  ratios.sort((a, b) => a - b);
  // The finite-sample conformal rank: ceil((n + 1) level).
  const rank = Math.min(ratios.length - 1, Math.ceil((ratios.length + 1) * level) - 1);
  return Math.min(20, Math.max(0.25, ratios[rank]!));
}

/** The q-quantile of `values` (linear interpolation). Pure. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.min(sorted.length - 1, low + 1);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low);
}

// Acklam's rational approximation of the normal quantile (relative error below 1.2e-9).
function inverseNormal(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155211244];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - low) return -inverseNormal(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}
