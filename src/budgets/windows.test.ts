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

  describe('memoised per budget', () => {
    it('one budget object asked across its period edges gets each instant its own period, in its time zone', () => {
      // Daily in New York (EST, UTC-5): the day of 24 November starts at 05:00Z on the 24th and ends at 05:00Z on the 25th.
      const budget = { id: 'ny', period: 'daily' as const, timezone: 'America/New_York' };
      const start = at('2026-11-24T05:00:00Z');
      const end = at('2026-11-25T05:00:00Z');
      const inDay = budgetWindow(budget, start + 3_600_000);
      expect([iso(inDay.startMs), iso(inDay.endMs)]).toEqual(['2026-11-24T05:00:00.000Z', '2026-11-25T05:00:00.000Z']);
      // The last millisecond of the day is still that day; the end itself is the next day.
      expect(budgetWindow(budget, end - 1)).toBe(inDay);
      const next = budgetWindow(budget, end);
      expect([iso(next.startMs), iso(next.endMs)]).toEqual(['2026-11-25T05:00:00.000Z', '2026-11-26T05:00:00.000Z']);
      expect(next.currentBucket).not.toBe(inDay.currentBucket);
      // Back before the edge (a settle of an earlier request, a rebuild): the earlier day again, not the memo's.
      expect(budgetWindow(budget, end - 1).currentBucket).toBe(inDay.currentBucket);
      expect(iso(budgetWindow(budget, start - 1).startMs)).toBe('2026-11-23T05:00:00.000Z');
      expect(iso(budgetWindow(budget, start).startMs)).toBe('2026-11-24T05:00:00.000Z');
    });

    it('across a DST change the period ends at the next local midnight (a 25-hour day)', () => {
      // 1 November 2026 in New York: EDT until 06:00Z, then EST; the day runs 04:00Z to 05:00Z next day.
      const budget = { id: 'dst', period: 'daily' as const, timezone: 'America/New_York' };
      const day = budgetWindow(budget, at('2026-11-01T12:00:00Z'));
      expect([iso(day.startMs), iso(day.endMs)]).toEqual(['2026-11-01T04:00:00.000Z', '2026-11-02T05:00:00.000Z']);
      expect(budgetWindow(budget, at('2026-11-02T04:59:59.999Z'))).toBe(day);
      expect(iso(budgetWindow(budget, at('2026-11-02T05:00:00Z')).startMs)).toBe('2026-11-02T05:00:00.000Z');
    });

    it('weekly and monthly periods roll over at their edges', () => {
      const week = { id: 'w', period: 'weekly' as const, timezone: 'Asia/Tokyo' };
      // Monday 30 November 2026 00:00 in Tokyo is 29 November 15:00Z.
      expect(iso(budgetWindow(week, at('2026-11-29T14:59:59.999Z')).startMs)).toBe('2026-11-22T15:00:00.000Z');
      expect(iso(budgetWindow(week, at('2026-11-29T15:00:00Z')).startMs)).toBe('2026-11-29T15:00:00.000Z');
      const month = { id: 'm', period: 'monthly' as const, timezone: 'UTC' };
      expect(iso(budgetWindow(month, at('2026-12-31T23:59:59.999Z')).startMs)).toBe('2026-12-01T00:00:00.000Z');
      expect(iso(budgetWindow(month, at('2027-01-01T00:00:00Z')).startMs)).toBe('2027-01-01T00:00:00.000Z');
    });

    it('a rolling window moves on with each hour', () => {
      const budget = { id: 'roll', period: 'rolling' as const, rollingHours: 3, timezone: 'UTC' };
      const first = budgetWindow(budget, at('2026-11-24T15:59:59.999Z'));
      expect(first.buckets).toEqual(['13', '14', '15'].map((hour) => `roll:h${at(`2026-11-24T${hour}:00:00Z`)}`));
      const second = budgetWindow(budget, at('2026-11-24T16:00:00Z'));
      expect(iso(second.startMs)).toBe('2026-11-24T14:00:00.000Z');
      expect(second.buckets).toHaveLength(3);
      expect(second.currentBucket).toBe(`roll:h${at('2026-11-24T16:00:00Z')}`);
    });

    it('a budget changed in place (a reset, another period or time zone) is not served its old window', () => {
      const budget: Parameters<typeof budgetWindow>[0] = { id: 'edit', period: 'daily', timezone: 'UTC' };
      const now = at('2026-11-24T15:30:00Z');
      expect(budgetWindow(budget, now).currentBucket).toBe(`edit:p${at('2026-11-24T00:00:00Z')}`);
      budget.resetAtMs = now;
      expect(budgetWindow(budget, now).currentBucket).toBe(`edit~r${now}:p${at('2026-11-24T00:00:00Z')}`);
      budget.timezone = 'Asia/Tokyo';
      expect(iso(budgetWindow(budget, now).startMs)).toBe('2026-11-24T15:00:00.000Z');
      budget.period = 'monthly';
      const month = budgetWindow(budget, now);
      expect([iso(month.startMs), iso(month.endMs)]).toEqual(['2026-10-31T15:00:00.000Z', '2026-11-30T15:00:00.000Z']);
      budget.period = 'rolling';
      budget.rollingHours = 2;
      expect(budgetWindow(budget, now).buckets).toHaveLength(2);
      budget.rollingHours = 5;
      expect(budgetWindow(budget, now).buckets).toHaveLength(5);
    });
  });
});
