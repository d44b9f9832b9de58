import { qualifiedScope } from './applicable.ts';
import type { BudgetConfig } from '../config/schema.ts';
import { isOverlay, type ActiveBudget, type StoredBudget } from './store.ts';

/** Where a budget in force comes from. */
export type BudgetSource = 'config' | 'api' | 'config-replaced';

/**
 * The budgets in force: the config file's (in file order, each replaced by a stored definition of
 * the same id, hidden by a `deleted` overlay, or carrying an overlay's reset time), then the ones
 * made through the admin API. Pure.
 */
export function resolveBudgets(configBudgets: readonly BudgetConfig[], stored: readonly StoredBudget[]): ActiveBudget[] {
  const byId = new Map(stored.map((row) => [row.id, row]));
  const configIds = new Set(configBudgets.map((b) => b.id));
  const fromConfig: ActiveBudget[] = [];
  for (const budget of configBudgets) {
    const row = byId.get(budget.id);
    if (!row) fromConfig.push(budget);
    else if (!isOverlay(row)) fromConfig.push(row);
    else if (!row.deleted) fromConfig.push(row.resetAtMs ? { ...budget, resetAtMs: row.resetAtMs } : budget);
  }
  const fromApi = stored.filter((row): row is ActiveBudget => !isOverlay(row) && !configIds.has(row.id));
  return [...fromConfig, ...fromApi];
}

export function sourceOf(id: string, configBudgets: readonly BudgetConfig[], stored: readonly StoredBudget[]): BudgetSource {
  const inConfig = configBudgets.some((b) => b.id === id);
  const row = stored.find((r) => r.id === id);
  if (!inConfig) return 'api';
  return row && !isOverlay(row) ? 'config-replaced' : 'config';
}

/**
 * The org a budget belongs to, for org-confined admins: its `org` qualification (added by
 * tenancy) when present, else the org an `org`-scoped budget covers. Undefined: the operator's.
 */
export function budgetOrg(budget: Pick<BudgetConfig, 'scope' | 'value' | 'org'>): string | undefined {
  const { org } = qualifiedScope(budget);
  if (org !== undefined) return org;
  return budget.scope === 'org' ? budget.value : undefined;
}

/** A definition as the admin API shows it: override tokens are never echoed. */
export function redacted<T extends { overrideToken?: string | undefined }>(budget: T): T {
  return budget.overrideToken === undefined ? budget : { ...budget, overrideToken: '(set)' };
}

/** What deleting a budget does to the store: an admin-made one goes; a config one gets a `deleted` overlay (it stays off after a restart). Pure. */
export function deletion(id: string, configBudgets: readonly BudgetConfig[]): { remove: true } | { remove: false; row: StoredBudget } {
  return configBudgets.some((b) => b.id === id) ? { remove: false, row: { id, overlay: true, deleted: true } } : { remove: true };
}

/** The stored row after a reset at `atMs`: the stored definition with the time, else an overlay on the config budget. Pure. */
export function resetRow(id: string, stored: readonly StoredBudget[], atMs: number): StoredBudget {
  const row = stored.find((r) => r.id === id);
  if (row && !isOverlay(row)) return { ...row, resetAtMs: atMs };
  return { id, overlay: true, resetAtMs: atMs };
}
