import { formatUsd } from '../../domain/money.ts';
import { csvCell } from '../reports/csv.ts';
import type { Anomaly } from './types.ts';

/** The API's JSON for an anomaly (CONTRACTS-13): money as nano-USD numbers plus display strings. */
export function anomalyJson(a: Anomaly) {
  return {
    id: a.id,
    kind: a.kind,
    severity: a.severity,
    orgId: a.orgId,
    series: a.series,
    startMs: a.startMs,
    endMs: a.endMs,
    detectedMs: a.detectedMs,
    lastSeenMs: a.lastSeenMs,
    observed: a.observed,
    expected: a.expected,
    atStakeNanoUsd: a.atStakeNanoUsd,
    atStakeUsd: formatUsd(Math.round(a.atStakeNanoUsd)),
    score: a.score,
    rootCause: a.rootCause,
    status: a.status,
    message: a.message,
  };
}
export type AnomalyJson = ReturnType<typeof anomalyJson>;

/** A fixed-width table for the CLI. */
export function formatAnomalyTable(rows: readonly AnomalyJson[]): string {
  if (rows.length === 0) return 'no anomalies';
  const lines = rows.map((a) => {
    const series = a.series.value === null ? 'total' : `${a.series.dimension}=${a.series.value}`;
    const top = a.rootCause[0];
    const cause = top ? `${top.dimension}=${top.value} ${Math.round(top.share * 100)}%` : '';
    return [a.id.slice(0, 8), new Date(a.startMs).toISOString().slice(0, 16).replace('T', ' '), a.kind, a.severity, a.status, `${a.orgId ?? ''}/${series}`, `$${a.atStakeUsd}`, cause];
  });
  const header = ['id', 'start (UTC)', 'kind', 'severity', 'status', 'org/series', 'at stake', 'root cause'];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  return [header, ...lines].map((l) => l.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

const CSV_COLUMNS = ['id', 'kind', 'severity', 'status', 'orgId', 'seriesDimension', 'seriesValue', 'start', 'end', 'observed', 'expected', 'atStakeUsd', 'score', 'rootCause', 'message'] as const;

/** CSV for the CLI's export, spreadsheet-safe like the cost report's: a model or project named `=1+2` stays text. */
export function formatAnomalyCsv(rows: readonly AnomalyJson[]): string {
  const lines = rows.map((a) =>
    [
      a.id, a.kind, a.severity, a.status, a.orgId ?? '', a.series.dimension, a.series.value ?? '', new Date(a.startMs).toISOString(), a.endMs === null ? '' : new Date(a.endMs).toISOString(),
      a.observed, a.expected, a.atStakeUsd, a.score, a.rootCause.map((c) => `${c.dimension}=${c.value}:${c.share}`).join(' '), a.message,
    ].map(csvCell).join(','),
  );
  return [CSV_COLUMNS.join(','), ...lines].join('\n');
}
