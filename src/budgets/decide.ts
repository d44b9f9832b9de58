import type { BudgetAction, BudgetThreshold } from '../config/schema.ts';

export type Priority = 'low' | 'normal' | 'high';

export interface ThresholdDecision {
  action: 'allow' | Exclude<BudgetAction, 'alert'>;
  threshold: BudgetThreshold | undefined;
}

/**
 * What a budget says about a request, before reserving. Pure.
 * - The thresholds that count are those at or below the projected use (used + this request's
 *   worst case, in percent of the limit) and that apply to the request's priority; the highest decides.
 * - Actions stack by priority: `queue` holds only low-priority work, and a queue threshold does not
 *   switch off a lower `downgrade` for the normal and high priority work it does not hold.
 * - A `block` threshold below 100% refuses from there on.
 * - Over 100% the budget cannot take the request: its action is the highest applying threshold's
 *   (`downgrade` or `queue`), else `block`. Whether it really fits is decided by the atomic
 *   reservation, never here.
 */
export function decide(thresholds: readonly BudgetThreshold[], usedNano: number, worstCaseNano: number, limitNano: number, priority: Priority): ThresholdDecision {
  const projectedPercent = ((usedNano + worstCaseNano) / limitNano) * 100;
  // One pass, no arrays: the highest applying threshold (the first of equals, as a stable sort gave).
  let active: BudgetThreshold | undefined;
  for (const threshold of thresholds) {
    if (threshold.action === 'alert' || !(threshold.percent <= projectedPercent) || (threshold.action === 'queue' && priority !== 'low')) continue;
    if (active === undefined || threshold.percent > active.percent) active = threshold;
  }
  const over = usedNano + worstCaseNano > limitNano;
  if (!active) return { action: over ? 'block' : 'allow', threshold: undefined };
  return { action: active.action as ThresholdDecision['action'], threshold: active };
}

/** Thresholds crossed by going from `beforeNano` to `afterNano` of use, lowest first. Pure. */
export function crossedThresholds(thresholds: readonly BudgetThreshold[], beforeNano: number, afterNano: number, limitNano: number): BudgetThreshold[] {
  const before = (beforeNano / limitNano) * 100;
  const after = (afterNano / limitNano) * 100;
  return thresholds.filter((threshold) => threshold.percent > before && threshold.percent <= after).sort((a, b) => a.percent - b.percent);
}

/** The highest threshold reached at `usedNano` (the one alert to raise after a jump over several). Pure. */
export function highestReached(thresholds: readonly BudgetThreshold[], usedNano: number, limitNano: number): BudgetThreshold | undefined {
  const percent = (usedNano / limitNano) * 100;
  return thresholds.filter((threshold) => threshold.percent <= percent).sort((a, b) => b.percent - a.percent)[0];
}
