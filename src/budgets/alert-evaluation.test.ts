import { describe, expect, it } from 'vitest';
import type { BudgetConfig } from '../config/schema.ts';
import { alertsDue, resetMessage } from './alert-evaluation.ts';
import { budgetWindow } from './windows.ts';

const NANO = 1_000_000_000;
const budget: BudgetConfig = {
  id: 'b',
  scope: 'global',
  period: 'monthly',
  timezone: 'UTC',
  limitUsd: 100,
  includeFixedCosts: false,
  thresholds: [
    { percent: 50, action: 'alert' },
    { percent: 80, action: 'alert' },
    { percent: 100, action: 'block' },
  ],
  onCounterFailure: 'fail-open',
};
const now = Date.parse('2026-11-16T00:00:00Z');
const window = budgetWindow(budget, now);
const reading = (spentUsd: number, burnRate = false) => ({ window, nowMs: now, spentNano: spentUsd * NANO, fixedNowNano: 0, committedNano: 0, burnRate });

describe('alertsDue', () => {
  it('raises nothing below the first threshold', () => {
    expect(alertsDue(budget, reading(10))).toEqual([]);
  });
  it('raises the highest threshold reached only', () => {
    expect(alertsDue(budget, reading(85)).map((alert) => alert.kind)).toEqual(['threshold:80']);
  });
  it('says exhaustion once, for every threshold up to 100%', () => {
    const due = alertsDue(budget, reading(100));
    expect(due.map((alert) => alert.kind)).toEqual(['exhausted']);
    expect(due[0]!.message).toContain('exhausted');
  });
  it('warns of a burn rate that runs out before the period ends', () => {
    expect(alertsDue(budget, reading(70, true)).map((alert) => alert.kind)).toEqual(['threshold:50', 'burn-rate']);
    expect(alertsDue(budget, reading(70, false)).map((alert) => alert.kind)).toEqual(['threshold:50']);
  });
  it('starts the alerts again after a run-time reset', () => {
    const resetAtMs = now - 3_600_000;
    expect(alertsDue({ ...budget, resetAtMs }, reading(60))[0]!.windowStartMs).toBe(resetAtMs);
  });
});

describe('resetMessage', () => {
  it('names who reset the budget and what had been spent', () => {
    expect(resetMessage(budget, 'alice', '12.50', now)).toBe('Budget b: reset by alice at 2026-11-16T00:00:00.000Z; $12.50 of $100 had been spent in the period');
  });
  it('with a forecast projection, warns when its mean path runs out before the period ends, and says the interval', () => {
    const projection = { projectedNano: 140 * NANO, lo80Nano: 120 * NANO, hi80Nano: 160 * NANO, lo95Nano: 110 * NANO, hi95Nano: 170 * NANO, exhaustionAtMs: now + 5 * 86_400_000, model: 'mstl' };
    const due = alertsDue(budget, { ...reading(40, true), projection });
    expect(due.map((alert) => alert.kind)).toEqual(['burn-rate']);
    expect(due[0]!.message).toContain('forecast (mstl)');
    expect(due[0]!.message).toContain('80%: $120–$160');
    expect(due[0]!.message).toContain(new Date(now + 5 * 86_400_000).toISOString());
  });
  it('with a forecast projection that holds, stays quiet where the straight line would warn', () => {
    // $70 in the first half of the month: the straight line says $140 and warns; the forecast
    // (spend concentrated in a launch week that is over) says $90.
    const holds = { projectedNano: 90 * NANO, lo80Nano: 80 * NANO, hi80Nano: 99 * NANO, lo95Nano: 75 * NANO, hi95Nano: 105 * NANO, exhaustionAtMs: null, model: 'mstl' };
    expect(alertsDue(budget, reading(70, true)).map((alert) => alert.kind)).toContain('burn-rate');
    expect(alertsDue(budget, { ...reading(70, true), projection: holds }).map((alert) => alert.kind)).toEqual(['threshold:50']);
    // Off, it is off whatever the forecast says.
    expect(alertsDue(budget, { ...reading(40, false), projection: { ...holds, exhaustionAtMs: now + 86_400_000 } })).toEqual([]);
  });
});
