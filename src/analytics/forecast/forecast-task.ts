import { backtest, type BacktestResult } from './backtest.ts';
import { buildForecastFromSeries, type ForecastReport, type HistorySeries } from './forecast-report.ts';
import { forecastSeries, type SeriesForecast } from './forecast-series.ts';
import type { ForecastMetric } from './hourly-series.ts';

/**
 * The CPU-heavy work of a forecast, as plain data so it can cross to the forecast worker (see
 * forecast-pool.ts) by structured clone: either a whole report from a metric's hourly series (total
 * and parts), or one series (a budget's projection). Series, not ledger rows, cross: cloning tens of
 * thousands of row objects would itself stall the event loop (about 90 ms for 13,000 rows).
 * `runForecastTask` is the same pure function in and out of the worker.
 */
export type ForecastTask =
  | { kind: 'report'; series: HistorySeries; metric: ForecastMetric; historyFromMs: number; firstHourMs: number; horizonHours: number; backtest: boolean; selectMethod?: boolean }
  | { kind: 'series'; history: Float64Array; horizonHours: number };

export type ReportResult = Omit<ForecastReport, 'budgets'> & { horizonHours: number; backtest?: BacktestResult | { reason: string } };

export type ForecastTaskResult<T extends ForecastTask> = T extends { kind: 'report' } ? ReportResult : SeriesForecast;

/** Runs the forecast a task asks for (the WASM fits included). Pure apart from the models. */
export function runForecastTask<T extends ForecastTask>(task: T): ForecastTaskResult<T> {
  if (task.kind === 'series') return forecastSeries(task.history, task.horizonHours) as ForecastTaskResult<T>;
  const report: ReportResult = { ...buildForecastFromSeries(task), horizonHours: task.horizonHours };
  if (task.backtest) {
    report.backtest = backtest(task.series.total, { horizonHours: Math.min(task.horizonHours, 24), origins: 7, selectMethod: task.selectMethod === true }) ?? { reason: 'too little history for one backtest origin (needs three days)' };
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
