import { MAX_BUDGET_LIMIT_USD, MIN_BUDGET_LIMIT_USD } from '../config/schema.ts';
import { isOverlay, type StoredBudget } from './store.ts';

/** A stored budget whose limit is outside what a budget may have, and what is enforced instead. */
export interface StoredLimitProblem {
  id: string;
  /** The limit as stored (JSON: a NaN or an unreadable value shows as null). */
  storedLimitUsd: unknown;
  /** The limit in force instead. */
  limitUsd: number;
  /** `clamped`: the nearest limit a budget may have; `fail-closed`: the smallest, so the budget refuses spend in its scope until fixed. */
  action: 'clamped' | 'fail-closed';
  message: string;
}

/**
 * Budget rows come back from the store as stored, possibly before the limit range was enforced
 * (MIN_BUDGET_LIMIT_USD..MAX_BUDGET_LIMIT_USD), or edited by hand. A limit out of range is never
 * left to crash the request path or to switch the budget off:
 * - above the maximum (or infinite): clamped to the maximum (the intent, a very large limit, is kept, and the
 *   budget still counts and alerts);
 * - positive but under one nano-dollar: raised to one nano-dollar (it counted as zero anyway);
 * - null, NaN, zero, negative, not a number, missing: fail closed at one nano-dollar, so the budget
 *   refuses spending in its scope (as a spent-out budget would) until an admin sets a limit; the
 *   operator asked for a budget there, and guessing a larger limit could let unbudgeted spend through.
 * The row in the store is left as it is (the problem stays visible until fixed). Pure.
 */
export function checkStoredLimits(rows: readonly StoredBudget[]): { rows: StoredBudget[]; problems: StoredLimitProblem[] } {
  const problems: StoredLimitProblem[] = [];
  const checked = rows.map((row) => {
    if (isOverlay(row)) return row;
    const stored: unknown = row.limitUsd;
    if (typeof stored === 'number' && stored >= MIN_BUDGET_LIMIT_USD && stored <= MAX_BUDGET_LIMIT_USD) return row;
    const problem = problemOf(row.id, stored);
    problems.push(problem);
    return { ...row, limitUsd: problem.limitUsd };
  });
  return { rows: checked, problems };
}

function problemOf(id: string, stored: unknown): StoredLimitProblem {
  const shown = typeof stored === 'number' && !Number.isFinite(stored) ? String(stored) : JSON.stringify(stored) ?? 'missing';
  if (typeof stored === 'number' && stored > MAX_BUDGET_LIMIT_USD) {
    return { id, storedLimitUsd: stored, limitUsd: MAX_BUDGET_LIMIT_USD, action: 'clamped', message: `budget ${id}: stored limitUsd ${shown} is above the maximum; ${MAX_BUDGET_LIMIT_USD} is enforced until it is changed` };
  }
  if (typeof stored === 'number' && stored > 0) {
    return { id, storedLimitUsd: stored, limitUsd: MIN_BUDGET_LIMIT_USD, action: 'clamped', message: `budget ${id}: stored limitUsd ${shown} is under one nano-dollar; ${MIN_BUDGET_LIMIT_USD.toFixed(9)} is enforced until it is changed` };
  }
  return {
    id,
    storedLimitUsd: stored ?? null,
    limitUsd: MIN_BUDGET_LIMIT_USD,
    action: 'fail-closed',
    message: `budget ${id}: stored limitUsd ${shown} is not a positive amount; the budget fails closed (one nano-dollar, spending in its scope is refused) until its limit is set (PATCH /api/budgets/${id})`,
  };
}
