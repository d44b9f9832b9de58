import type { BudgetAlert, BudgetStore, StoredBudget } from '../../budgets/store.ts';
import type { SqliteDatabase } from './open.ts';

type Row = Record<string, unknown>;

export function rowToAlert(row: Row): BudgetAlert {
  return {
    id: String(row.id),
    timeMs: Number(row.time_ms),
    budgetId: String(row.budget_id),
    windowStartMs: Number(row.window_start_ms),
    kind: String(row.kind),
    spentNano: Number(row.spent_nano),
    limitNano: Number(row.limit_nano),
    message: String(row.message),
  };
}

export function createSqliteBudgetStore(db: SqliteDatabase): BudgetStore {
  const insert = db.prepare(
    `INSERT INTO budget_alerts (id, time_ms, budget_id, window_start_ms, kind, spent_nano, limit_nano, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (budget_id, window_start_ms, kind) DO NOTHING`,
  );
  return {
    async insertAlert(a) {
      return insert.run(a.id, a.timeMs, a.budgetId, a.windowStartMs, a.kind, a.spentNano, a.limitNano, a.message).changes === 1;
    },
    async listAlerts(limit, budgetIds) {
      if (budgetIds && budgetIds.length === 0) return [];
      const where = budgetIds ? `WHERE budget_id IN (${budgetIds.map(() => '?').join(', ')})` : '';
      return (db.prepare(`SELECT * FROM budget_alerts ${where} ORDER BY time_ms DESC, id LIMIT ?`).all(...(budgetIds ?? []), limit) as Row[]).map(rowToAlert);
    },
    async listBudgets() {
      return (db.prepare('SELECT definition FROM budgets ORDER BY id').all() as Row[]).map((row) => JSON.parse(String(row.definition)) as StoredBudget);
    },
    async saveBudget(budget) {
      db.prepare('INSERT INTO budgets (id, definition, updated_at_ms) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET definition = excluded.definition, updated_at_ms = excluded.updated_at_ms').run(
        budget.id,
        JSON.stringify(budget),
        Date.now(),
      );
    },
    async deleteBudget(id) {
      return db.prepare('DELETE FROM budgets WHERE id = ?').run(id).changes === 1;
    },
  };
}
