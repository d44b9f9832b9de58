import { describe, expect, it } from 'vitest';
import { bucketLabel, bucketStart, checkTimeZone, nextBucketStart, zonedMidnight } from './time-zone.ts';
import { resolveReportRange, parseReportTime } from './report-range.ts';

const HOUR = 3_600_000;

describe('local time buckets', () => {
  it('a Paris day is 23 hours on the spring DST change and 25 on the autumn one', () => {
    const spring = zonedMidnight(2026, 3, 29, 'Europe/Paris');
    expect(new Date(spring).toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(nextBucketStart(spring, 'day', 'Europe/Paris') - spring).toBe(23 * HOUR);
    const autumn = zonedMidnight(2026, 10, 25, 'Europe/Paris');
    expect(new Date(autumn).toISOString()).toBe('2026-10-24T22:00:00.000Z');
    expect(nextBucketStart(autumn, 'day', 'Europe/Paris') - autumn).toBe(25 * HOUR);
  });

  it('puts each UTC hour of a DST-change day into the right local day, and tells the two 02:00 hours apart', () => {
    const start = Date.parse('2026-10-24T21:00:00Z');
    const days = Array.from({ length: 28 }, (_, index) => bucketLabel(start + index * HOUR, 'day', 'Europe/Paris'));
    expect(days.filter((day) => day === '2026-10-25')).toHaveLength(25);
    expect(days[0]).toBe('2026-10-24');
    expect(days.at(-1)).toBe('2026-10-26');
    expect(bucketLabel(Date.parse('2026-10-25T00:30:00Z'), 'hour', 'Europe/Paris')).toBe('2026-10-25T02:00+02:00');
    expect(bucketLabel(Date.parse('2026-10-25T01:30:00Z'), 'hour', 'Europe/Paris')).toBe('2026-10-25T02:00+01:00');
  });

  it('weeks start on local Monday, months on the local 1st, in zones east and west of UTC', () => {
    // Sunday 2026-11-01 23:30 in New York is Monday 04:30 UTC.
    const at = Date.parse('2026-11-02T04:30:00Z');
    expect(bucketLabel(at, 'week', 'America/New_York')).toBe('2026-10-26');
    expect(bucketLabel(at, 'week', 'UTC')).toBe('2026-11-02');
    expect(bucketLabel(at, 'month', 'America/New_York')).toBe('2026-11');
    expect(bucketLabel(Date.parse('2026-10-31T23:30:00Z'), 'month', 'Asia/Tokyo')).toBe('2026-11');
    expect(bucketLabel(Date.parse('2026-10-31T23:30:00Z'), 'month', 'UTC')).toBe('2026-10');
    expect(new Date(bucketStart(at, 'month', 'America/New_York')).toISOString()).toBe('2026-11-01T04:00:00.000Z');
    // Half-hour zones: the local day starts at :30 UTC.
    expect(new Date(bucketStart(at, 'day', 'Asia/Kolkata')).toISOString()).toBe('2026-11-01T18:30:00.000Z');
  });

  it('a zone whose DST change skips midnight starts that day at 01:00', () => {
    // Santiago moves from -04 to -03 at 00:00 on 2026-09-06.
    const start = zonedMidnight(2026, 9, 6, 'America/Santiago');
    expect(bucketLabel(start, 'day', 'America/Santiago')).toBe('2026-09-06');
    expect(bucketLabel(start - 1, 'day', 'America/Santiago')).toBe('2026-09-05');
  });

  it('rejects unknown zones with a message', () => {
    expect(checkTimeZone('Europe/Paris')).toBe('Europe/Paris');
    expect(() => checkTimeZone('Mars/Olympus')).toThrow(/unknown time zone 'Mars\/Olympus'/);
  });
});

describe('report ranges', () => {
  const now = Date.parse('2026-11-18T10:20:00Z');

  it('relative times count back from now; bounds widen to whole hours', () => {
    expect(parseReportTime('7d', 'from', now)).toBe(now - 7 * 24 * HOUR);
    expect(parseReportTime('24h', 'from', now)).toBe(now - 24 * HOUR);
    expect(parseReportTime('2w', 'from', now)).toBe(now - 14 * 24 * HOUR);
    expect(resolveReportRange({ from: '7d' }, 'UTC', now)).toEqual({ fromMs: Date.parse('2026-11-11T10:00:00Z'), toMs: Date.parse('2026-11-18T11:00:00Z') });
    expect(resolveReportRange({}, 'UTC', now).fromMs).toBe(Date.parse('2026-10-19T10:00:00Z'));
    expect(resolveReportRange({ from: '2026-11-01', to: '2026-11-02T00:00:00Z' }, 'UTC', now)).toEqual({ fromMs: Date.parse('2026-11-01T00:00:00Z'), toMs: Date.parse('2026-11-02T00:00:00Z') });
  });

  it('last=month|week|day is the previous complete local period', () => {
    expect(resolveReportRange({ last: 'month' }, 'UTC', now)).toEqual({ fromMs: Date.parse('2026-10-01T00:00:00Z'), toMs: Date.parse('2026-11-01T00:00:00Z') });
    // October in Paris has a DST change: 31 days and one hour.
    const paris = resolveReportRange({ last: 'month' }, 'Europe/Paris', now);
    expect(new Date(paris.fromMs).toISOString()).toBe('2026-09-30T22:00:00.000Z');
    expect(new Date(paris.toMs).toISOString()).toBe('2026-10-31T23:00:00.000Z');
    expect(resolveReportRange({ last: 'week' }, 'UTC', now)).toEqual({ fromMs: Date.parse('2026-11-09T00:00:00Z'), toMs: Date.parse('2026-11-16T00:00:00Z') });
    expect(resolveReportRange({ last: 'day' }, 'America/New_York', now)).toEqual({ fromMs: Date.parse('2026-11-17T05:00:00Z'), toMs: Date.parse('2026-11-18T05:00:00Z') });
  });

  it('bad ranges are errors that say what to send', () => {
    expect(() => resolveReportRange({ from: 'yesterday' }, 'UTC', now)).toThrow(/'from' must be an ISO date/);
    expect(() => resolveReportRange({ from: '1d', to: '2d' }, 'UTC', now)).toThrow(/'from' must be before 'to'/);
    expect(() => resolveReportRange({ last: 'year' }, 'UTC', now)).toThrow(/'last' must be day, week or month/);
    expect(() => resolveReportRange({ last: 'day', from: '1d' }, 'UTC', now)).toThrow(/either 'last' or 'from'/);
    expect(() => resolveReportRange({ from: '0', to: '9999999999999999' }, 'UTC', now)).toThrow(/20 years/);
  });
});
