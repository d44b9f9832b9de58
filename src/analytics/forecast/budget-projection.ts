import type { ForecastPoint } from './forecast-series.ts';
import { HOUR_MS } from './hourly-series.ts';
import type { PeriodProjection } from '../../domain/spend-projection.ts';

/**
 * Spend at a period's end: what is spent now plus the forecast hours from `nowMs` to `periodEndMs`
 * (the current hour and the last counted by the part that falls in the window). `points[0]` is
 * the hour starting at `firstHourMs`. The exhaustion time is where the mean path crosses the
 * limit, interpolated inside the hour. Pure.
 */
export function projectToPeriodEnd(input: { points: readonly ForecastPoint[]; firstHourMs: number; nowMs: number; periodEndMs: number; spentNano: number; limitNano: number }): PeriodProjection {
  const { points, firstHourMs, nowMs, periodEndMs, spentNano, limitNano } = input;
  const total = { mean: 0, lo80: 0, hi80: 0, lo95: 0, hi95: 0 };
  let exhaustionAtMs: number | null = spentNano >= limitNano ? nowMs : null;
  for (let i = 0; i < points.length; i++) {
    const start = firstHourMs + i * HOUR_MS;
    const from = Math.max(start, nowMs);
    const to = Math.min(start + HOUR_MS, periodEndMs);
    if (to <= from) {
      if (start >= periodEndMs) break;
      continue;
    }
    const share = (to - from) / HOUR_MS;
    const point = points[i]!;
    const before = spentNano + total.mean;
    total.mean += point.mean * share;
    total.lo80 += point.lo80 * share;
    total.hi80 += point.hi80 * share;
    total.lo95 += point.lo95 * share;
    total.hi95 += point.hi95 * share;
    if (exhaustionAtMs === null && spentNano + total.mean >= limitNano && point.mean > 0) {
      exhaustionAtMs = Math.round(from + ((limitNano - before) / (point.mean * share)) * (to - from));
    }
  }
  return {
    projectedNano: Math.round(spentNano + total.mean),
    lo80Nano: Math.round(spentNano + total.lo80),
    hi80Nano: Math.round(spentNano + total.hi80),
    lo95Nano: Math.round(spentNano + total.lo95),
    hi95Nano: Math.round(spentNano + total.hi95),
    exhaustionAtMs,
  };
}
