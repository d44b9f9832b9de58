import { describe, expect, it } from 'vitest';
import type { BudgetConfig } from '../config/schema.ts';
import { countsToward, fixedCostWarnings, fixedNanoOf } from './fixed-accrual.ts';
import { budgetWindow } from './windows.ts';

const budget: BudgetConfig = {
  id: 'web',
  scope: 'project',
  value: 'acme/web',
  period: 'monthly',
  timezone: 'UTC',
  limitUsd: 40,
  includeFixedCosts: true,
  thresholds: [],
  onCounterFailure: 'fail-open',
};
const lines = [
  { name: 'vector db', project: 'acme/web', monthlyUsd: 30 },
  { name: 'other', project: 'acme/api', monthlyUsd: 1000 },
];
const now = Date.parse('2026-11-16T00:00:00Z');

describe('fixed-cost accrual', () => {
  it('accrues only the lines a project budget covers, and nothing without includeFixedCosts', () => {
    const window = budgetWindow(budget, now);
    expect(fixedNanoOf(lines, budget, window, window.endMs)).toBe(30_000_000_000);
    expect(fixedNanoOf(lines, { ...budget, includeFixedCosts: false }, window, window.endMs)).toBe(0);
  });
  it('counts local requests only toward budgets without the fixed costs', () => {
    expect(countsToward({ includeFixedCosts: true }, true)).toBe(false);
    expect(countsToward({ includeFixedCosts: true }, false)).toBe(true);
    expect(countsToward({ includeFixedCosts: false }, true)).toBe(true);
  });
  it('warns when fixed costs take most of a limit', () => {
    expect(fixedCostWarnings(lines, [budget], now)).toEqual([]);
    expect(fixedCostWarnings(lines, [{ ...budget, limitUsd: 35 }], now)).toHaveLength(1);
    expect(fixedCostWarnings(lines, [{ ...budget, limitUsd: 35 }], now)[0]).toContain('fixed costs take 85.7%');
    expect(fixedCostWarnings(lines, [{ ...budget, limitUsd: 20 }], now)[0]).toContain('consume its $20 limit');
  });
});
