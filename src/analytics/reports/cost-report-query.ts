import type { LedgerFilter } from '../../ledger/store.ts';
import { resolveReportRange, type ReportRange } from './report-range.ts';
import { checkTimeZone, TIME_BUCKETS, type TimeBucket } from './time-zone.ts';

/** What a report can group by besides time. */
export const REPORT_DIMENSIONS = ['org', 'project', 'user', 'key', 'model', 'provider', 'tag', 'route', 'cache', 'origin'] as const;
export type ReportDimension = (typeof REPORT_DIMENSIONS)[number];
export type ReportFormat = 'json' | 'csv' | 'table';

export interface CostReportRequest {
  /** Grouping in the order asked, a time bucket included (`['project', 'day']`). */
  order: Array<ReportDimension | TimeBucket>;
  dimensions: ReportDimension[];
  bucket: TimeBucket | null;
  tz: string;
  range: ReportRange;
  /** Filters only (the range is apart). `model` is the reported (served, else requested) model. */
  filter: LedgerFilter;
  top: number | null;
  format: ReportFormat;
  /** Local hours [start, end) on Monday to Friday that count as peak; null: no peak split (it reads hourly sums). */
  peakHours: [number, number] | null;
}

const MAX_VALUE = 256;
const FILTERS: Record<string, keyof LedgerFilter> = {
  org: 'orgId', project: 'projectId', user: 'userId', key: 'keyId', model: 'reportedModel', provider: 'provider', tag: 'tag',
};
const KNOWN = new Set(['by', 'from', 'to', 'last', 'tz', 'bucket', 'top', 'format', 'peak', ...Object.keys(FILTERS)]);

/**
 * Reads a report query (`by=project,day&last=month&tz=Europe/Paris&top=10&format=csv`, filters
 * org/project/user/key/model/provider/tag). Pure; every mistake is a RangeError whose message says
 * what to send instead (the API turns it into a 400, the CLI into a usage error).
 */
export function parseCostReportQuery(query: Record<string, string | undefined>, now: number, defaults: { format?: ReportFormat } = {}): CostReportRequest {
  for (const [name, value] of Object.entries(query)) {
    if (!KNOWN.has(name)) throw new RangeError(`unknown parameter '${name.slice(0, 40)}'; use ${[...KNOWN].join(', ')}`);
    if (value !== undefined && value.length > MAX_VALUE) throw new RangeError(`'${name}' is longer than ${MAX_VALUE} characters`);
  }
  const order: Array<ReportDimension | TimeBucket> = [];
  for (const name of (query.by ?? 'project').split(',').map((part) => part.trim()).filter(Boolean)) {
    if (!(REPORT_DIMENSIONS as readonly string[]).includes(name) && !(TIME_BUCKETS as readonly string[]).includes(name)) {
      throw new RangeError(`unknown dimension '${name.slice(0, 40)}' in 'by'; use ${[...REPORT_DIMENSIONS, ...TIME_BUCKETS].join(', ')}`);
    }
    if (order.includes(name as ReportDimension)) throw new RangeError(`dimension '${name}' is repeated in 'by'`);
    order.push(name as ReportDimension | TimeBucket);
  }
  const inBy = order.filter((name): name is TimeBucket => (TIME_BUCKETS as readonly string[]).includes(name));
  if (inBy.length > 1) throw new RangeError(`'by' may hold one time bucket, got ${inBy.join(' and ')}`);
  let bucket: TimeBucket | null = inBy[0] ?? null;
  if (query.bucket !== undefined) {
    if (!(TIME_BUCKETS as readonly string[]).includes(query.bucket)) throw new RangeError(`'bucket' must be one of ${TIME_BUCKETS.join(', ')}`);
    if (bucket !== null && bucket !== query.bucket) throw new RangeError(`'bucket=${query.bucket}' contradicts '${bucket}' in 'by'`);
    if (bucket === null) order.push(query.bucket as TimeBucket);
    bucket = query.bucket as TimeBucket;
  }
  const tz = checkTimeZone(query.tz ?? 'UTC');
  const range = resolveReportRange(query, tz, now);
  if (bucket === 'hour' && range.toMs - range.fromMs > 400 * 86_400_000) throw new RangeError("hourly buckets cover at most 400 days; use 'bucket=day' or a shorter range");
  const filter: LedgerFilter = {};
  for (const [name, field] of Object.entries(FILTERS)) {
    const value = query[name];
    if (value !== undefined && value !== '') (filter as Record<string, string>)[field] = value;
  }
  let top: number | null = null;
  if (query.top !== undefined) {
    if (!/^\d{1,4}$/.test(query.top) || Number(query.top) < 1 || Number(query.top) > 1000) throw new RangeError("'top' must be a whole number from 1 to 1000");
    top = Number(query.top);
  }
  const format = (query.format ?? defaults.format ?? 'json') as ReportFormat;
  if (!['json', 'csv', 'table'].includes(format)) throw new RangeError("'format' must be json, csv or table");
  let peakHours: [number, number] | null = null;
  if (query.peak !== undefined) {
    const match = /^(\d{1,2})-(\d{1,2})$/.exec(query.peak);
    if (!match || Number(match[1]) >= Number(match[2]) || Number(match[2]) > 24) throw new RangeError("'peak' must be local hours like 9-18");
    peakHours = [Number(match[1]), Number(match[2])];
  }
  return {
    order,
    dimensions: order.filter((name): name is ReportDimension => (REPORT_DIMENSIONS as readonly string[]).includes(name)),
    bucket, tz, range, filter, top, format, peakHours,
  };
}
