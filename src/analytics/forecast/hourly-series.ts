import type { SpendRow } from '../../ledger/store.ts';

export const HOUR_MS = 3_600_000;

/** What a forecast counts: spend (nano-USD), requests, or tokens (input + output). */
export type ForecastMetric = 'cost' | 'requests' | 'tokens';

export const FORECAST_METRICS: readonly ForecastMetric[] = ['cost', 'requests', 'tokens'];

export function metricOf(row: SpendRow, metric: ForecastMetric): number {
  if (metric === 'requests') return row.requests;
  if (metric === 'tokens') return row.inputTokens + row.outputTokens;
  return row.costNanoUsd;
}

/**
 * Dense hourly series from rows grouped by `hour` (and optionally one more dimension): one array
 * per value of `by` (or one, keyed '', without it), covering [fromMs, toMs) hour by hour, zeros
 * where nothing happened. Pure.
 */
export function hourlySeries(rows: readonly SpendRow[], metric: ForecastMetric, fromMs: number, toMs: number, by?: string): Map<string, Float64Array> {
  const start = Math.floor(fromMs / HOUR_MS) * HOUR_MS;
  const length = Math.max(0, Math.ceil((toMs - start) / HOUR_MS));
  const series = new Map<string, Float64Array>();
  for (const row of rows) {
    const hour = row.keys.hour ? Date.parse(row.keys.hour) : Number.NaN;
    if (!Number.isFinite(hour)) continue;
    const index = Math.floor((hour - start) / HOUR_MS);
    if (index < 0 || index >= length) continue;
    const key = by ? (row.keys[by] ?? '(none)') : '';
    let values = series.get(key);
    if (!values) series.set(key, (values = new Float64Array(length)));
    values[index]! += metricOf(row, metric);
  }
  return series;
}
