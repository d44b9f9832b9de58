import type { Hono } from 'hono';
import { budgetSchema } from '../../config/schema.ts';
import { GatewayError } from '../../domain/errors.ts';
import type { Runtime } from '../../runtime/types.ts';
import type { GatewayEnv } from '../context.ts';
import { parseAdminBody } from './parse-admin-body.ts';

/** Budgets (status, create, delete) and the alerts they raised. */
export function registerBudgetRoutes(app: Hono<GatewayEnv>, runtime: Runtime): void {
  const enforcer = () => runtime.budgets;
  app.get('/api/budgets', async (c) => c.json({ data: await runtime.budgets.status() }));
  app.post('/api/budgets', async (c) => {
    const budgets = enforcer();
    const budget = await parseAdminBody(c.req.raw, budgetSchema);
    if (runtime.config.budgets.some((b) => b.id === budget.id)) throw new GatewayError('invalid_request', `Budget '${budget.id}' is defined in the config file; change it there`, { param: 'id' });
    await runtime.budgetStore.saveBudget(budget);
    budgets.setStoredBudgets(await runtime.budgetStore.listBudgets());
    await budgets.rebuild();
    runtime.announceBudgets();
    return c.json({ budget }, 201);
  });
  app.delete('/api/budgets/:id', async (c) => {
    const budgets = enforcer();
    const id = c.req.param('id');
    if (!(await runtime.budgetStore.deleteBudget(id))) throw new GatewayError('not_found', `No admin-defined budget with id ${id}`);
    budgets.setStoredBudgets(await runtime.budgetStore.listBudgets());
    runtime.announceBudgets();
    return c.json({ id, deleted: true });
  });
  app.get('/api/alerts', async (c) => {
    const limit = Math.min(Math.max(Number(c.req.query('limit') ?? 100) || 100, 1), 1000);
    return c.json({ data: await runtime.budgetStore.listAlerts(limit) });
  });
}
