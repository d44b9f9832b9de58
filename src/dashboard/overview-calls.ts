import { query } from './api.ts';
import { localCalendar } from './format.ts';

/** The session check every page waits for. */
export const SESSION_CHECK = '/api/whoami';

/** The overview's admin API calls at a time, as paths (the boot script starts the same ones, see boot.ts). */
export interface OverviewCalls {
  /** True where the browser's local days are UTC days: the month then comes by day (the daily rollup), else by hour. */
  utcDays: boolean;
  report: string;
  budgets: string;
  catalogue: string;
  anomalies: string;
  forecast: string;
  cacheStats: string;
  routing: string;
}

/**
 * The paths the overview asks for at `nowMs`: this month in the browser's time zone (the month starts at its
 * local midnight: on a whole-hour time zone an hour boundary, so the rollups answer), the forecast to its end,
 * and the month's savings. One function for the page and the boot script, so their paths are the same.
 */
export function overviewCalls(nowMs: number): OverviewCalls {
  const calendar = localCalendar(nowMs);
  const utcDays = [calendar.monthStartMs, nowMs, calendar.monthEndMs - 1].every((ms) => new Date(ms).getTimezoneOffset() === 0);
  const from = calendar.monthStartMs;
  return {
    utcDays,
    report: `/api/report${query({ by: utcDays ? 'day,provider' : 'hour,provider', from })}`,
    budgets: '/api/budgets',
    catalogue: '/api/routing/catalogue',
    anomalies: '/api/cost/anomalies?status=open',
    forecast: `/api/cost/forecast${query({ until: calendar.monthEndMs, metric: 'cost' })}`,
    cacheStats: `/api/cache/stats${query({ from })}`,
    routing: `/api/routing/analytics${query({ from })}`,
  };
}
