import type { BudgetAction, BudgetThreshold } from '../config/schema.ts';

export type Priority = 'low' | 'normal' | 'high';

export interface ThresholdDecision {
  action: 'allow' | Exclude<BudgetAction, 'alert'>;
  threshold: BudgetThreshold | undefined;
}

/**
 * What a budget says about a request, before reserving. Pure.
 * - The thresholds that count are those at or below the projected use (used + this request's
 *   worst case, in percent of the limit); the highest non-alert one decides.
 * - `queue` holds only low-priority work; normal and high priority pass below 100%.
 * - Over 100% the budget cannot take the request: its action is the highest non-alert
 *   threshold's (`downgrade` or `queue`), else `block`. Whether it really fits is decided by the
 *   atomic reservation, never here.
 */
export function decide(thresholds: readonly BudgetThreshold[], usedNano: number, worstCaseNano: number, limitNano: number, priority: Priority): ThresholdDecision {
  const projectedPercent = ((usedNano + worstCaseNano) / limitNano) * 100;
  const active = thresholds
    .filter((threshold) => threshold.action !== 'alert' && threshold.percent <= projectedPercent)
    .sort((a, b) => b.percent - a.percent)[0];
  const over = usedNano + worstCaseNano > limitNano;
  if (!active) return { action: over ? 'block' : 'allow', threshold: undefined };
  if (active.action === 'queue' && priority !== 'low') return { action: over ? 'block' : 'allow', threshold: over ? active : undefined };
  return { action: active.action as ThresholdDecision['action'], threshold: active };
}

/** Alert thresholds crossed by going from `beforeNano` to `afterNano` of use. Pure. */
export function crossedThresholds(thresholds: readonly BudgetThreshold[], beforeNano: number, afterNano: number, limitNano: number): BudgetThreshold[] {
  const before = (beforeNano / limitNano) * 100;
  const after = (afterNano / limitNano) * 100;
  return thresholds.filter((threshold) => threshold.percent > before && threshold.percent <= after);
}
