import { formatUsd, usdToNano } from '../domain/money.ts';
import type { AlertNotifier } from './alerts.ts';
import type { ActiveBudget } from './store.ts';
import { burnRate } from './burn-rate.ts';
import { highestReached } from './decide.ts';
import type { SpendProjection } from '../domain/spend-projection.ts';
import type { BudgetWindow } from './windows.ts';

export type AlertToRaise = Parameters<AlertNotifier['raise']>[0];

/** A budget's spend as an alert check reads it. */
export interface AlertReading {
  window: BudgetWindow;
  nowMs: number;
  /** Spent and reserved, with the whole period's fixed costs. */
  spentNano: number;
  /** Fixed costs accrued up to now, and committed for the whole period. */
  fixedNowNano: number;
  committedNano: number;
  /** Whether burn-rate alerts are on (`alerts.burnRate`). */
  burnRate: boolean;
  /** The forecast's end-of-period projection, when the history allows one; else the straight line is used. */
  projection?: SpendProjection | undefined;
}

/**
 * The threshold, exhaustion and burn-rate alerts a budget's spend calls for, in the order they are
 * raised (the notifier deduplicates per budget, window start and kind). Pure.
 */
export function alertsDue(budget: ActiveBudget, reading: AlertReading): AlertToRaise[] {
  const { window, nowMs: now, spentNano: spent, fixedNowNano: fixed, committedNano: committed } = reading;
  const due: AlertToRaise[] = [];
  const limit = usdToNano(budget.limitUsd);
  const exhausted = spent >= limit;
  // After a run-time reset the period's alerts start again (they are kept per window start).
  const since = Math.max(window.startMs, budget.resetAtMs ?? 0);
  // One alert for a jump over several thresholds: the highest reached (lower ones are implied).
  // Exhaustion is said as such, once; it stands for every threshold up to 100%.
  const highest = highestReached(budget.thresholds, spent, limit);
  if (exhausted) {
    due.push({
      timeMs: now,
      budgetId: budget.id,
      windowStartMs: since,
      kind: 'exhausted',
      spentNano: spent,
      limitNano: limit,
      message:
        `Budget ${budget.id}: exhausted at ${new Date(now).toISOString()} — $${formatUsd(spent)} of $${formatUsd(limit)} (${((spent / limit) * 100).toFixed(1)}%)` +
        (budget.period === 'rolling' ? '' : `, before its period ends (${new Date(window.endMs).toISOString()})`),
    });
  }
  if (highest && (!exhausted || highest.percent > 100)) {
    due.push({ timeMs: now, budgetId: budget.id, windowStartMs: since, kind: `threshold:${highest.percent}`, spentNano: spent, limitNano: limit });
  }
  if (reading.burnRate && budget.period !== 'rolling' && !exhausted && now - window.startMs > (window.endMs - window.startMs) * 0.02) {
    const projection = reading.projection;
    // The forecast's mean path, when there is one (its seasonality and trend, not the average so far,
    // say when; the interval says how sure that is); else a straight line through the spend so far.
    const rate = projection ? undefined : burnRate({ startMs: since, endMs: window.endMs, nowMs: now, variableNano: spent - committed, fixedNowNano: fixed, fixedEndNano: committed, limitNano: limit });
    const exhaustionAtMs = projection ? projection.exhaustionAtMs : rate?.exhaustionAtMs;
    if (exhaustionAtMs !== null && exhaustionAtMs !== undefined && exhaustionAtMs > now && exhaustionAtMs < window.endMs) {
      const pace = projection
        ? `the forecast (${projection.model}) projects $${formatUsd(projection.projectedNano)} by the period's end (80%: $${formatUsd(projection.lo80Nano)}–$${formatUsd(projection.hi80Nano)}) against $${formatUsd(limit)}; it`
        : `at $${formatUsd(rate!.perHourNano)}/hour it`;
      due.push({
        timeMs: now,
        budgetId: budget.id,
        windowStartMs: since,
        kind: 'burn-rate',
        spentNano: spent,
        limitNano: limit,
        message: `Budget ${budget.id}: ${pace} runs out at ${new Date(exhaustionAtMs).toISOString()}, before its period ends (${new Date(window.endMs).toISOString()})`,
      });
    }
  }
  return due;
}

/** The audit message of a run-time reset (who, when, spent before). Pure. */
export function resetMessage(budget: Pick<ActiveBudget, 'id' | 'limitUsd'>, by: string, spentBeforeUsd: string, atMs: number): string {
  const when = new Date(atMs).toISOString();
  return `Budget ${budget.id}: reset by ${by} at ${when}; $${spentBeforeUsd} of $${formatUsd(usdToNano(budget.limitUsd))} had been spent in the period`;
}
