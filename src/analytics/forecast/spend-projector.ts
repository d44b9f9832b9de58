import type { LedgerFilter, LedgerStore } from '../../ledger/store.ts';
import type { SpendProjection } from '../../domain/spend-projection.ts';
import { projectToPeriodEnd } from './budget-projection.ts';
import type { ForecastPoint } from './forecast-series.ts';
import { inProcessRunner, type ForecastRunner } from './forecast-task.ts';
import { HOUR_MS, hourlySeries } from './hourly-series.ts';

/** What a budget check asks: the spend of `filter`'s rows at the period's end. */
export interface ProjectionRequest {
  filter: LedgerFilter;
  nowMs: number;
  periodEndMs: number;
  spentNano: number;
  limitNano: number;
}

/** Four weeks of hourly history: enough for MSTL's weekly season, cheap to summarize from rollups. */
const HISTORY_HOURS = 28 * 24;
/**
 * A budget's forecast is refitted every six hours: a fit takes tens to a few hundred milliseconds
 * (on the forecast worker in the gateway), and projecting a kept forecast from a later `now` is exact arithmetic.
 */
const REFIT_HOURS = 6;

/**
 * End-of-period spend projections from the forecast, for budget burn-rate alerts (budgets defines
 * the `SpendProjector` shape this satisfies; the runtime wires it in). Forecasts are kept per
 * filter for REFIT_HOURS (a budget is checked up to once a second),
 * and undefined is returned when the history is too short for a seasonal model, so the caller
 * keeps its straight line.
 */
export function createForecastProjector(ledger: Pick<LedgerStore, 'summarize'>, options: { maxCached?: number; runner?: ForecastRunner } = {}) {
  const runner = options.runner ?? inProcessRunner;
  const cache = new Map<string, Promise<{ firstHourMs: number; points: ForecastPoint[]; model: string } | undefined>>();
  const maxCached = options.maxCached ?? 1_000;
  const forecastFor = (filter: LedgerFilter, firstHourMs: number, periodEndMs: number) => {
    const horizon = Math.min(Math.max(1, Math.ceil((periodEndMs - firstHourMs) / HOUR_MS)), 93 * 24);
    const key = `${JSON.stringify(filter)}|${firstHourMs}|${horizon}`;
    let entry = cache.get(key);
    if (!entry) {
      if (cache.size >= maxCached) cache.clear();
      const fromMs = firstHourMs - HISTORY_HOURS * HOUR_MS;
      entry = ledger.summarize(['hour'], { ...filter, fromMs, toMs: firstHourMs }).then(async (rows) => {
        const history = hourlySeries(rows, 'cost', fromMs, firstHourMs).get('') ?? new Float64Array(0);
        const forecast = await runner.run({ kind: 'series', history, horizonHours: horizon });
        // A mean or nothing is no better than the straight line the caller already has.
        if (forecast.model === 'none' || forecast.model === 'mean') return undefined;
        return { firstHourMs, points: forecast.points, model: forecast.model };
      });
      entry.catch(() => cache.delete(key));
      cache.set(key, entry);
    }
    return entry;
  };
  return {
    async project(request: ProjectionRequest): Promise<SpendProjection | undefined> {
      const firstHourMs = Math.floor(request.nowMs / (REFIT_HOURS * HOUR_MS)) * REFIT_HOURS * HOUR_MS;
      const forecast = await forecastFor(request.filter, firstHourMs, request.periodEndMs);
      if (!forecast) return undefined;
      return { ...projectToPeriodEnd({ points: forecast.points, firstHourMs, nowMs: request.nowMs, periodEndMs: request.periodEndMs, spentNano: request.spentNano, limitNano: request.limitNano }), model: forecast.model };
    },
  };
}
