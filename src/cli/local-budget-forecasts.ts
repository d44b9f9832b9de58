import type { BudgetForecast } from '../analytics/forecast/forecast-report.ts';
import { createForecastProjector } from '../analytics/forecast/spend-projector.ts';
import { burnRate } from '../budgets/burn-rate.ts';
import { resolveBudgets } from '../budgets/definitions.ts';
import { scopeFilter } from '../budgets/scope-filter.ts';
import type { BudgetStore } from '../budgets/store.ts';
import { checkStoredLimits } from '../budgets/stored-limits.ts';
import { budgetWindow } from '../budgets/windows.ts';
import type { TollgateConfig } from '../config/schema.ts';
import { usdToNano } from '../domain/money.ts';
import type { LedgerStore } from '../ledger/store.ts';

const MAX_BUDGETS = 50;

/**
 * Budgets projected to their period's end without a running gateway: the config's and the store's
 * calendar budgets, their spend so far read from the ledger (no gateway means no reservations in
 * flight; fixed costs of local nodes are left out), and the same forecast projection the gateway
 * uses (in process here), or the straight line on short history. A stored limit out of range is
 * read as the gateway enforces it (see checkStoredLimits), never as a crash.
 */
export async function localBudgetForecasts(config: TollgateConfig, storage: { ledger: LedgerStore; budgets: BudgetStore }, nowMs: number): Promise<BudgetForecast[]> {
  const budgets = resolveBudgets(config.budgets, checkStoredLimits(await storage.budgets.listBudgets()).rows)
    .filter((budget) => budget.period !== 'rolling')
    .slice(0, MAX_BUDGETS);
  const projector = createForecastProjector(storage.ledger);
  const out: BudgetForecast[] = [];
  for (const budget of budgets) {
    const window = budgetWindow(budget, nowMs);
    const startMs = Math.max(window.startMs, budget.resetAtMs ?? 0);
    const filter = scopeFilter(budget);
    const rows = await storage.ledger.summarize([], { ...filter, fromMs: startMs, toMs: nowMs + 1 });
    const spentNano = rows.reduce((sum, row) => sum + row.costNanoUsd, 0);
    const limitNano = usdToNano(budget.limitUsd);
    const base = { budgetId: budget.id, periodEndMs: window.endMs, spentNanoUsd: spentNano, limitNanoUsd: limitNano };
    const projection = await projector.project({ filter, nowMs, periodEndMs: window.endMs, spentNano, limitNano });
    if (projection) {
      const { projectedNano, lo80Nano, hi80Nano, lo95Nano, hi95Nano, exhaustionAtMs, model } = projection;
      out.push({ ...base, projectedNanoUsd: projectedNano, lo80NanoUsd: lo80Nano, hi80NanoUsd: hi80Nano, lo95NanoUsd: lo95Nano, hi95NanoUsd: hi95Nano, exhaustionAtMs, method: `forecast (${model})` });
    } else {
      const rate = burnRate({ startMs, endMs: window.endMs, nowMs, variableNano: spentNano, fixedNowNano: 0, fixedEndNano: 0, limitNano });
      const exhaustionAtMs = rate.exhaustionAtMs !== undefined && rate.exhaustionAtMs < window.endMs ? rate.exhaustionAtMs : null;
      out.push({ ...base, projectedNanoUsd: rate.projectedNano, lo80NanoUsd: rate.projectedNano, hi80NanoUsd: rate.projectedNano, lo95NanoUsd: rate.projectedNano, hi95NanoUsd: rate.projectedNano, exhaustionAtMs, method: 'straight-line' });
    }
  }
  return out;
}
