import type { LedgerDimension, LedgerRecord } from '../../ledger/record.ts';
import type { LedgerFilter, SpendRow } from '../../ledger/store.ts';

/** Ledger columns in insert order, shared by the SQLite and PostgreSQL stores. */
export const LEDGER_COLUMNS = [
  'id', 'time_ms', 'org_id', 'project_id', 'user_id', 'key_id', 'tags', 'operation', 'wire', 'stream', 'requested_model', 'served_model',
  'provider', 'input_tokens', 'cache_read_tokens', 'cache_write_tokens', 'output_tokens', 'reasoning_tokens', 'units', 'input_cost_nano',
  'output_cost_nano', 'cost_nano', 'priced', 'estimated', 'latency_ms', 'ttft_ms', 'status', 'error_code', 'cache_status', 'saved_nano',
  'route', 'budget_action', 'quality', 'cache_key', 'prompt', 'request_body', 'origin', 'request_count',
] as const;

/** Rollup key columns; '' stands for null so the key can be a primary key. */
export const ROLLUP_KEYS = ['hour_ms', 'org_id', 'project_id', 'user_id', 'key_id', 'model', 'provider'] as const;
export const ROLLUP_SUMS = [
  'requests', 'input_tokens', 'cache_read_tokens', 'cache_write_tokens', 'output_tokens', 'reasoning_tokens', 'cost_nano', 'saved_nano',
  'errors', 'unpriced', 'estimated',
] as const;

const HOUR_MS = 3_600_000;

/** The model a row is reported under: what was served, else what was asked for. */
export function reportedModel(record: LedgerRecord): string {
  return record.servedModel ?? record.requestedModel;
}

export function recordValues(record: LedgerRecord, booleans: (value: boolean) => number | boolean): unknown[] {
  return [
    record.id, record.timeMs, record.orgId, record.projectId, record.userId, record.keyId, JSON.stringify(record.tags), record.operation,
    record.wire, booleans(record.stream), record.requestedModel, record.servedModel, record.provider, record.inputTokens,
    record.cacheReadTokens, record.cacheWriteTokens, record.outputTokens, record.reasoningTokens, JSON.stringify(record.units),
    record.inputCostNanoUsd, record.outputCostNanoUsd, record.costNanoUsd, booleans(record.priced), booleans(record.estimated),
    record.latencyMs, record.ttftMs, record.status, record.errorCode, record.cacheStatus, record.savedNanoUsd, record.route, record.budgetAction, record.quality, record.cacheKey, record.prompt, record.requestBody,
    record.origin ?? 'gateway', record.requests ?? 1,
  ];
}

/** Rollup key and increments of one inserted row. */
export function rollupValues(record: LedgerRecord): unknown[] {
  const failed = record.status >= 400;
  const requests = record.requests ?? 1;
  return [
    Math.floor(record.timeMs / HOUR_MS) * HOUR_MS, record.orgId, record.projectId, record.userId ?? '', record.keyId ?? '', reportedModel(record),
    record.provider ?? '', requests, record.inputTokens, record.cacheReadTokens, record.cacheWriteTokens, record.outputTokens, record.reasoningTokens,
    record.costNanoUsd, record.savedNanoUsd, failed ? requests : 0, !record.priced && !failed ? requests : 0, record.estimated ? requests : 0,
  ];
}

type Row = Record<string, unknown>;

function json<T>(value: unknown, fallback: T): T {
  if (typeof value !== 'string') return (value as T) ?? fallback;
  try {
    return JSON.parse(value) as T;
  } catch {
    return fallback;
  }
}

const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
const numOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
const strOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

export function rowToRecord(row: Row): LedgerRecord {
  const record: LedgerRecord = {
    id: String(row.id),
    timeMs: num(row.time_ms),
    orgId: String(row.org_id),
    projectId: String(row.project_id),
    userId: strOrNull(row.user_id),
    keyId: strOrNull(row.key_id),
    tags: json<string[]>(row.tags, []),
    operation: row.operation as LedgerRecord['operation'],
    wire: row.wire as LedgerRecord['wire'],
    stream: Boolean(row.stream),
    requestedModel: String(row.requested_model),
    servedModel: strOrNull(row.served_model),
    provider: strOrNull(row.provider),
    inputTokens: num(row.input_tokens),
    cacheReadTokens: num(row.cache_read_tokens),
    cacheWriteTokens: num(row.cache_write_tokens),
    outputTokens: num(row.output_tokens),
    reasoningTokens: num(row.reasoning_tokens),
    units: json<Record<string, number>>(row.units, {}),
    inputCostNanoUsd: num(row.input_cost_nano),
    outputCostNanoUsd: num(row.output_cost_nano),
    costNanoUsd: num(row.cost_nano),
    priced: Boolean(row.priced),
    estimated: Boolean(row.estimated),
    latencyMs: num(row.latency_ms),
    ttftMs: numOrNull(row.ttft_ms),
    status: num(row.status),
    errorCode: strOrNull(row.error_code),
    cacheStatus: strOrNull(row.cache_status),
    savedNanoUsd: num(row.saved_nano),
    route: strOrNull(row.route),
    budgetAction: strOrNull(row.budget_action),
    quality: numOrNull(row.quality),
    cacheKey: strOrNull(row.cache_key),
    prompt: strOrNull(row.prompt),
    requestBody: strOrNull(row.request_body),
  };
  // Only imported rows carry these: a gateway row reads back exactly as it was written.
  if (row.origin !== null && row.origin !== undefined && row.origin !== 'gateway') record.origin = String(row.origin);
  if (row.request_count !== null && row.request_count !== undefined && num(row.request_count) !== 1) record.requests = num(row.request_count);
  return record;
}

/** SQL dialect differences the shared query builder needs. */
export interface Dialect {
  placeholder(index: number): string;
  /** Expression for a time bucket of an epoch-ms column. */
  day(column: string): string;
  hour(column: string): string;
  /** Cast of a SUM to something the driver returns exactly. */
  sum(expression: string): string;
  /** Condition: the row's JSON tags array contains the value at `placeholder`. */
  hasTag(placeholder: string): string;
}

export interface BuiltQuery {
  sql: string;
  params: unknown[];
}

/** `WHERE` over the raw table. */
export function rawWhere(filter: LedgerFilter, dialect: Dialect, params: unknown[]): string {
  const clauses: string[] = [];
  const add = (sql: (placeholder: string) => string, value: unknown) => {
    params.push(value);
    clauses.push(sql(dialect.placeholder(params.length)));
  };
  if (filter.id !== undefined) add((p) => `id = ${p}`, filter.id);
  if (filter.fromMs !== undefined) add((p) => `time_ms >= ${p}`, filter.fromMs);
  if (filter.toMs !== undefined) add((p) => `time_ms < ${p}`, filter.toMs);
  if (filter.orgId !== undefined) add((p) => `org_id = ${p}`, filter.orgId);
  if (filter.projectId !== undefined) add((p) => `project_id = ${p}`, filter.projectId);
  if (filter.userId !== undefined) add((p) => `user_id = ${p}`, filter.userId);
  if (filter.keyId !== undefined) add((p) => `key_id = ${p}`, filter.keyId);
  if (filter.model !== undefined) add((p) => `${p} IN (requested_model, served_model)`, filter.model);
  if (filter.provider !== undefined) add((p) => `provider = ${p}`, filter.provider);
  if (filter.tag !== undefined) add(dialect.hasTag, filter.tag);
  for (const provider of filter.excludeProviders ?? []) add((p) => `(provider IS NULL OR provider <> ${p})`, provider);
  if (filter.servedOnly) add((p) => `status < ${p}`, 400);
  if (filter.origin !== undefined) add((p) => `origin = ${p}`, filter.origin);
  return clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
}

/** Whether the hourly rollup can answer: filter bounds fall on hour boundaries. */
export function rollupCanAnswer(filter: LedgerFilter): boolean {
  // The rollup keeps neither tags nor the requested model apart from the served one.
  if (filter.id !== undefined || filter.tag !== undefined || filter.model !== undefined || filter.excludeProviders?.length || filter.servedOnly) return false;
  if (filter.origin !== undefined) return false;
  return (filter.fromMs === undefined || filter.fromMs % HOUR_MS === 0) && (filter.toMs === undefined || filter.toMs % HOUR_MS === 0);
}

const RAW_DIMENSIONS: Record<Exclude<LedgerDimension, 'day' | 'hour'>, string> = {
  org: 'org_id',
  project: 'project_id',
  user: 'user_id',
  key: 'key_id',
  model: 'COALESCE(served_model, requested_model)',
  provider: 'provider',
};
const ROLLUP_DIMENSIONS: Record<Exclude<LedgerDimension, 'day' | 'hour'>, string> = {
  org: 'org_id',
  project: 'project_id',
  user: "NULLIF(user_id, '')",
  key: "NULLIF(key_id, '')",
  model: 'model',
  provider: "NULLIF(provider, '')",
};

/** The summarize query, over the rollup when it can answer, else the raw table. */
export function summarizeQuery(dimensions: readonly LedgerDimension[], filter: LedgerFilter, dialect: Dialect): BuiltQuery {
  const params: unknown[] = [];
  const useRollup = rollupCanAnswer(filter);
  const time = useRollup ? 'hour_ms' : 'time_ms';
  const expression = (dimension: LedgerDimension) =>
    dimension === 'day' ? dialect.day(time) : dimension === 'hour' ? dialect.hour(time) : (useRollup ? ROLLUP_DIMENSIONS : RAW_DIMENSIONS)[dimension];
  const selected = dimensions.map((dimension, index) => `${expression(dimension)} AS d${index}`);
  const sums = useRollup
    ? ROLLUP_SUMS.map((column) => `${dialect.sum(column)} AS ${column}`)
    : [
        // A row counts as the requests it stands for (imported aggregates), not as one.
        `${dialect.sum('request_count')} AS requests`,
        ...['input_tokens', 'cache_read_tokens', 'cache_write_tokens', 'output_tokens', 'reasoning_tokens', 'cost_nano', 'saved_nano'].map(
          (column) => `${dialect.sum(column)} AS ${column}`,
        ),
        `${dialect.sum('CASE WHEN status >= 400 THEN request_count ELSE 0 END')} AS errors`,
        `${dialect.sum(`CASE WHEN ${falsy('priced')} AND status < 400 THEN request_count ELSE 0 END`)} AS unpriced`,
        `${dialect.sum(`CASE WHEN ${truthy('estimated')} THEN request_count ELSE 0 END`)} AS estimated`,
      ];
  let where: string;
  if (useRollup) {
    const rollupFilter = { ...filter };
    where = rawWhere({ ...rollupFilter, fromMs: undefined, toMs: undefined, model: undefined, userId: undefined, keyId: undefined, provider: undefined }, dialect, params)
      .replace(/time_ms/g, 'hour_ms');
    const extra: string[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      extra.push(sql.replace('?', dialect.placeholder(params.length)));
    };
    if (filter.fromMs !== undefined) add('hour_ms >= ?', filter.fromMs);
    if (filter.toMs !== undefined) add('hour_ms < ?', filter.toMs);
    if (filter.userId !== undefined) add('user_id = ?', filter.userId);
    if (filter.keyId !== undefined) add('key_id = ?', filter.keyId);
    if (filter.provider !== undefined) add('provider = ?', filter.provider);
    if (extra.length) where = where ? `${where} AND ${extra.join(' AND ')}` : `WHERE ${extra.join(' AND ')}`;
  } else {
    where = rawWhere(filter, dialect, params);
  }
  const group = dimensions.length ? `GROUP BY ${dimensions.map((_, index) => `d${index}`).join(', ')}` : '';
  const sql = `SELECT ${[...selected, ...sums].join(', ')} FROM ${useRollup ? 'ledger_hourly' : 'ledger'} ${where} ${group}`;
  return { sql, params };
}

// Booleans are 0/1 in SQLite and BOOLEAN in PostgreSQL: compare in a form both accept.
const truthy = (column: string) => `${column} = TRUE`;
const falsy = (column: string) => `${column} = FALSE`;

export function toSpendRow(row: Row, dimensions: readonly LedgerDimension[]): SpendRow | undefined {
  // An empty group (SUM over no rows) is dropped; a group of cost-only imported lines (0 requests, some cost) is kept.
  if (num(row.requests) === 0 && num(row.cost_nano) === 0) return undefined;
  const keys: Record<string, string | null> = {};
  dimensions.forEach((dimension, index) => (keys[dimension] = strOrNull(row[`d${index}`])));
  return {
    keys,
    requests: num(row.requests),
    inputTokens: num(row.input_tokens),
    cacheReadTokens: num(row.cache_read_tokens),
    cacheWriteTokens: num(row.cache_write_tokens),
    outputTokens: num(row.output_tokens),
    reasoningTokens: num(row.reasoning_tokens),
    costNanoUsd: num(row.cost_nano),
    savedNanoUsd: num(row.saved_nano),
    errors: num(row.errors),
    unpriced: num(row.unpriced),
    estimated: num(row.estimated),
  };
}
