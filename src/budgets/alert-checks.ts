import type { BudgetConfig, TollgateConfig } from '../config/schema.ts';
import { usdToNano } from '../domain/money.ts';
import type { AlertNotifier } from './alerts.ts';
import { alertsDue } from './alert-evaluation.ts';
import type { BudgetCounters } from './counters/types.ts';
import { scopeFilter } from './scope-filter.ts';
import type { SpendProjector } from './spend-projector.ts';
import type { ActiveBudget } from './store.ts';
import { budgetWindow, type BudgetWindow } from './windows.ts';

export interface AlertChecksOptions {
  config: Pick<TollgateConfig, 'alerts'>;
  counters: BudgetCounters;
  alerts: AlertNotifier;
  now: () => number;
  log: (line: string) => void;
  fixedNano: (budget: BudgetConfig, window: BudgetWindow, atMs: number) => number;
  /** The forecast's end-of-period projection for burn-rate alerts (wired by the runtime); without one, a straight line. */
  projector?: SpendProjector | undefined;
  /** Providers whose hours are fixed costs (left out of a budget's history when it counts fixed costs). */
  localProviders?: ReadonlySet<string> | undefined;
}

/**
 * Threshold and burn-rate alerts after a settle, throttled: at most one check per budget at a time,
 * at most one a second (each costs a counter read), with a trailing check so the last spend before
 * a quiet spell still raises its alert.
 */
export class AlertChecks {
  private readonly inFlight = new Set<string>();
  private readonly lastCheck = new Map<string, number>();
  private readonly trailing = new Map<string, NodeJS.Timeout>();

  constructor(private readonly options: AlertChecksOptions) {}

  async check(budgets: ActiveBudget[]): Promise<void> {
    const now = this.options.now();
    for (const budget of budgets) {
      if (this.inFlight.has(budget.id)) continue;
      const wait = 1_000 - (Date.now() - (this.lastCheck.get(budget.id) ?? -Infinity));
      if (wait > 0) {
        // A trailing check, so the last spend before a quiet spell still raises its alert.
        if (!this.trailing.has(budget.id)) {
          const timer = setTimeout(() => {
            this.trailing.delete(budget.id);
            void this.check([budget]);
          }, wait);
          timer.unref();
          this.trailing.set(budget.id, timer);
        }
        continue;
      }
      this.lastCheck.set(budget.id, Date.now());
      this.inFlight.add(budget.id);
      try {
        const window = budgetWindow(budget, now);
        const fixed = this.options.fixedNano(budget, window, now);
        const committed = this.options.fixedNano(budget, window, window.endMs);
        const [used] = await this.options.counters.peek([{ budgetId: budget.id, buckets: window.buckets, fixedNano: committed }], now);
        const burnRate = Boolean(this.options.config.alerts.burnRate);
        const projection = burnRate && budget.period !== 'rolling' ? await this.project(budget, window, now, used ?? 0) : undefined;
        const due = alertsDue(budget, { window, nowMs: now, spentNano: used ?? 0, fixedNowNano: fixed, committedNano: committed, burnRate, projection });
        for (const alert of due) await this.options.alerts.raise(alert);
      } catch (error) {
        this.options.log(`budget alert check failed: ${(error as Error).message}`);
      } finally {
        this.inFlight.delete(budget.id);
      }
    }
  }

  /**
   * The forecast's projection, or undefined (no projector, too little history, or it failed: the
   * straight line then). Budget status shows the same projection (see BudgetEnforcer.status).
   */
  async project(budget: ActiveBudget, window: BudgetWindow, nowMs: number, spentNano: number) {
    const projector = this.options.projector;
    if (!projector) return undefined;
    try {
      const exclude = budget.includeFixedCosts ? [...(this.options.localProviders ?? [])] : [];
      const filter = { ...scopeFilter(budget), ...(exclude.length > 0 ? { excludeProviders: exclude } : {}) };
      return await projector.project({ filter, nowMs, periodEndMs: window.endMs, spentNano, limitNano: usdToNano(budget.limitUsd) });
    } catch (error) {
      this.options.log(`budget ${budget.id}: forecast projection failed, using the straight line: ${(error as Error).message}`);
      return undefined;
    }
  }
}
