import type { BudgetConfig } from '../config/schema.ts';

/** An alert as delivered and kept: thresholds and burn-rate warnings, one per budget, window and kind. */
export interface BudgetAlert {
  id: string;
  timeMs: number;
  budgetId: string;
  windowStartMs: number;
  /** `threshold:80`, `burn-rate`, `fixed-costs`. */
  kind: string;
  spentNano: number;
  limitNano: number;
  message: string;
}

/** Alerts and admin-defined budgets, in the gateway's store (SQLite or PostgreSQL). */
export interface BudgetStore {
  /** Inserts unless an alert with the same budget, window and kind exists; true when inserted (dedup across instances). */
  insertAlert(alert: BudgetAlert): Promise<boolean>;
  listAlerts(limit: number): Promise<BudgetAlert[]>;
  /** Budgets created through the admin API or CLI (config budgets are not stored). */
  listBudgets(): Promise<BudgetConfig[]>;
  saveBudget(budget: BudgetConfig): Promise<void>;
  deleteBudget(id: string): Promise<boolean>;
}
