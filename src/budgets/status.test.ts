import { describe, expect, it } from 'vitest';
import type { BudgetConfig } from '../config/schema.ts';
import { budgetGauges, budgetStatus, periodLabel } from './status.ts';
import { budgetWindow } from './windows.ts';

const budget: BudgetConfig = {
  id: 'team',
  scope: 'project',
  value: 'acme/web',
  period: 'monthly',
  timezone: 'UTC',
  limitUsd: 100,
  includeFixedCosts: false,
  thresholds: [],
  onCounterFailure: 'fail-open',
};
const now = Date.parse('2026-11-16T00:00:00Z');

describe('budget status', () => {
  it('reports spend, remaining and exhaustion from a reading', () => {
    const window = budgetWindow(budget, now);
    const status = budgetStatus(budget, { window, usedNano: 25_000_000_000, fixedNano: 0, accruedNano: 0, reservedNano: 0 }, now, 'config');
    expect(status).toMatchObject({ id: 'team', org: 'acme', period: 'monthly', usedUsd: '25', remainingUsd: '75', percent: 25, exhausted: false, source: 'config', resetAt: null });
    expect(budgetStatus(budget, { window, usedNano: 100_000_000_000, fixedNano: 0, accruedNano: 0, reservedNano: 0 }, now, 'api')).toMatchObject({ exhausted: true, exhaustionAt: null });
  });
  it('labels rolling periods by their hours', () => {
    expect(periodLabel({ period: 'rolling', rollingHours: 24 })).toBe('rolling 24h');
  });
  it('splits the gauges into spent and reserved', () => {
    expect(budgetGauges([budget], [30], [10])).toEqual([{ budget: 'team', spentNano: 20, reservedNano: 10, limitNano: 100_000_000_000 }]);
  });
});
