import { bucketStart, type TimeBucket } from './time-zone.ts';

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };
const HOUR_MS = 3_600_000;
/** Far enough back for any real ledger, small enough to stay an exact epoch. */
const MAX_SPAN_MS = 20 * 366 * 86_400_000;

export interface ReportRange {
  fromMs: number;
  /** Exclusive. */
  toMs: number;
}

/**
 * A time in a report query: epoch ms, an ISO date or time, or relative to `now` ('7d', '24h', '2w',
 * '90m': that long ago). A RangeError names the parameter otherwise.
 */
export function parseReportTime(value: string, name: string, now: number): number {
  const text = value.trim();
  const relative = /^(\d{1,6})([mhdw])$/.exec(text);
  if (relative) return now - Number(relative[1]) * UNIT_MS[relative[2]!]!;
  const ms = /^\d{1,16}$/.test(text) ? Number(text) : /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : Number.NaN;
  if (!Number.isFinite(ms)) throw new RangeError(`'${name}' must be an ISO date, epoch milliseconds or a relative time like 7d or 24h`);
  return ms;
}

/**
 * The range a report covers. `last=day|week|month` is the previous complete calendar period in `tz`
 * (yesterday, last Monday-to-Sunday week, last month); otherwise `from`/`to` (default: the 30 days
 * up to now). Bounds are widened to whole hours so the hourly rollups answer (a report resolves to
 * the hour), except where the zone's day starts mid-hour.
 */
export function resolveReportRange(query: { from?: string; to?: string; last?: string }, tz: string, now: number): ReportRange {
  let fromMs: number;
  let toMs: number;
  if (query.last !== undefined) {
    if (query.from !== undefined || query.to !== undefined) throw new RangeError("use either 'last' or 'from'/'to', not both");
    if (!['day', 'week', 'month'].includes(query.last)) throw new RangeError("'last' must be day, week or month");
    const bucket = query.last as TimeBucket;
    toMs = bucketStart(now, bucket, tz);
    fromMs = bucketStart(toMs - 1, bucket, tz);
    return { fromMs, toMs };
  }
  toMs = query.to !== undefined ? parseReportTime(query.to, 'to', now) : now;
  fromMs = query.from !== undefined ? parseReportTime(query.from, 'from', now) : toMs - 30 * 86_400_000;
  if (fromMs >= toMs) throw new RangeError("'from' must be before 'to'");
  if (toMs - fromMs > MAX_SPAN_MS) throw new RangeError('the range may span at most 20 years');
  return { fromMs: Math.floor(fromMs / HOUR_MS) * HOUR_MS, toMs: Math.ceil(toMs / HOUR_MS) * HOUR_MS };
}
