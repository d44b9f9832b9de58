import type { BudgetConfig } from '../config/schema.ts';
import { formatUsd, usdToNano } from '../domain/money.ts';
import type { ActiveBudget } from './store.ts';
import { qualifiedScope } from './applicable.ts';
import { burnRate } from './burn-rate.ts';
import type { BudgetSource } from './definitions.ts';
import type { SpendProjection } from '../domain/spend-projection.ts';
import type { BudgetWindow } from './windows.ts';

export interface BudgetStatus {
  id: string;
  scope: string;
  value: string | null;
  /** The org the budget belongs to (from `org` or `value: org/name`); null when it covers every org. */
  org: string | null;
  period: string;
  windowStart: string;
  windowEnd: string;
  limitUsd: string;
  usedUsd: string;
  /**
   * The worst-case cost requests in flight hold reserved: counted in `usedUsd` while they run,
   * reconciled to the actual cost when they end.
   */
  reservedUsd: string;
  reservedNanoUsd: number;
  /** Fixed costs of the whole period (committed, counted in `usedUsd`) and accrued so far. */
  fixedUsd: string;
  fixedAccruedUsd: string;
  remainingUsd: string;
  percent: number;
  burnRatePerHourUsd: string;
  projectedUsd: string;
  /**
   * How `projectedUsd` and `exhaustionAt` were made: `forecast (<model>)`, the same seasonal forecast
   * burn-rate alerts use (calendar periods with enough history), or `straight-line` (the spend rate so far).
   */
  projectionMethod: string;
  /** Spend (with reservations and accrued fixed costs) has reached the limit. */
  exhausted: boolean;
  /** When the limit will be reached at the current burn rate, before the period ends; null when it will not or already was (`exhausted`). */
  exhaustionAt: string | null;
  /** `config`, `api`, or `config-replaced` (a config budget changed at run time). */
  source: BudgetSource;
  /** When the period's spend was last reset at run time (null: never in this definition). */
  resetAt: string | null;
}

/** What the counters and fixed costs say of one budget in its current window. */
export interface BudgetReading {
  window: BudgetWindow;
  /** Spent and reserved, with the whole period's fixed costs. */
  usedNano: number;
  /** Of which reserved by requests in flight. */
  reservedNano: number;
  /** Fixed costs of the whole period, and accrued up to now. */
  fixedNano: number;
  accruedNano: number;
}

/** The status of one budget from a reading of its counters. Pure. */
export function budgetStatus(budget: ActiveBudget, reading: BudgetReading, nowMs: number, source: BudgetSource): BudgetStatus {
  const { window, usedNano: u, fixedNano: fixed, accruedNano: accrued } = reading;
  const limit = usdToNano(budget.limitUsd);
  const rate = burnRate({ startMs: Math.max(window.startMs, budget.resetAtMs ?? 0), endMs: window.endMs, nowMs, variableNano: u - fixed, fixedNowNano: accrued, fixedEndNano: fixed, limitNano: limit });
  return {
    id: budget.id,
    scope: budget.scope,
    value: budget.value ?? null,
    org: qualifiedScope(budget).org ?? (budget.scope === 'org' ? (budget.value ?? null) : null),
    period: periodLabel(budget),
    windowStart: new Date(window.startMs).toISOString(),
    windowEnd: new Date(window.endMs).toISOString(),
    limitUsd: formatUsd(limit),
    usedUsd: formatUsd(u),
    reservedUsd: formatUsd(reading.reservedNano),
    reservedNanoUsd: reading.reservedNano,
    fixedUsd: formatUsd(fixed),
    fixedAccruedUsd: formatUsd(accrued),
    remainingUsd: formatUsd(Math.max(0, limit - u)),
    percent: Math.round((u / limit) * 10_000) / 100,
    burnRatePerHourUsd: formatUsd(rate.perHourNano),
    projectedUsd: formatUsd(rate.projectedNano),
    projectionMethod: 'straight-line',
    exhausted: u >= limit,
    exhaustionAt: u < limit && rate.exhaustionAtMs !== undefined && rate.exhaustionAtMs < window.endMs ? new Date(rate.exhaustionAtMs).toISOString() : null,
    source,
    resetAt: budget.resetAtMs ? new Date(budget.resetAtMs).toISOString() : null,
  };
}

/** A status with the forecast's end-of-period projection in place of the straight line. Pure. */
export function withForecastProjection(status: BudgetStatus, projection: SpendProjection, windowEndMs: number): BudgetStatus {
  const exhaustionAtMs = projection.exhaustionAtMs;
  return {
    ...status,
    projectedUsd: formatUsd(projection.projectedNano),
    projectionMethod: `forecast (${projection.model})`,
    exhaustionAt: !status.exhausted && exhaustionAtMs !== null && exhaustionAtMs < windowEndMs ? new Date(exhaustionAtMs).toISOString() : null,
  };
}

/** `daily`, `monthly`, … or `rolling 24h`. Pure. */
export function periodLabel(budget: Pick<BudgetConfig, 'period' | 'rollingHours'>): string {
  return budget.period === 'rolling' ? `rolling ${budget.rollingHours}h` : budget.period;
}

/** The /metrics gauges from the counters' full values (spent+reserved) and reservations alone. Pure. */
export function budgetGauges(
  budgets: readonly ActiveBudget[],
  full: readonly (number | undefined)[],
  reservedOnly: readonly (number | undefined)[],
): Array<{ budget: string; spentNano: number; reservedNano: number; limitNano: number }> {
  return budgets.map((budget, index) => {
    const reserved = reservedOnly[index] ?? 0;
    return { budget: budget.id, spentNano: (full[index] ?? 0) - reserved, reservedNano: reserved, limitNano: usdToNano(budget.limitUsd) };
  });
}
