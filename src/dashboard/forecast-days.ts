import type { Forecast } from './types.ts';

const DAY_MS = 86_400_000;

const utcDayStart = (t: number) => Math.floor(t / DAY_MS) * DAY_MS;

export interface ForecastDays {
  /** Start of each day, ascending. */
  xs: number[];
  /** Observed total per day (null after the last day with history). */
  history: (number | null)[];
  /** Observed so far plus forecast for the rest of the day (null before the forecast starts). */
  mean: (number | null)[];
  lo: (number | null)[];
  hi: (number | null)[];
}

/**
 * An hourly forecast as days (by default UTC, like the chart's day ticks and `tollgate forecast`; `dayOf`
 * gives another calendar's day start): a month of
 * hourly points reads as a comb, a month of days as a trend. The day the forecast starts in carries
 * what is already spent plus the forecast of its remaining hours. A day's range is the sum of its
 * hours' ranges: wider than the day's own interval unless the hours move together, so never too narrow.
 * A last day the forecast covers only in part is left out. Pure.
 */
export function forecastDays(forecast: Pick<Forecast, 'history' | 'points'>, level: 80 | 95 = 80, dayOf: (t: number) => number = utcDayStart): ForecastDays {
  const observed = new Map<number, number>();
  for (const h of forecast.history) observed.set(dayOf(h.t), (observed.get(dayOf(h.t)) ?? 0) + h.value);
  const ahead = new Map<number, { mean: number; lo: number; hi: number; hours: number }>();
  for (const p of forecast.points) {
    const day = dayOf(p.t);
    const sum = ahead.get(day) ?? { mean: 0, lo: 0, hi: 0, hours: 0 };
    sum.hours += 1;
    sum.mean += p.mean;
    sum.lo += level === 80 ? p.lo80 : p.lo95;
    sum.hi += level === 80 ? p.hi80 : p.hi95;
    ahead.set(day, sum);
  }
  const xs = [...new Set([...observed.keys(), ...ahead.keys()])].sort((a, b) => a - b);
  // A horizon of whole days from the current hour ends a few hours into its last day: that stub would read as a fall.
  const last = xs[xs.length - 1];
  if (last !== undefined && !observed.has(last) && ahead.get(last)!.hours < 24 && xs.length > 1) xs.pop();
  const out: ForecastDays = { xs, history: [], mean: [], lo: [], hi: [] };
  for (const day of xs) {
    const seen = observed.get(day);
    const next = ahead.get(day);
    out.history.push(seen ?? (next ? null : 0));
    out.mean.push(next ? (seen ?? 0) + next.mean : null);
    out.lo.push(next ? (seen ?? 0) + next.lo : null);
    out.hi.push(next ? (seen ?? 0) + next.hi : null);
  }
  return out;
}
