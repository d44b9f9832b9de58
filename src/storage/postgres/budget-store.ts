import type pg from 'pg';
import type { BudgetStore, StoredBudget } from '../../budgets/store.ts';
import { rowToAlert } from '../sqlite/budget-store.ts';

export function createPostgresBudgetStore(pool: pg.Pool): BudgetStore {
  return {
    async insertAlert(a) {
      const result = await pool.query(
        `INSERT INTO budget_alerts (id, time_ms, budget_id, window_start_ms, kind, spent_nano, limit_nano, message) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (budget_id, window_start_ms, kind) DO NOTHING`,
        [a.id, a.timeMs, a.budgetId, a.windowStartMs, a.kind, a.spentNano, a.limitNano, a.message],
      );
      return result.rowCount === 1;
    },
    async listAlerts(limit, budgetIds) {
      if (budgetIds && budgetIds.length === 0) return [];
      const { rows } = budgetIds
        ? await pool.query('SELECT * FROM budget_alerts WHERE budget_id = ANY($2) ORDER BY time_ms DESC, id LIMIT $1', [limit, budgetIds])
        : await pool.query('SELECT * FROM budget_alerts ORDER BY time_ms DESC, id LIMIT $1', [limit]);
      return rows.map(rowToAlert);
    },
    async listBudgets() {
      const { rows } = await pool.query('SELECT definition FROM budgets ORDER BY id');
      return rows.map((row) => row.definition as StoredBudget);
    },
    async saveBudget(budget) {
      await pool.query(
        'INSERT INTO budgets (id, definition, updated_at_ms) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET definition = excluded.definition, updated_at_ms = excluded.updated_at_ms',
        [budget.id, JSON.stringify(budget), Date.now()],
      );
    },
    async deleteBudget(id) {
      return (await pool.query('DELETE FROM budgets WHERE id = $1', [id])).rowCount === 1;
    },
  };
}
