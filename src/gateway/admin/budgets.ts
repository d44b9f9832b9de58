import type { Context, Hono } from 'hono';
import { budgetOrg, deletion, redacted, resetRow } from '../../budgets/definitions.ts';
import type { ActiveBudget } from '../../budgets/store.ts';
import { budgetSchema, type BudgetConfig } from '../../config/schema.ts';
import { seesOrg, type AdminPrincipal } from '../../domain/admin-principal.ts';
import { GatewayError } from '../../domain/errors.ts';
import type { Runtime } from '../runtime.ts';
import type { GatewayEnv } from '../context.ts';
import { readJsonBody } from '../read-json-body.ts';
import { ADMIN_BODY_LIMITS } from './parse-admin-body.ts';
import { adminOf, requireWriter } from './guard.ts';
import { queryLimit } from './query-limit.ts';
import { checkDowngradeTargets } from './downgrade-targets.ts';

/** Budgets in force at most (config and API), and made by one org's admins. */
const MAX_BUDGETS = 1_000;
const MAX_BUDGETS_PER_ORG = 100;

/**
 * Budgets: status, create (409 on an existing id), replace (PUT), merge (PATCH), delete, reset,
 * and the alerts they raised. Config-file budgets can be changed, deleted and reset at run time:
 * the change is kept in the store (it survives a restart) and reaches every instance sharing it.
 * Org-confined admins see and manage only their org's budgets.
 */
export function registerBudgetRoutes(app: Hono<GatewayEnv>, runtime: Runtime): void {
  const enforcer = () => runtime.budgets;
  /** A budget in force that the caller may see, else 404 (existence is not revealed). */
  const find = (c: Context<GatewayEnv>, id: string): ActiveBudget => {
    const budget = enforcer().all.find((b) => b.id === id);
    if (!budget || !seesOrg(adminOf(c), budgetOrg(budget))) throw new GatewayError('not_found', `Budget '${id}' not found`);
    return budget;
  };
  const apply = async () => {
    enforcer().setStoredBudgets(await runtime.budgetStore.listBudgets());
    await enforcer().rebuild();
    runtime.announceBudgets();
  };
  const save = async (c: Context<GatewayEnv>, budget: BudgetConfig, previous: ActiveBudget | undefined) => {
    mayManage(adminOf(c), budget);
    await runtime.budgetStore.saveBudget(previous?.resetAtMs ? { ...budget, resetAtMs: previous.resetAtMs } : budget);
    await apply();
  };

  /** Whether an id not in force still has history: a stored row (a deleted config budget), alerts, or spend in its window. */
  const usedBefore = async (budget: BudgetConfig): Promise<boolean> =>
    enforcer().stored.some((row) => row.id === budget.id) ||
    (await runtime.budgetStore.listAlerts(1, [budget.id])).length > 0 ||
    (await enforcer().countedUnder(budget)) > 0;

  app.get('/api/budgets', async (c) => {
    const admin = adminOf(c);
    const visible = new Set(enforcer().all.filter((b) => seesOrg(admin, budgetOrg(b))).map((b) => b.id));
    const data = (await enforcer().status({ forecast: true })).filter((s) => visible.has(s.id));
    // Stored limits out of range (clamped or failed closed at load): shown until an admin fixes them.
    const problems = enforcer().limitProblems.filter((p) => visible.has(p.id));
    return c.json(problems.length > 0 ? { data, problems } : { data });
  });
  app.get('/api/budgets/:id', async (c) => {
    const budget = find(c, c.req.param('id'));
    const { resetAtMs: _reset, ...definition } = budget;
    const status = (await enforcer().status({ forecast: true })).find((s) => s.id === budget.id);
    const problem = enforcer().limitProblems.find((p) => p.id === budget.id);
    return c.json(problem ? { budget: redacted(definition), status, problem } : { budget: redacted(definition), status });
  });
  app.post('/api/budgets', async (c) => {
    requireWriter(c);
    const budget = validate(await readJsonBody(c.req.raw, ADMIN_BODY_LIMITS), runtime.config);
    const existing = enforcer().all.find((b) => b.id === budget.id);
    if (existing) {
      // Someone else's org's budget answers the same: the id is taken.
      throw new GatewayError('invalid_request', `Budget '${budget.id}' already exists; change it with PUT or PATCH /api/budgets/${budget.id}`, { status: 409, param: 'id' });
    }
    // Every request checks every budget: an org cannot slow the others down by making thousands.
    const admin = adminOf(c);
    if (admin.orgId !== undefined && (await usedBefore(budget))) {
      // Alerts and spend counters are kept by budget id: a deleted budget's (maybe another org's) would become this one's.
      throw new GatewayError('invalid_request', `Budget id '${budget.id}' was used by a deleted budget (its alerts and spend stay with that id); choose another id`, { status: 409, param: 'id' });
    }
    if (enforcer().all.length >= MAX_BUDGETS) throw new GatewayError('invalid_request', `At most ${MAX_BUDGETS} budgets can be in force`, { param: 'id' });
    if (admin.orgId !== undefined && enforcer().all.filter((b) => budgetOrg(b) === admin.orgId).length >= MAX_BUDGETS_PER_ORG) {
      throw new GatewayError('invalid_request', `An org can have at most ${MAX_BUDGETS_PER_ORG} budgets`, { param: 'id' });
    }
    await save(c, budget, undefined);
    return c.json({ budget: redacted(budget) }, 201);
  });
  app.put('/api/budgets/:id', async (c) => {
    requireWriter(c);
    const current = find(c, c.req.param('id'));
    mayManage(adminOf(c), current);
    const body = await readJsonBody(c.req.raw, ADMIN_BODY_LIMITS);
    const budget = validate(isObject(body) ? { id: current.id, ...body } : body, runtime.config);
    if (budget.id !== current.id) throw new GatewayError('invalid_request', `id: does not match the path ('${current.id}'); a budget cannot be renamed`, { param: 'id' });
    await save(c, budget, current);
    return c.json({ budget: redacted(budget) });
  });
  app.patch('/api/budgets/:id', async (c) => {
    requireWriter(c);
    const current = find(c, c.req.param('id'));
    mayManage(adminOf(c), current);
    const body = await readJsonBody(c.req.raw, ADMIN_BODY_LIMITS);
    if (!isObject(body)) throw new GatewayError('invalid_request', 'Invalid request: (body): a JSON object of the fields to change is required');
    if ('id' in body && body.id !== current.id) throw new GatewayError('invalid_request', `id: does not match the path ('${current.id}'); a budget cannot be renamed`, { param: 'id' });
    // Kept: every field not given. `null` removes an optional field (value, rollingHours, overrideToken).
    const { resetAtMs: _reset, ...definition } = current;
    const merged: Record<string, unknown> = { ...definition };
    for (const [key, value] of Object.entries(body)) {
      if (value === null) delete merged[key];
      else Object.defineProperty(merged, key, { value, enumerable: true, writable: true, configurable: true });
    }
    const budget = validate(merged, runtime.config);
    await save(c, budget, current);
    return c.json({ budget: redacted(budget) });
  });
  app.delete('/api/budgets/:id', async (c) => {
    requireWriter(c);
    const current = find(c, c.req.param('id'));
    mayManage(adminOf(c), current);
    const change = deletion(current.id, runtime.config.budgets);
    if (change.remove) await runtime.budgetStore.deleteBudget(current.id);
    else await runtime.budgetStore.saveBudget(change.row);
    await apply();
    return c.json({ id: current.id, deleted: true });
  });
  app.post('/api/budgets/:id/reset', async (c) => {
    const admin = requireWriter(c);
    const current = find(c, c.req.param('id'));
    mayManage(admin, current);
    const before = (await enforcer().status()).find((s) => s.id === current.id);
    const atMs = runtime.deps.now();
    await runtime.budgetStore.saveBudget(resetRow(current.id, enforcer().stored, atMs));
    await apply();
    await enforcer().recordReset(current, admin.name, before?.usedUsd ?? '0', atMs);
    return c.json({ id: current.id, resetAt: new Date(atMs).toISOString(), spentBeforeUsd: before?.usedUsd ?? '0', by: admin.name });
  });
  app.get('/api/alerts', async (c) => {
    const admin = adminOf(c);
    const limit = queryLimit(c.req.query('limit'), 100, 1_000);
    const asked = c.req.query('budget');
    // Org-confined admins see only their budgets' alerts (of budgets in force).
    let ids: string[] | undefined = admin.orgId === undefined ? undefined : enforcer().all.filter((b) => seesOrg(admin, budgetOrg(b))).map((b) => b.id);
    if (asked !== undefined) ids = ids === undefined || ids.includes(asked) ? [asked] : [];
    return c.json({ data: await runtime.budgetStore.listAlerts(limit, ids) });
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A budget definition, or a 400 naming each problem by its field path. */
function validate(input: unknown, config: Runtime['config']): BudgetConfig {
  const result = budgetSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
    const first = result.error.issues[0]?.path.join('.');
    throw new GatewayError('invalid_request', `Invalid request: ${problems.join('; ')}`, first ? { param: first } : {});
  }
  checkDowngradeTargets(result.data, config);
  return result.data;
}

/** An org-confined admin manages only budgets of its own org (an org budget on it, or one qualified with `org`). */
function mayManage(admin: AdminPrincipal, budget: Pick<BudgetConfig, 'scope' | 'value'>): void {
  if (admin.orgId !== undefined && budgetOrg(budget) !== admin.orgId) {
    throw new GatewayError('forbidden', `An admin of org '${admin.orgId}' manages only its org's budgets (scope org with value '${admin.orgId}', or org '${admin.orgId}')`);
  }
}
