import { describe, expect, it } from 'vitest';
import { budgetWindow, bucketRange } from './windows.ts';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('budget windows', () => {
  it('calendar periods in UTC', () => {
    const now = at('2026-11-24T15:30:00Z');
    expect(iso(budgetWindow({ id: 'b', period: 'daily', timezone: 'UTC' }, now).startMs)).toBe('2026-11-24T00:00:00.000Z');
    const week = budgetWindow({ id: 'b', period: 'weekly', timezone: 'UTC' }, now);
    expect([iso(week.startMs), iso(week.endMs)]).toEqual(['2026-11-23T00:00:00.000Z', '2026-11-30T00:00:00.000Z']);
    const month = budgetWindow({ id: 'b', period: 'monthly', timezone: 'UTC' }, at('2026-12-31T23:59:59Z'));
    expect([iso(month.startMs), iso(month.endMs)]).toEqual(['2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z']);
  });

  it('calendar periods start at local midnight in the budget time zone, across DST', () => {
    // New York: EST (UTC-5) in November, EDT (UTC-4) in October.
    const day = budgetWindow({ id: 'b', period: 'daily', timezone: 'America/New_York' }, at('2026-11-24T03:00:00Z'));
    expect(iso(day.startMs)).toBe('2026-11-23T05:00:00.000Z');
    const month = budgetWindow({ id: 'b', period: 'monthly', timezone: 'America/New_York' }, at('2026-11-15T12:00:00Z'));
    expect([iso(month.startMs), iso(month.endMs)]).toEqual(['2026-11-01T04:00:00.000Z', '2026-12-01T05:00:00.000Z']);
    const tokyo = budgetWindow({ id: 'b', period: 'daily', timezone: 'Asia/Tokyo' }, at('2026-11-24T16:00:00Z'));
    expect(iso(tokyo.startMs)).toBe('2026-11-24T15:00:00.000Z');
  });

  it('rolling windows are hourly buckets ending with the current hour', () => {
    const window = budgetWindow({ id: 'r', period: 'rolling', rollingHours: 24, timezone: 'UTC' }, at('2026-11-24T15:30:00Z'));
    expect(window.buckets).toHaveLength(24);
    expect(iso(window.startMs)).toBe('2026-11-23T16:00:00.000Z');
    expect(bucketRange(window.currentBucket, { id: 'r', period: 'rolling', rollingHours: 24, timezone: 'UTC' })).toEqual({ startMs: at('2026-11-24T15:00:00Z'), endMs: at('2026-11-24T16:00:00Z') });
  });

  it('a calendar bucket maps back to its whole period', () => {
    const budget = { id: 'm', period: 'monthly' as const, timezone: 'UTC' };
    const window = budgetWindow(budget, at('2026-02-10T00:00:00Z'));
    expect(bucketRange(window.currentBucket, budget)).toEqual({ startMs: at('2026-02-01T00:00:00Z'), endMs: at('2026-03-01T00:00:00Z') });
  });
});
