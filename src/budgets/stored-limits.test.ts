import { describe, expect, it } from 'vitest';
import { budgetSchema, MAX_BUDGET_LIMIT_USD, MIN_BUDGET_LIMIT_USD } from '../config/schema.ts';
import { checkStoredLimits } from './stored-limits.ts';
import type { StoredBudget } from './store.ts';

const budget = (limitUsd: unknown): StoredBudget => ({ ...budgetSchema.parse({ id: 'b', scope: 'global', period: 'daily', limitUsd: 1 }), limitUsd } as unknown as StoredBudget);

describe('stored budget limits re-checked on load', () => {
  it.each([
    [NaN, MIN_BUDGET_LIMIT_USD, 'fail-closed'],
    [null, MIN_BUDGET_LIMIT_USD, 'fail-closed'],
    [undefined, MIN_BUDGET_LIMIT_USD, 'fail-closed'],
    [-1, MIN_BUDGET_LIMIT_USD, 'fail-closed'],
    [0, MIN_BUDGET_LIMIT_USD, 'fail-closed'],
    [-Infinity, MIN_BUDGET_LIMIT_USD, 'fail-closed'],
    ['12', MIN_BUDGET_LIMIT_USD, 'fail-closed'],
    [Infinity, MAX_BUDGET_LIMIT_USD, 'clamped'],
    [MAX_BUDGET_LIMIT_USD + 1, MAX_BUDGET_LIMIT_USD, 'clamped'],
    [1e-12, MIN_BUDGET_LIMIT_USD, 'clamped'],
  ])('limitUsd %s: %s is enforced (%s)', (stored, enforced, action) => {
    const { rows, problems } = checkStoredLimits([budget(stored)]);
    expect((rows[0] as { limitUsd: number }).limitUsd).toBe(enforced);
    expect(problems).toEqual([expect.objectContaining({ id: 'b', action, limitUsd: enforced })]);
  });

  it('limits in range, and overlays, are kept as they are (the same objects)', () => {
    const rows: StoredBudget[] = [budget(MIN_BUDGET_LIMIT_USD), budget(MAX_BUDGET_LIMIT_USD), budget(12.5), { id: 'x', overlay: true, deleted: true }];
    const checked = checkStoredLimits(rows);
    expect(checked.problems).toEqual([]);
    checked.rows.forEach((row, index) => expect(row).toBe(rows[index]));
  });
});
