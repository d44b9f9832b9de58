import { toRouteDecision } from '../../domain/route-decision.ts';
import type { LedgerDimension, LedgerRecord } from '../../ledger/record.ts';
import { routeTarget } from '../../ledger/route-target.ts';
import type { LedgerFilter, SpendRow } from '../../ledger/store.ts';

/** Ledger columns in insert order, shared by the SQLite and PostgreSQL stores. */
export const LEDGER_COLUMNS = [
  'id', 'time_ms', 'org_id', 'project_id', 'user_id', 'key_id', 'tags', 'operation', 'wire', 'stream', 'requested_model', 'served_model',
  'provider', 'input_tokens', 'cache_read_tokens', 'cache_write_tokens', 'output_tokens', 'reasoning_tokens', 'units', 'input_cost_nano',
  'output_cost_nano', 'cost_nano', 'priced', 'estimated', 'latency_ms', 'ttft_ms', 'status', 'error_code', 'cache_status', 'saved_nano',
  'route', 'budget_action', 'quality', 'cache_key', 'prompt', 'request_body', 'route_decision', 'origin', 'request_count',
] as const;

/** Rollup key columns; '' stands for null so the key can be a primary key. */
export const ROLLUP_KEYS = ['hour_ms', 'org_id', 'project_id', 'user_id', 'key_id', 'model', 'provider', 'cache_status', 'route', 'origin'] as const;
export const ROLLUP_SUMS = [
  'requests', 'input_tokens', 'cache_read_tokens', 'cache_write_tokens', 'output_tokens', 'reasoning_tokens', 'cost_nano', 'saved_nano',
  'errors', 'unpriced', 'estimated', 'latency_ms',
] as const;
/** The daily rollup (`ledger_daily`): the hourly rollup's keys with the UTC day in place of the hour. */
export const DAILY_ROLLUP_KEYS = ['day_ms', ...ROLLUP_KEYS.slice(1)] as const;
/**
 * The narrow rollups (`ledger_hourly_narrow`, `ledger_daily_narrow`): the same keys without user and key, so a
 * gateway with many users or keys sums a few dozen rows an hour (project x model x provider x cache x route) rather
 * than one per user and key. They answer every summary that neither groups by nor filters on a user or a key.
 */
export const NARROW_ROLLUP_KEYS = ['hour_ms', 'org_id', 'project_id', 'model', 'provider', 'cache_status', 'route', 'origin'] as const;
export const NARROW_DAILY_ROLLUP_KEYS = ['day_ms', ...NARROW_ROLLUP_KEYS.slice(1)] as const;
/** A wide rollup row (keys of {@link ROLLUP_KEYS} or {@link DAILY_ROLLUP_KEYS}, then the sums) with its user and key dropped. */
export function narrowValues(values: readonly unknown[]): unknown[] {
  return [values[0], values[1], values[2], ...values.slice(5)];
}
/** Whether a summary can read the narrow rollups: no user or key among its groups or its filter. */
export function narrowEnough(dimensions: readonly LedgerDimension[], filter: LedgerFilter): boolean {
  return !dimensions.includes('user') && !dimensions.includes('key') && filter.userId === undefined && filter.keyId === undefined;
}
/** The table that holds a rollup source, narrow when the summary allows it. */
function rollupTable(source: 'rollup' | 'daily', narrow: boolean): string {
  return `${source === 'rollup' ? 'ledger_hourly' : 'ledger_daily'}${narrow ? '_narrow' : ''}`;
}

/**
 * The tag rollup (`ledger_hourly_tags`): one row per hour, org, project and tag ('' for untagged rows),
 * so a row with two tags counts under each. Kept narrow: tags multiply rows.
 */
export const TAG_ROLLUP_KEYS = ['hour_ms', 'org_id', 'project_id', 'tag'] as const;

const HOUR_MS = 3_600_000;

/** The model a row is reported under: what was served, else what was asked for. */
export function reportedModel(record: LedgerRecord): string {
  return record.servedModel ?? record.requestedModel;
}

/**
 * Column values of a row. The route decision is stored bounded, as JSON in `route_decision`, with its
 * summary in `route` (for ad-hoc SQL). A record replayed from a spill file an older version wrote
 * may still carry the old route string: it becomes a decision with that summary.
 */
export function recordValues(record: LedgerRecord, booleans: (value: boolean) => number | boolean): unknown[] {
  const route = toRouteDecision(record.route);
  return [
    record.id, record.timeMs, record.orgId, record.projectId, record.userId, record.keyId, JSON.stringify(record.tags), record.operation,
    record.wire, booleans(record.stream), record.requestedModel, record.servedModel, record.provider, record.inputTokens,
    record.cacheReadTokens, record.cacheWriteTokens, record.outputTokens, record.reasoningTokens, JSON.stringify(record.units),
    record.inputCostNanoUsd, record.outputCostNanoUsd, record.costNanoUsd, booleans(record.priced), booleans(record.estimated),
    record.latencyMs, record.ttftMs, record.status, record.errorCode, record.cacheStatus, record.savedNanoUsd, route?.summary ?? null, record.budgetAction, record.quality, record.cacheKey, record.prompt, record.requestBody,
    route ? JSON.stringify(route) : null,
    record.origin ?? 'gateway', record.requests ?? 1,
  ];
}

/** Rollup key and increments of one inserted row. */
export function rollupValues(record: LedgerRecord): unknown[] {
  const failed = record.status >= 400;
  const requests = record.requests ?? 1;
  return [
    Math.floor(record.timeMs / HOUR_MS) * HOUR_MS, record.orgId, record.projectId, record.userId ?? '', record.keyId ?? '', reportedModel(record),
    record.provider ?? '', record.cacheStatus ?? '', routeTarget(record.route), originOf(record), requests, record.inputTokens, record.cacheReadTokens,
    record.cacheWriteTokens, record.outputTokens, record.reasoningTokens, record.costNanoUsd, record.savedNanoUsd, failed ? requests : 0,
    !record.priced && !failed ? requests : 0, record.estimated ? requests : 0, record.latencyMs,
  ];
}

/** Tag-rollup keys and increments of one inserted row: one entry per distinct tag, or one '' entry. */
export function tagRollupValues(record: LedgerRecord, sums: unknown[] = rollupValues(record).slice(ROLLUP_KEYS.length)): unknown[][] {
  const hour = Math.floor(record.timeMs / HOUR_MS) * HOUR_MS;
  const tags = [...new Set(record.tags.filter((tag) => typeof tag === 'string'))];
  return (tags.length ? tags : ['']).map((tag) => [hour, record.orgId, record.projectId, tag, ...sums]);
}

/** 'gateway' for proxied rows, 'import' (or what the importer sets) for imported ones. */
export function originOf(record: LedgerRecord): string {
  return record.origin || 'gateway';
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
    // A row written before the structured decision and not migrated (none should be) still reads as its summary.
    route: toRouteDecision(row.route_decision ?? row.route),
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
  /** Join that yields one row per tag (one row with a null `tagValue` for an untagged row). */
  tagJoin: string;
  tagValue: string;
  /** The route target of a raw row, from `route_decision` and `route` (see `routeTarget`). */
  routeTarget(): string;
  /** Condition: the row's route decision called a fallback target (`fallbacks` > 0, as `fellBack` in JS). */
  fellBack(): string;
  /** Condition: the row's route decision names the strategy at `placeholder`. */
  routeStrategy(placeholder: string): string;
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
  if (filter.fellBack) clauses.push(dialect.fellBack());
  if (filter.routeStrategy !== undefined) add(dialect.routeStrategy, filter.routeStrategy);
  return clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
}

/**
 * Where a summary is read from: the hourly rollup, the daily rollup, both ('days+hours': the daily rollup for the
 * whole UTC days of the range and the hourly one for the hours at either edge), the tag rollup, or the raw rows.
 */
export type SummarySource = 'rollup' | 'daily' | 'days+hours' | 'tags' | 'raw';
const DAY_MS = 86_400_000;

const TAG_ROLLUP_DIMENSIONS: ReadonlySet<LedgerDimension> = new Set(['org', 'project', 'tag', 'day', 'hour']);

/**
 * Which table can answer exactly. Both rollups need hour-aligned (or absent) bounds and no filter on
 * a single request, the requested-or-served model, excluded providers or served-only. A tag (as a
 * dimension or a filter) is answered by the tag rollup when every other dimension and filter is one
 * it keeps (org, project, time); anything else reads the raw rows.
 */
export function summarySource(dimensions: readonly LedgerDimension[], filter: LedgerFilter): SummarySource {
  if (filter.id !== undefined || filter.origin !== undefined || filter.model !== undefined || filter.excludeProviders?.length || filter.servedOnly || filter.fellBack || filter.routeStrategy !== undefined) return 'raw';
  const aligned = (filter.fromMs === undefined || filter.fromMs % HOUR_MS === 0) && (filter.toMs === undefined || filter.toMs % HOUR_MS === 0);
  if (!aligned) return 'raw';
  if (filter.tag === undefined && !dimensions.includes('tag')) {
    // Whole UTC days and no hour grouping: the daily rollup (24 times fewer rows at most) answers.
    const days = (filter.fromMs === undefined || filter.fromMs % DAY_MS === 0) && (filter.toMs === undefined || filter.toMs % DAY_MS === 0);
    if (dimensions.includes('hour')) return 'rollup';
    if (days) return 'daily';
    // Hour-aligned edges around at least one whole UTC day (a month from a local midnight, or to the current hour):
    // the whole days from the daily rollup, the edges from the hourly one.
    const { firstDayMs, endDayMs } = wholeDays(filter);
    return firstDayMs === undefined || endDayMs === undefined || firstDayMs < endDayMs ? 'days+hours' : 'rollup';
  }
  const narrow = filter.userId === undefined && filter.keyId === undefined && filter.provider === undefined && filter.reportedModel === undefined;
  return narrow && dimensions.every((dimension) => TAG_ROLLUP_DIMENSIONS.has(dimension)) ? 'tags' : 'raw';
}

/** The whole UTC days inside the filter's bounds: [firstDayMs, endDayMs), undefined where the range is open. */
function wholeDays(filter: LedgerFilter): { firstDayMs: number | undefined; endDayMs: number | undefined } {
  return {
    firstDayMs: filter.fromMs === undefined ? undefined : Math.ceil(filter.fromMs / DAY_MS) * DAY_MS,
    endDayMs: filter.toMs === undefined ? undefined : Math.floor(filter.toMs / DAY_MS) * DAY_MS,
  };
}

/** Whether the hourly rollup can answer: filter bounds fall on hour boundaries. */
export function rollupCanAnswer(filter: LedgerFilter): boolean {
  const source = summarySource([], filter);
  return source === 'rollup' || source === 'daily' || source === 'days+hours';
}

/**
 * The summarize query over the daily rollup for the whole days and the hourly rollup for the edges: each part
 * grouped as asked, then the parts' groups summed (integer sums of integer sums: the same answer to the nano-dollar).
 */
function daysAndHoursQuery(dimensions: readonly LedgerDimension[], filter: LedgerFilter, dialect: Dialect): BuiltQuery {
  const { firstDayMs, endDayMs } = wholeDays(filter);
  const ranges: Array<[number | undefined, number | undefined, SummarySource]> = [];
  if (filter.fromMs !== undefined && firstDayMs !== undefined && filter.fromMs < firstDayMs) ranges.push([filter.fromMs, firstDayMs, 'rollup']);
  ranges.push([firstDayMs, endDayMs, 'daily']);
  if (filter.toMs !== undefined && endDayMs !== undefined && endDayMs < filter.toMs) ranges.push([endDayMs, filter.toMs, 'rollup']);
  const params: unknown[] = [];
  const parts = ranges.map(([fromMs, toMs, source]) => {
    // Each part numbers its placeholders after the parts before it (PostgreSQL's $n).
    const offset = params.length;
    const part = summarizeQuery(dimensions, { ...filter, fromMs, toMs }, { ...dialect, placeholder: (index) => dialect.placeholder(index + offset) }, source);
    params.push(...part.params);
    return part.sql;
  });
  const keys = dimensions.map((_, index) => `d${index}`);
  const sums = ROLLUP_SUMS.map((column) => `${dialect.sum(column)} AS ${column}`);
  const group = keys.length ? `GROUP BY ${keys.join(', ')}` : '';
  return { sql: `SELECT ${[...keys, ...sums].join(', ')} FROM (${parts.join(' UNION ALL ')}) parts ${group}`, params };
}

type ColumnDimension = Exclude<LedgerDimension, 'day' | 'hour'>;

function rawDimensions(dialect: Dialect): Record<ColumnDimension, string> {
  return {
    org: 'org_id',
    project: 'project_id',
    user: 'user_id',
    key: 'key_id',
    model: 'COALESCE(served_model, requested_model)',
    provider: 'provider',
    tag: dialect.tagValue,
    route: `NULLIF(${dialect.routeTarget()}, '')`,
    cache: 'cache_status',
    origin: "COALESCE(origin, 'gateway')",
  };
}
const ROLLUP_DIMENSIONS: Record<ColumnDimension, string> = {
  org: 'org_id',
  project: 'project_id',
  user: "NULLIF(user_id, '')",
  key: "NULLIF(key_id, '')",
  model: 'model',
  provider: "NULLIF(provider, '')",
  tag: "NULLIF(tag, '')",
  route: "NULLIF(route, '')",
  cache: "NULLIF(cache_status, '')",
  origin: 'origin',
};

/** The summarize query, over a rollup when one can answer, else the raw table. */
export function summarizeQuery(dimensions: readonly LedgerDimension[], filter: LedgerFilter, dialect: Dialect, forced?: SummarySource): BuiltQuery {
  const source = forced ?? summarySource(dimensions, filter);
  if (source === 'days+hours') return daysAndHoursQuery(dimensions, filter, dialect);
  const params: unknown[] = [];
  const useRollup = source !== 'raw';
  const time = source === 'daily' ? 'day_ms' : useRollup ? 'hour_ms' : 'time_ms';
  const raw = rawDimensions(dialect);
  // A time bucket is grouped by its start in epoch ms and only the groups are formatted as text
  // (outside): formatting every scanned row cost as much as the scan (30 days of the hourly rollup
  // by model and hour at 10M rows: 1.5 s against 0.75 s on PostgreSQL).
  const bucketStart = (unit: number) => (source === (unit === DAY_MS ? 'daily' : 'rollup') ? time : `(${time} / ${unit}) * ${unit}`);
  const expression = (dimension: LedgerDimension) =>
    dimension === 'day' ? bucketStart(DAY_MS) : dimension === 'hour' ? bucketStart(HOUR_MS) : (useRollup ? ROLLUP_DIMENSIONS : raw)[dimension];
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
        `${dialect.sum('latency_ms')} AS latency_ms`,
      ];
  const clauses: string[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    clauses.push(sql.replace('?', dialect.placeholder(params.length)));
  };
  let where: string;
  if (useRollup) {
    if (filter.fromMs !== undefined) add(`${time} >= ?`, filter.fromMs);
    if (filter.toMs !== undefined) add(`${time} < ?`, filter.toMs);
    if (filter.orgId !== undefined) add('org_id = ?', filter.orgId);
    if (filter.projectId !== undefined) add('project_id = ?', filter.projectId);
    if (filter.userId !== undefined) add('user_id = ?', filter.userId);
    if (filter.keyId !== undefined) add('key_id = ?', filter.keyId);
    if (filter.provider !== undefined) add('provider = ?', filter.provider);
    if (filter.reportedModel !== undefined) add('model = ?', filter.reportedModel);
    if (filter.tag !== undefined) add('tag = ?', filter.tag);
    where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
  } else {
    where = rawWhere(filter, dialect, params);
    if (filter.reportedModel !== undefined) {
      params.push(filter.reportedModel);
      const condition = `COALESCE(served_model, requested_model) = ${dialect.placeholder(params.length)}`;
      where = where ? `${where} AND ${condition}` : `WHERE ${condition}`;
    }
    if (filter.tag !== undefined && dimensions.includes('tag')) {
      // Grouped by tag and filtered on one: that tag's row only, as the tag rollup answers.
      params.push(filter.tag);
      where = `${where} AND ${dialect.tagValue} = ${dialect.placeholder(params.length)}`;
    }
  }
  const group = dimensions.length ? `GROUP BY ${dimensions.map((_, index) => `d${index}`).join(', ')}` : '';
  const from = source === 'rollup' || source === 'daily' ? rollupTable(source, narrowEnough(dimensions, filter)) : source === 'tags' ? 'ledger_hourly_tags' : dimensions.includes('tag') ? `ledger ${dialect.tagJoin}` : 'ledger';
  const sql = `SELECT ${[...selected, ...sums].join(', ')} FROM ${from} ${where} ${group}`;
  if (!dimensions.some((dimension) => dimension === 'day' || dimension === 'hour')) return { sql, params };
  const outer = dimensions.map((dimension, index) =>
    dimension === 'day' ? `${dialect.day(`d${index}`)} AS d${index}` : dimension === 'hour' ? `${dialect.hour(`d${index}`)} AS d${index}` : `d${index}`,
  );
  const sumNames = sums.map((sum) => sum.slice(sum.lastIndexOf(' AS ') + 4));
  return { sql: `SELECT ${[...outer, ...sumNames].join(', ')} FROM (${sql}) grouped`, params };
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
    latencyMsTotal: num(row.latency_ms),
  };
}
