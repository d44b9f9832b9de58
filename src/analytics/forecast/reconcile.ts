import type { ForecastPoint } from './forecast-series.ts';

/**
 * Proportional top-down reconciliation: in each hour the parts' means (and their intervals, by the
 * same factor) are scaled so they add up to the total's mean. The total is forecast on the
 * aggregate, which is smoother and better forecast than any part; the parts keep their own shape
 * and share. An hour where every part forecasts zero is split by the parts' `historyShares`.
 * Pure.
 */
export function reconcileTopDown(total: readonly ForecastPoint[], parts: readonly (readonly ForecastPoint[])[], historyShares: readonly number[]): ForecastPoint[][] {
  const shareSum = historyShares.reduce((sum, share) => sum + share, 0);
  return parts.map((part, index) =>
    total.map((hour, t) => {
      const sum = parts.reduce((acc, other) => acc + (other[t]?.mean ?? 0), 0);
      const own = part[t] ?? { mean: 0, lo80: 0, hi80: 0, lo95: 0, hi95: 0 };
      if (sum > 0) {
        const factor = hour.mean / sum;
        return { mean: own.mean * factor, lo80: own.lo80 * factor, hi80: own.hi80 * factor, lo95: own.lo95 * factor, hi95: own.hi95 * factor };
      }
      const share = shareSum > 0 ? historyShares[index]! / shareSum : 1 / parts.length;
      return { mean: hour.mean * share, lo80: hour.lo80 * share, hi80: hour.hi80 * share, lo95: hour.lo95 * share, hi95: hour.hi95 * share };
    }),
  );
}

/**
 * The total over a stretch of hours: the sum of the means, and bounds that sum the hourly bounds.
 * Summing bounds treats the hours' errors as moving together, which spend mostly does (a level
 * change moves every hour), so the total's interval is on the wide, safe side. Pure.
 */
export function sumPoints(points: readonly ForecastPoint[], weights?: readonly number[]): ForecastPoint {
  const total = { mean: 0, lo80: 0, hi80: 0, lo95: 0, hi95: 0 };
  points.forEach((point, i) => {
    const w = weights?.[i] ?? 1;
    total.mean += point.mean * w;
    total.lo80 += point.lo80 * w;
    total.hi80 += point.hi80 * w;
    total.lo95 += point.lo95 * w;
    total.hi95 += point.hi95 * w;
  });
  return total;
}
