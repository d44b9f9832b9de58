import type { BudgetConfig } from '../config/schema.ts';

/** An alert as delivered and kept: thresholds, exhaustion, burn-rate warnings, override uses; one per budget, window and kind. */
export interface BudgetAlert {
  id: string;
  timeMs: number;
  budgetId: string;
  windowStartMs: number;
  /** `threshold:80`, `exhausted`, `burn-rate`, `fixed-costs`, `override:<request id>`, `reset:<time>`. */
  kind: string;
  spentNano: number;
  limitNano: number;
  message: string;
}

/** A budget in force: its definition, and when its current spend was last reset at run time. */
export type ActiveBudget = BudgetConfig & { resetAtMs?: number | undefined };

/**
 * Run-time state over a budget of the config file, which the file itself does not change: deleted
 * (disabled until re-created), or reset at a time. Kept in the store so it survives a restart.
 */
export interface BudgetOverlay {
  id: string;
  overlay: true;
  deleted?: boolean;
  resetAtMs?: number;
}

/**
 * A stored budget row: a definition made through the admin API or CLI (or replacing a config
 * budget's, after a PUT or PATCH), or an overlay on a config budget.
 */
export type StoredBudget = ActiveBudget | BudgetOverlay;

export function isOverlay(row: StoredBudget): row is BudgetOverlay {
  return (row as BudgetOverlay).overlay === true;
}

/** Alerts and stored budgets, in the gateway's store (SQLite or PostgreSQL). */
export interface BudgetStore {
  /** Inserts unless an alert with the same budget, window and kind exists; true when inserted (dedup across instances). */
  insertAlert(alert: BudgetAlert): Promise<boolean>;
  /** Newest first; only these budgets' alerts when `budgetIds` is given. */
  listAlerts(limit: number, budgetIds?: readonly string[]): Promise<BudgetAlert[]>;
  listBudgets(): Promise<StoredBudget[]>;
  saveBudget(budget: StoredBudget): Promise<void>;
  deleteBudget(id: string): Promise<boolean>;
}
