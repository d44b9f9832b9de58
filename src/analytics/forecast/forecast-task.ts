import { backtest, type BacktestResult } from './backtest.ts';
import { buildForecast, type ForecastDimension, type ForecastReport } from './forecast-report.ts';
import { forecastSeries, type SeriesForecast } from './forecast-series.ts';
import { hourlySeries, type ForecastMetric } from './hourly-series.ts';
import type { SpendRow } from '../../ledger/store.ts';

/**
 * The CPU-heavy work of a forecast, as plain data so it can cross to the forecast worker (see
 * forecast-pool.ts) by structured clone: either a whole report from a ledger's hourly rows, or one
 * series (a budget's projection). `runForecastTask` is the same pure function in and out of the worker.
 */
export type ForecastTask =
  | { kind: 'report'; rows: SpendRow[]; metric: ForecastMetric; by?: ForecastDimension | undefined; historyFromMs: number; firstHourMs: number; horizonHours: number; historyHours: number; backtest: boolean }
  | { kind: 'series'; history: Float64Array; horizonHours: number };

export type ReportResult = Omit<ForecastReport, 'budgets'> & { horizonHours: number; backtest?: BacktestResult | { reason: string } };

export type ForecastTaskResult<T extends ForecastTask> = T extends { kind: 'report' } ? ReportResult : SeriesForecast;

/** Runs the forecast a task asks for (the WASM fits included). Pure apart from the models. */
export function runForecastTask<T extends ForecastTask>(task: T): ForecastTaskResult<T> {
  if (task.kind === 'series') return forecastSeries(task.history, task.horizonHours) as ForecastTaskResult<T>;
  const { rows, metric, by, historyFromMs, firstHourMs, horizonHours, historyHours } = task;
  const report: ReportResult = { ...buildForecast({ rows, metric, by, historyFromMs, firstHourMs, horizonHours }), horizonHours };
  if (task.backtest) {
    const series = hourlySeries(rows, metric, historyFromMs, firstHourMs);
    const total = series.get('') ?? sum([...series.values()], historyHours);
    report.backtest = backtest(total, { horizonHours: Math.min(horizonHours, 24), origins: 7 }) ?? { reason: 'too little history for one backtest origin (needs three days)' };
  }
  return report as ForecastTaskResult<T>;
}

/** Where forecast tasks run: in process (the CLI, tests) or on the forecast worker (the gateway). */
export interface ForecastRunner {
  run<T extends ForecastTask>(task: T): Promise<ForecastTaskResult<T>>;
}

/** Runs tasks on the calling thread: for the CLI, which serves no traffic a fit could stall. */
export const inProcessRunner: ForecastRunner = {
  run: async (task) => runForecastTask(task),
};

function sum(parts: Float64Array[], length: number): Float64Array {
  const out = new Float64Array(length);
  for (const part of parts) for (let i = 0; i < Math.min(length, part.length); i++) out[i]! += part[i]!;
  return out;
}
