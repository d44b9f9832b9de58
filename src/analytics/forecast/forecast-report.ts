import type { SpendRow } from '../../ledger/store.ts';
import type { ForecastModel } from './choose-model.ts';
import { forecastSeries, type ForecastPoint } from './forecast-series.ts';
import { HOUR_MS, hourlySeries, type ForecastMetric } from './hourly-series.ts';
import { reconcileTopDown, sumPoints } from './reconcile.ts';

export type ForecastDimension = 'project' | 'model';

/** A budget's end-of-period projection as /api/cost/forecast shows it (nano-USD). */
export interface BudgetForecast {
  budgetId: string;
  periodEndMs: number;
  spentNanoUsd: number;
  projectedNanoUsd: number;
  lo80NanoUsd: number;
  hi80NanoUsd: number;
  lo95NanoUsd: number;
  hi95NanoUsd: number;
  limitNanoUsd: number;
  exhaustionAtMs: number | null;
  /** 'forecast' (the model's projection) or 'straight-line' (too little history: spend rate so far). */
  method: string;
}

export interface ForecastReport {
  metric: ForecastMetric;
  model: ForecastModel;
  reason: string;
  historyHours: number;
  history: Array<{ t: number; value: number }>;
  points: Array<{ t: number } & ForecastPoint>;
  total: ForecastPoint;
  parts?: Array<{ key: string; model: ForecastModel; total: ForecastPoint }>;
  /** How the parts are made to add up to the total. */
  reconciliation?: string;
  budgets: BudgetForecast[];
}

/** A metric's hourly series over the history: the total and, when grouped, each part (plain data: it crosses to the forecast worker). */
export interface HistorySeries {
  total: Float64Array;
  parts?: Array<{ key: string; values: Float64Array }>;
}

/** The hourly series of `rows` (grouped by `hour`, plus `by` when given) over [historyFromMs, firstHourMs). Pure and cheap. */
export function historySeries(rows: readonly SpendRow[], metric: ForecastMetric, historyFromMs: number, firstHourMs: number, by?: ForecastDimension): HistorySeries {
  const bySeries = by ? hourlySeries(rows, metric, historyFromMs, firstHourMs, by) : undefined;
  const total = hourlySeries(rows, metric, historyFromMs, firstHourMs).get('') ?? sumSeries(bySeries ?? new Map());
  return bySeries ? { total, parts: [...bySeries.entries()].map(([key, values]) => ({ key, values })) } : { total };
}

/**
 * The forecast of one metric from hourly rows (grouped by `hour`, plus `by` when given) over
 * [historyFromMs, firstHourMs): see buildForecastFromSeries.
 */
export function buildForecast(input: { rows: readonly SpendRow[]; metric: ForecastMetric; by?: ForecastDimension | undefined; historyFromMs: number; firstHourMs: number; horizonHours: number; maxParts?: number }): Omit<ForecastReport, 'budgets'> {
  const { rows, metric, by, historyFromMs, firstHourMs } = input;
  return buildForecastFromSeries({ ...input, series: historySeries(rows, metric, historyFromMs, firstHourMs, by) });
}

/**
 * The forecast of one metric's hourly series: the total forecast for `horizonHours` from
 * `firstHourMs` (the current, unfinished hour), and each part (when given) forecast on its own and
 * reconciled top-down so the parts add up to the total hour by hour. Pure apart from the models.
 */
export function buildForecastFromSeries(input: { series: HistorySeries; metric: ForecastMetric; historyFromMs: number; firstHourMs: number; horizonHours: number; maxParts?: number; selectMethod?: boolean }): Omit<ForecastReport, 'budgets'> {
  const { series, metric, historyFromMs, firstHourMs, horizonHours } = input;
  const totalSeries = series.total;
  const total = forecastSeries(totalSeries, horizonHours, { selectMethod: input.selectMethod === true });
  const startIndex = totalSeries.length - total.historyHours;
  const history = Array.from(totalSeries.subarray(startIndex), (value, i) => ({ t: historyFromMs + (startIndex + i) * HOUR_MS, value }));
  const points = total.points.map((point, i) => ({ t: firstHourMs + i * HOUR_MS, ...point }));
  const report: Omit<ForecastReport, 'budgets'> = { metric, model: total.model, reason: total.reason, historyHours: total.historyHours, history, points, total: sumPoints(total.points) };
  if (!series.parts || total.model === 'none') return report;
  // The largest parts each get a model; the rest are one "(other)" part, so a long tail costs one fit.
  const ranked = series.parts.map(({ key, values }) => ({ key, values, sum: values.reduce((a, b) => a + b, 0) })).sort((a, b) => b.sum - a.sum);
  const maxParts = input.maxParts ?? 12;
  const kept = ranked.slice(0, maxParts);
  const rest = ranked.slice(maxParts);
  if (rest.length > 0) kept.push({ key: '(other)', values: sumSeries(new Map(rest.map((part) => [part.key, part.values]))), sum: rest.reduce((a, part) => a + part.sum, 0) });
  // Parts take the total's interval calibration (their errors are the total's, split) and its method: one fit each.
  const partOptions = total.method ? { calibration: total.calibration, method: total.method } : { calibration: total.calibration };
  const fitted = kept.map((part) => ({ key: part.key, forecast: forecastSeries(part.values, horizonHours, partOptions) }));
  const partPoints = fitted.map((part) => (part.forecast.points.length > 0 ? part.forecast.points : total.points.map(() => ({ mean: 0, lo80: 0, hi80: 0, lo95: 0, hi95: 0 }))));
  const reconciled = reconcileTopDown(total.points, partPoints, kept.map((part) => part.sum));
  report.parts = fitted.map((part, i) => ({ key: part.key, model: part.forecast.model, total: sumPoints(reconciled[i]!) }));
  report.reconciliation = 'proportional top-down: each hour, the parts\u2019 own forecasts are scaled to add up to the total\u2019s';
  return report;
}

function sumSeries(series: ReadonlyMap<string, Float64Array>): Float64Array {
  let out: Float64Array | undefined;
  for (const values of series.values()) {
    if (!out) out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) out[i]! += values[i]!;
  }
  return out ?? new Float64Array(0);
}
