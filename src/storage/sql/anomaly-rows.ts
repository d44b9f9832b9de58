import type { Anomaly, AnomalyKind, AnomalyQuery, AnomalyStatus, RootCause, SeriesDimension, Severity } from '../../analytics/anomalies/types.ts';

export const ANOMALY_COLUMNS = [
  'id', 'org_id', 'kind', 'severity', 'series_dimension', 'series_value', 'start_ms', 'end_ms', 'detected_ms', 'last_seen_ms',
  'observed', 'expected', 'at_stake_nano', 'score', 'root_cause', 'status', 'message', 'updated_ms',
] as const;

export function anomalyValues(a: Anomaly): unknown[] {
  return [
    a.id, a.orgId, a.kind, a.severity, a.series.dimension, a.series.value, a.startMs, a.endMs, a.detectedMs, a.lastSeenMs,
    a.observed, a.expected, a.atStakeNanoUsd, a.score, JSON.stringify(a.rootCause), a.status, a.message, a.updatedMs,
  ];
}

const nullableNumber = (value: unknown) => (value === null || value === undefined ? null : Number(value));
const nullableString = (value: unknown) => (value === null || value === undefined ? null : String(value));

export function rowToAnomaly(row: Record<string, unknown>): Anomaly {
  const causes = typeof row.root_cause === 'string' ? (JSON.parse(row.root_cause) as RootCause[]) : (row.root_cause as RootCause[]);
  return {
    id: String(row.id),
    kind: String(row.kind) as AnomalyKind,
    severity: String(row.severity) as Severity,
    orgId: nullableString(row.org_id),
    series: { dimension: String(row.series_dimension) as SeriesDimension, value: nullableString(row.series_value) },
    startMs: Number(row.start_ms),
    endMs: nullableNumber(row.end_ms),
    detectedMs: Number(row.detected_ms),
    lastSeenMs: Number(row.last_seen_ms),
    observed: Number(row.observed),
    expected: Number(row.expected),
    atStakeNanoUsd: Number(row.at_stake_nano),
    score: Number(row.score),
    rootCause: causes,
    status: String(row.status) as AnomalyStatus,
    message: String(row.message),
    updatedMs: Number(row.updated_ms),
  };
}

/** WHERE and parameters of a listing; `placeholder(n)` is the dialect's nth parameter. */
export function anomalyWhere(query: AnomalyQuery, placeholder: (index: number) => string): { where: string; params: unknown[] } {
  const params: unknown[] = [];
  const clauses: string[] = [];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    clauses.push(sql(placeholder(params.length)));
  };
  if (query.status !== undefined) add((p) => `status = ${p}`, query.status);
  if (query.orgId !== undefined) add((p) => `org_id = ${p}`, query.orgId);
  if (query.ongoing) clauses.push('end_ms IS NULL');
  // Episodes touching [from, to): started before `to` and not ended before `from`.
  if (query.toMs !== undefined) add((p) => `start_ms < ${p}`, query.toMs);
  if (query.fromMs !== undefined) add((p) => `(end_ms IS NULL OR end_ms > ${p})`, query.fromMs);
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}
