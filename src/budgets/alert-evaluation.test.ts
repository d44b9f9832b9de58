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
});
