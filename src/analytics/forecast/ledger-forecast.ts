import type { LedgerDimension } from '../../ledger/record.ts';
import type { LedgerFilter, LedgerStore } from '../../ledger/store.ts';
import { backtest, type BacktestResult } from './backtest.ts';
import { buildForecast, type ForecastDimension, type ForecastReport } from './forecast-report.ts';
import { HOUR_MS, hourlySeries, type ForecastMetric } from './hourly-series.ts';

export interface LedgerForecastRequest {
  metric: ForecastMetric;
  by?: ForecastDimension | undefined;
  filter: LedgerFilter;
  horizonHours: number;
  historyHours: number;
  nowMs: number;
  /** Add a rolling-origin backtest (7 daily origins, 24 hours ahead) against seasonal-naive. */
  backtest?: boolean;
}

export type LedgerForecast = Omit<ForecastReport, 'budgets'> & { horizonHours: number; backtest?: BacktestResult | { reason: string } };

/**
 * The forecast of a ledger's hourly rows (from its rollups) for the admin API and the CLI: the
 * history ends with the last complete hour, the forecast starts with the current one.
 */
export async function forecastLedger(ledger: Pick<LedgerStore, 'summarize'>, request: LedgerForecastRequest): Promise<LedgerForecast> {
  const firstHourMs = Math.floor(request.nowMs / HOUR_MS) * HOUR_MS;
  const historyFromMs = firstHourMs - request.historyHours * HOUR_MS;
  const dimensions: LedgerDimension[] = request.by ? ['hour', request.by] : ['hour'];
  const rows = await ledger.summarize(dimensions, { ...request.filter, fromMs: historyFromMs, toMs: firstHourMs });
  const report: LedgerForecast = { ...buildForecast({ rows, metric: request.metric, by: request.by, historyFromMs, firstHourMs, horizonHours: request.horizonHours }), horizonHours: request.horizonHours };
  if (request.backtest) {
    const series = hourlySeries(rows, request.metric, historyFromMs, firstHourMs);
    const total = series.get('') ?? sum([...series.values()], request.historyHours);
    report.backtest = backtest(total, { horizonHours: Math.min(request.horizonHours, 24), origins: 7 }) ?? { reason: 'too little history for one backtest origin (needs three days)' };
  }
  return report;
}

function sum(parts: Float64Array[], length: number): Float64Array {
  const out = new Float64Array(length);
  for (const part of parts) for (let i = 0; i < Math.min(length, part.length); i++) out[i]! += part[i]!;
  return out;
}
