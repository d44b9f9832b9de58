import type { LedgerDimension } from '../../ledger/record.ts';
import type { LedgerFilter, LedgerStore } from '../../ledger/store.ts';
import { historySeries, type ForecastDimension } from './forecast-report.ts';
import { inProcessRunner, type ForecastRunner, type ReportResult } from './forecast-task.ts';
import { HOUR_MS, type ForecastMetric } from './hourly-series.ts';

export interface LedgerForecastRequest {
  metric: ForecastMetric;
  by?: ForecastDimension | undefined;
  filter: LedgerFilter;
  horizonHours: number;
  historyHours: number;
  nowMs: number;
  /** Add a rolling-origin backtest (7 daily origins, 24 hours ahead) against seasonal-naive. */
  backtest?: boolean;
  /** Choose the seasonal forecast's shape and level half-life by a backtest on the history (see select-method.ts). */
  selectMethod?: boolean;
}

export type LedgerForecast = ReportResult;

/**
 * The forecast of a ledger's hourly rows (from its rollups) for the admin API and the CLI: the
 * history ends with the last complete hour, the forecast starts with the current one. The rows are
 * read here; the fits run on `runner` (the gateway's forecast worker, so they never stall traffic).
 */
export async function forecastLedger(ledger: Pick<LedgerStore, 'summarize'>, request: LedgerForecastRequest, runner: ForecastRunner = inProcessRunner): Promise<LedgerForecast> {
  const firstHourMs = Math.floor(request.nowMs / HOUR_MS) * HOUR_MS;
  const historyFromMs = firstHourMs - request.historyHours * HOUR_MS;
  const dimensions: LedgerDimension[] = request.by ? ['hour', request.by] : ['hour'];
  const rows = await ledger.summarize(dimensions, { ...request.filter, fromMs: historyFromMs, toMs: firstHourMs });
  const series = historySeries(rows, request.metric, historyFromMs, firstHourMs, request.by);
  return runner.run({ kind: 'report', series, metric: request.metric, historyFromMs, firstHourMs, horizonHours: request.horizonHours, backtest: request.backtest === true, selectMethod: request.selectMethod === true });
}
