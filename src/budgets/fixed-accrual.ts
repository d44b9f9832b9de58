import type { BudgetConfig, TollgateConfig } from '../config/schema.ts';
import { formatUsd, usdToNano } from '../domain/money.ts';
import { accruedNanoUsd, type CostLine } from '../pricing/fixed-costs.ts';
import { budgetWindow, type BudgetWindow } from './windows.ts';

/** The fixed-cost lines budgets may include: the configured fixed costs and the local nodes' hours. Pure. */
export function fixedCostLines(config: Pick<TollgateConfig, 'pricing'>): CostLine[] {
  return [
    ...config.pricing.fixedCosts.map((line) => ({ name: line.name, project: line.project, monthlyUsd: line.monthlyUsd })),
    ...config.pricing.localNodes.map((node) => ({ name: `node ${node.id}`, hourlyUsd: node.hourlyUsd })),
  ];
}

/** Providers that run on local nodes: their hours are fixed costs, their requests the "local share". Pure. */
export function localProviderIds(config: Pick<TollgateConfig, 'providers'>): Set<string> {
  return new Set(Object.entries(config.providers).filter(([, p]) => p.node).map(([id]) => id));
}

/** Fixed costs accrued in a budget's window up to `atMs` (0 unless the budget includes them). Pure. */
export function fixedNanoOf(lines: readonly CostLine[], budget: BudgetConfig, window: BudgetWindow, atMs: number): number {
  if (!budget.includeFixedCosts) return 0;
  const covered = budget.scope === 'project' ? lines.filter((line) => !line.project || line.project === budget.value) : lines;
  return accruedNanoUsd(covered, window.startMs, atMs);
}

/** A budget that includes fixed costs has the local nodes' hours already: their requests add nothing to it. Pure. */
export function countsToward(budget: Pick<BudgetConfig, 'includeFixedCosts'>, local: boolean): boolean {
  return !(budget.includeFixedCosts && local);
}

/** Budgets whose fixed costs alone take most or all of their limit over a full period (reported at start-up). Pure. */
export function fixedCostWarnings(lines: readonly CostLine[], budgets: readonly BudgetConfig[], nowMs: number): string[] {
  const warnings: string[] = [];
  for (const budget of budgets) {
    if (!budget.includeFixedCosts) continue;
    const window = budgetWindow(budget, nowMs);
    const fixed = fixedNanoOf(lines, budget, window, window.endMs);
    const limit = usdToNano(budget.limitUsd);
    const share = fixed / limit;
    if (share >= 1) warnings.push(`budget ${budget.id}: fixed costs alone ($${formatUsd(fixed)}) consume its $${formatUsd(limit)} limit: every metered request will be refused`);
    else if (share >= 0.8) warnings.push(`budget ${budget.id}: fixed costs take ${(share * 100).toFixed(1)}% ($${formatUsd(fixed)} of $${formatUsd(limit)}), leaving $${formatUsd(limit - fixed)} for requests`);
  }
  return warnings;
}
