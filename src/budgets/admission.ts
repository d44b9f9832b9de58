import type { BudgetConfig, TollgateConfig } from '../config/schema.ts';
import type { Target } from '../domain/request.ts';
import type { ReserveCheck } from './counters/types.ts';
import { decide, type Priority } from './decide.ts';
import { countsToward } from './fixed-accrual.ts';
import type { BudgetGrant } from './grant.ts';
import { limitNanoOf } from './limit-nano.ts';
import type { OverrideTokens } from './override.ts';
import type { BudgetWindow } from './windows.ts';

/** What admission returns: the targets to try (after a downgrade, another model's) and the grant. */
export interface Admission {
  chain: Target[];
  grant: BudgetGrant | undefined;
}

export type Decision = ReturnType<typeof decide>;

/** `x-tollgate-priority`: `low`, `high`, else normal. Pure. */
export function parsePriority(value: string | undefined): Priority {
  return value === 'low' || value === 'high' ? value : 'normal';
}

/** The override tokens the operator configured (global, and per org). Pure. */
export function overrideTokensOf(enforcement: Pick<TollgateConfig['enforcement'], 'overrideToken' | 'orgOverrideTokens'>): OverrideTokens {
  const { overrideToken, orgOverrideTokens } = enforcement;
  return { global: overrideToken, byOrg: orgOverrideTokens ?? {} };
}

/**
 * The reservation each applicable budget is asked for: the request's worst case (nothing when the
 * budget already holds a local node's hours), against its limit and the whole period's fixed costs. Pure.
 */
export function reserveChecks(
  budgets: readonly BudgetConfig[],
  windows: readonly BudgetWindow[],
  fixedNano: (budget: BudgetConfig, window: BudgetWindow, atMs: number) => number,
  worst: number,
  local: boolean,
  forced: ReadonlySet<string>,
): ReserveCheck[] {
  return budgets.map((budget, index) => ({
    budgetId: budget.id,
    buckets: windows[index]!.buckets,
    limitNano: limitNanoOf(budget),
    // Fixed costs are commitments: the whole period's share counts from day one, so "$30/month" is a total.
    fixedNano: fixedNano(budget, windows[index]!, windows[index]!.endMs),
    amountNano: countsToward(budget, local) ? worst : 0,
    force: forced.has(budget.id),
  }));
}

/**
 * Thresholds below 100% (downgrade early, hold low-priority work, block) apply even when it fits;
 * an overridden budget says nothing. Pure.
 */
export function thresholdDecisions(budgets: readonly BudgetConfig[], checks: readonly ReserveCheck[], used: readonly number[], worst: number, priority: Priority, forced: ReadonlySet<string>): Decision[] {
  return budgets.map((budget, index) =>
    forced.has(budget.id) ? { action: 'allow' as const, threshold: undefined } : decide(budget.thresholds, used[index]!, worst, checks[index]!.limitNano, priority),
  );
}

/** The decision that applies although the request fits: a downgrade first, then a queue, then a block threshold below 100%. Pure. */
export function pickEarly(budgets: BudgetConfig[], decisions: Decision[]): { budget: BudgetConfig; decision: Decision; index: number } | undefined {
  for (const action of ['downgrade', 'queue', 'block'] as const) {
    const index = decisions.findIndex((d) => d.action === action && (action !== 'block' || (d.threshold !== undefined && d.threshold.percent < 100)));
    if (index >= 0) return { budget: budgets[index]!, decision: decisions[index]!, index };
  }
  return undefined;
}
