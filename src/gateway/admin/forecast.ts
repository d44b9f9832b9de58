import type { Hono } from 'hono';
import { budgetOrg } from '../../budgets/definitions.ts';
import { scopeFilter } from '../../budgets/scope-filter.ts';
import type { BudgetForecast, ForecastDimension } from '../../analytics/forecast/forecast-report.ts';
import { forecastLedger } from '../../analytics/forecast/ledger-forecast.ts';
import { FORECAST_METRICS, HOUR_MS, type ForecastMetric } from '../../analytics/forecast/hourly-series.ts';
import { createForecastCache } from '../../analytics/forecast/forecast-cache.ts';
import { createForecastProjector } from '../../analytics/forecast/spend-projector.ts';
import { seesOrg } from '../../domain/admin-principal.ts';
import { GatewayError } from '../../domain/errors.ts';
import { usdToNano } from '../../domain/money.ts';
import type { LedgerDimension } from '../../ledger/record.ts';
import type { LedgerFilter } from '../../ledger/store.ts';
import { ROUTING_DIMENSIONS } from '../../analytics/reports/routing-from-rollups.ts';
import type { Runtime } from '../runtime.ts';
import type { GatewayEnv } from '../context.ts';
import { adminOf } from './guard.ts';
import { confinedFilter } from './reports.ts';

const MAX_HORIZON_HOURS = 90 * 24;
const MAX_HISTORY_HOURS = 365 * 24;
const MAX_BUDGETS = 50;
const DEFAULT_HISTORY_HOURS = 56 * 24;

/** The overview's month summaries (report, cache and routing savings), each asked twice at once so both read threads run it. */
async function warmOverviewReads(ledger: Runtime['ledger'], monthStartMs: number): Promise<void> {
  const filter = { fromMs: monthStartMs };
  const groupings: LedgerDimension[][] = [['day', 'provider'], ['cache'], ['model', 'provider', 'day'], [...ROUTING_DIMENSIONS]];
  for (const dimensions of groupings) await Promise.all([ledger.summarize(dimensions, filter), ledger.summarize(dimensions, filter)]);
}

/**
 * GET /api/cost/forecast: spend, requests or tokens for the next hours or days, with 80% and 95%
 * intervals, per project or model when asked (parts reconciled to the total), and each visible
 * budget's projection to its period's end. An empty or tiny ledger answers 200 with model 'none'
 * and the reason. `backtest=true` adds a rolling-origin backtest against seasonal-naive; `method=select` lets a
 * backtest on the history choose the seasonal forecast's shape and level half-life (select-method.ts). `until=` (an
 * ISO date or epoch ms) in place of `horizon` forecasts up to that time (the overview's month end).
 *
 * Answers are kept per (org, parameters) and refitted at most once per closed hour, the old answer
 * served meanwhile (forecast-cache.ts): the history only changes when an hour closes. A request with
 * `Cache-Control: no-cache` is answered by a new fit. The budget projections are computed on every
 * call (their spend is live).
 */
export function registerForecastRoutes(app: Hono<GatewayEnv>, runtime: Runtime): void {
  const projector = () => runtime.spendProjector ?? (fallbackProjector ??= createForecastProjector(runtime.ledger));
  let fallbackProjector: ReturnType<typeof createForecastProjector> | undefined;
  // A 'none' answer (too little history) is not kept: the first rows imported or served show up at the next call.
  const kept = createForecastCache<Awaited<ReturnType<typeof forecastLedger>>>({ maxEntries: 200, keep: (report) => report.model !== 'none' });
  const fitted = (request: KeptRequest) => {
    const { orgId, metric, by, filter, untilMs, horizonHours, from, historyHours, backtest, selectMethod, nowMs, fresh } = request;
    // Everything the answer depends on but the hour, which is the entry's version: as hours close the key stays the same
    // (a relative horizon moves with the hour, a fixed `until` stays put) and the kept answer is served while the refit runs.
    const key = JSON.stringify([orgId ?? null, metric, by ?? null, filter, untilMs ?? `${horizonHours}h`, from ?? `${historyHours}h`, backtest, selectMethod]);
    return kept.get(key, Math.floor(nowMs / HOUR_MS) * HOUR_MS, async () => {
      await runtime.flushLedger();
      return forecastLedger(runtime.ledger, { metric, by, filter, horizonHours, historyHours, nowMs, backtest, selectMethod }, runtime.forecasts);
    }, { fresh });
  };
  // The overview's forecast (the whole ledger to the UTC month's end, as a dashboard in UTC asks for it) is fitted once in
  // the background at start, on the forecast worker, so the first visit finds it kept. Only with a week of history: else
  // there is nothing to fit (and gateways with a fresh ledger, like most tests, never start the worker for it).
  if (runtime.forecasts) {
    const warm = async () => {
      const nowMs = Date.now();
      // Its reads stay in the interactive lane: the first visitor's forecast request joins this very fit (kept.get), and
      // a background read can starve on a busy machine (its thread runs at nice 19). Its reads are short.
      if ((await runtime.ledger.count({ toMs: nowMs - 7 * 24 * HOUR_MS })) === 0) return;
      const now = new Date(nowMs);
      const untilMs = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
      const horizonHours = Math.ceil((untilMs - Math.floor(nowMs / HOUR_MS) * HOUR_MS) / HOUR_MS);
      await fitted({ orgId: undefined, metric: 'cost', by: undefined, filter: {}, untilMs, horizonHours, from: undefined, historyHours: DEFAULT_HISTORY_HOURS, backtest: false, selectMethod: false, nowMs });
      // Then the overview's month reads, once on each interactive read thread: the first visitor's calls find their
      // statements prepared and their pages cached rather than paying for that while the browser loads the page.
      await warmOverviewReads(runtime.ledger, Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    };
    setTimeout(() => void warm().catch(() => {}), 1_000).unref();
  }
  app.get('/api/cost/forecast', async (c) => {
    const query = c.req.query();
    const nowMs = Date.now();
    const firstHourMs = Math.floor(nowMs / HOUR_MS) * HOUR_MS;
    if (query.until !== undefined && query.horizon !== undefined) throw new GatewayError('invalid_request', "give the forecast's end with horizon= or until=, not both", { param: 'until' });
    const untilMs = query.until === undefined ? undefined : parseUntil(query.until, firstHourMs);
    const horizonHours = untilMs === undefined ? parseHours(query.horizon ?? '30d', 'horizon', MAX_HORIZON_HOURS) : Math.ceil((untilMs - firstHourMs) / HOUR_MS);
    const historyHours = historyWindow(query, nowMs);
    const metric = (query.metric ?? 'cost') as ForecastMetric;
    if (!FORECAST_METRICS.includes(metric)) throw new GatewayError('invalid_request', `'metric' must be one of ${FORECAST_METRICS.join(', ')}`, { param: 'metric' });
    const by = query.by as ForecastDimension | undefined;
    if (by !== undefined && by !== 'project' && by !== 'model') throw new GatewayError('invalid_request', "'by' must be 'project' or 'model'", { param: 'by' });
    const { fromMs: _from, toMs: _to, ...filter } = confinedFilter(c);
    if (query.tag) filter.tag = query.tag;
    const backtest = query.backtest === 'true' || query.backtest === '1';
    const method = query.method ?? 'default';
    if (method !== 'default' && method !== 'select') throw new GatewayError('invalid_request', "'method' must be 'default' or 'select' (chosen by a backtest on the history)", { param: 'method' });
    const selectMethod = method === 'select';
    const fresh = /\bno-cache\b/i.test(c.req.header('cache-control') ?? '');
    const report = await fitted({ orgId: adminOf(c).orgId, metric, by, filter, untilMs, horizonHours, from: query.from, historyHours, backtest, selectMethod, nowMs, fresh });
    const budgets = metric === 'cost' && report.model !== 'none' ? await budgetForecasts(runtime, projector(), adminOf(c), nowMs) : [];
    const body = { ...report, budgets };
    return c.json(body);
  });
}

interface KeptRequest {
  orgId: string | undefined;
  metric: ForecastMetric;
  by: ForecastDimension | undefined;
  filter: LedgerFilter;
  untilMs: number | undefined;
  horizonHours: number;
  from: string | undefined;
  historyHours: number;
  backtest: boolean;
  /** The seasonal forecast's shape and level chosen by a backtest on the history (`method=select`). */
  selectMethod: boolean;
  nowMs: number;
  /** A new fit rather than the kept answer (`Cache-Control: no-cache`). */
  fresh?: boolean;
}

/** Each budget the caller may see (calendar periods only), projected to its period's end. */
async function budgetForecasts(runtime: Runtime, projector: NonNullable<Runtime['spendProjector']>, admin: ReturnType<typeof adminOf>, nowMs: number): Promise<BudgetForecast[]> {
  const budgets = runtime.budgets.all.filter((budget) => budget.period !== 'rolling' && seesOrg(admin, budgetOrg(budget))).slice(0, MAX_BUDGETS);
  if (budgets.length === 0) return [];
  const statuses = new Map((await runtime.budgets.status()).map((status) => [status.id, status]));
  const out: BudgetForecast[] = [];
  for (const budget of budgets) {
    const status = statuses.get(budget.id);
    if (!status) continue;
    const spentNano = usdToNano(status.usedUsd);
    const limitNano = usdToNano(status.limitUsd);
    const periodEndMs = Date.parse(status.windowEnd);
    const projection = await projector.project({ filter: scopeFilter(budget), nowMs, periodEndMs, spentNano, limitNano }).catch(() => undefined);
    if (projection) {
      out.push({
        budgetId: budget.id,
        periodEndMs,
        spentNanoUsd: spentNano,
        projectedNanoUsd: projection.projectedNano,
        lo80NanoUsd: projection.lo80Nano,
        hi80NanoUsd: projection.hi80Nano,
        lo95NanoUsd: projection.lo95Nano,
        hi95NanoUsd: projection.hi95Nano,
        limitNanoUsd: limitNano,
        exhaustionAtMs: projection.exhaustionAtMs,
        method: `forecast (${projection.model})`,
      });
    } else {
      // Too little history for a seasonal model: the straight line the budget status shows, no interval.
      const projected = usdToNano(status.projectedUsd);
      out.push({
        budgetId: budget.id,
        periodEndMs,
        spentNanoUsd: spentNano,
        projectedNanoUsd: projected,
        lo80NanoUsd: projected,
        hi80NanoUsd: projected,
        lo95NanoUsd: projected,
        hi95NanoUsd: projected,
        limitNanoUsd: limitNano,
        exhaustionAtMs: status.exhausted ? nowMs : status.exhaustionAt ? Date.parse(status.exhaustionAt) : null,
        method: 'straight-line',
      });
    }
  }
  return out;
}

/**
 * Hours of history before the current hour: `history=` (default 56 days), or from `from=` (an ISO date
 * or epoch ms, taken from the start of its hour). The history always ends with the last complete
 * hour, because the forecast starts now: `to=` is refused rather than silently ignored.
 */
function historyWindow(query: Record<string, string>, nowMs: number): number {
  if (query.to !== undefined) {
    throw new GatewayError('invalid_request', "'to' is not supported here: the history always ends with the last complete hour (the forecast starts now); set its start with history= (like 56d) or from=", { param: 'to' });
  }
  if (query.from === undefined) return query.history === undefined ? DEFAULT_HISTORY_HOURS : parseHours(query.history, 'history', MAX_HISTORY_HOURS);
  if (query.history !== undefined) throw new GatewayError('invalid_request', "give the history's start with history= or from=, not both", { param: 'from' });
  const fromMs = /^\d{1,15}$/.test(query.from) ? Number(query.from) : Date.parse(query.from);
  const hours = Math.floor(nowMs / HOUR_MS) - Math.floor(fromMs / HOUR_MS);
  if (!Number.isFinite(hours) || hours < 1 || hours > MAX_HISTORY_HOURS) {
    throw new GatewayError('invalid_request', `'from' must be an ISO date or epoch milliseconds at least an hour and at most ${MAX_HISTORY_HOURS / 24} days before now`, { param: 'from' });
  }
  return hours;
}

/** The end of an `until=` forecast: an ISO date or epoch ms, after the current hour and within the longest horizon. */
function parseUntil(value: string, firstHourMs: number): number {
  const ms = /^\d{1,15}$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms) || ms <= firstHourMs || ms > firstHourMs + MAX_HORIZON_HOURS * HOUR_MS) {
    throw new GatewayError('invalid_request', `'until' must be an ISO date or epoch milliseconds after the current hour and at most ${MAX_HORIZON_HOURS / 24} days ahead`, { param: 'until' });
  }
  return ms;
}

/** `30d`, `72h` or a bare number of days, within 1 hour and `max` hours. */
export function parseHours(value: string, name: string, max: number): number {
  const match = /^(\d{1,5})([dh]?)$/.exec(value.trim());
  const hours = match ? Number(match[1]) * (match[2] === 'h' ? 1 : 24) : Number.NaN;
  if (!Number.isFinite(hours) || hours < 1 || hours > max) {
    throw new GatewayError('invalid_request', `'${name}' must be a number of days or hours like 30d or 72h, at most ${max / 24} days`, { param: name });
  }
  return hours;
}
