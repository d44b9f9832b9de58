import { describe, expect, it } from 'vitest';
import type { BudgetConfig } from '../config/schema.ts';
import { parsePriority, pickEarly, reserveChecks, thresholdDecisions } from './admission.ts';
import { budgetWindow } from './windows.ts';

const base: BudgetConfig = {
  id: 'a',
  scope: 'global',
  period: 'daily',
  timezone: 'UTC',
  limitUsd: 1,
  includeFixedCosts: false,
  thresholds: [
    { percent: 50, action: 'queue' },
    { percent: 80, action: 'downgrade', downgradeTo: 'cheap' },
    { percent: 100, action: 'block' },
  ],
  onCounterFailure: 'fail-open',
};
const now = Date.parse('2026-11-16T12:00:00Z');

describe('admission', () => {
  it('reads the priority header', () => {
    expect(parsePriority('low')).toBe('low');
    expect(parsePriority('high')).toBe('high');
    expect(parsePriority('urgent')).toBe('normal');
    expect(parsePriority(undefined)).toBe('normal');
  });

  it('reserves the worst case, except on budgets that hold the local nodes already', () => {
    const budgets = [base, { ...base, id: 'fixed', includeFixedCosts: true }];
    const windows = budgets.map((budget) => budgetWindow(budget, now));
    const checks = reserveChecks(budgets, windows, () => 7, 500, true, new Set(['fixed']));
    expect(checks.map((check) => [check.budgetId, check.amountNano, check.fixedNano, check.limitNano, check.force])).toEqual([
      ['a', 500, 7, 1_000_000_000, false],
      ['fixed', 0, 7, 1_000_000_000, true],
    ]);
  });

  it('prefers a downgrade, then a queue, and says nothing for an overridden budget', () => {
    const budgets = [base, { ...base, id: 'b' }];
    const windows = budgets.map((budget) => budgetWindow(budget, now));
    const checks = reserveChecks(budgets, windows, () => 0, 1, false, new Set());
    const decisions = thresholdDecisions(budgets, checks, [600_000_000, 850_000_000], 1, 'low', new Set());
    expect(pickEarly(budgets, decisions)).toMatchObject({ index: 1, decision: { action: 'downgrade' } });
    const overridden = thresholdDecisions(budgets, checks, [600_000_000, 850_000_000], 1, 'low', new Set(['b']));
    expect(pickEarly(budgets, overridden)).toMatchObject({ index: 0, decision: { action: 'queue' } });
    expect(pickEarly(budgets, thresholdDecisions(budgets, checks, [0, 0], 1, 'low', new Set()))).toBeUndefined();
  });
});
