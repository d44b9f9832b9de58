import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TollgateConfigInput } from '../../src/config/schema.ts';
import type { AdminPrincipal } from '../../src/domain/admin-principal.ts';
import { toGatewayError } from '../../src/domain/errors.ts';
import { registerBudgetRoutes } from '../../src/gateway/admin/budgets.ts';
import type { GatewayEnv } from '../../src/gateway/context.ts';
import { errorResponse } from '../../src/gateway/error-response.ts';
import { startHarness, type Harness } from '../support/harness.ts';

/**
 * The budget routes under the admin contract (`c.get('admin')`), with principals as the access
 * layer will make them: a viewer cannot change anything; an org-confined admin sees and manages
 * only its org's budgets. The routes run on a real runtime (store, counters, enforcer).
 */
describe('budget admin routes and the admin principal', () => {
  let h: Harness;
  const apps = new Map<string, Hono<GatewayEnv>>();
  const as = (admin: AdminPrincipal) => {
    const key = JSON.stringify(admin);
    let app = apps.get(key);
    if (!app) {
      app = new Hono<GatewayEnv>();
      app.use('*', async (c, next) => {
        c.set('admin', admin);
        await next();
      });
      registerBudgetRoutes(app, h.server.gateway.runtime);
      app.onError((error) => errorResponse(toGatewayError(error), 'openai'));
      apps.set(key, app);
    }
    return (path: string, init: RequestInit = {}) => app!.request(path, { ...init, headers: { 'content-type': 'application/json' } });
  };
  const acmeAdmin = () => as({ role: 'admin', orgId: 'acme', name: 'acme-admin' });
  const acmeViewer = () => as({ role: 'viewer', orgId: 'acme', name: 'acme-viewer' });

  beforeAll(async () => {
    h = await startHarness({
      config: (input: TollgateConfigInput) => ({
        ...input,
        budgets: [
          { id: 'operator-global', scope: 'global', period: 'monthly', limitUsd: 1000 },
          { id: 'acme-org', scope: 'org', value: 'acme', period: 'monthly', limitUsd: 100 },
          { id: 'beta-org', scope: 'org', value: 'beta', period: 'monthly', limitUsd: 100 },
        ],
      }),
    });
  });
  afterAll(() => h.close());

  it('an org admin lists, reads and changes only its org budgets; others are 404, operator-level creation is 403', async () => {
    const list = (await (await acmeAdmin()('/api/budgets')).json()) as { data: Array<{ id: string }> };
    expect(list.data.map((b) => b.id)).toEqual(['acme-org']);
    expect((await acmeAdmin()('/api/budgets/beta-org')).status).toBe(404);
    expect((await acmeAdmin()('/api/budgets/operator-global', { method: 'PATCH', body: JSON.stringify({ limitUsd: 1 }) })).status).toBe(404);
    expect((await acmeAdmin()('/api/budgets/beta-org/reset', { method: 'POST' })).status).toBe(404);
    expect((await acmeAdmin()('/api/budgets/beta-org', { method: 'DELETE' })).status).toBe(404);
    expect((await acmeAdmin()('/api/budgets/acme-org', { method: 'PATCH', body: JSON.stringify({ limitUsd: 50 }) })).status).toBe(200);
    // Re-scoping its budget to another org, or creating an operator budget, is refused.
    expect((await acmeAdmin()('/api/budgets/acme-org', { method: 'PATCH', body: JSON.stringify({ value: 'beta' }) })).status).toBe(403);
    expect((await acmeAdmin()('/api/budgets', { method: 'POST', body: JSON.stringify({ id: 'sneaky', scope: 'global', period: 'daily', limitUsd: 1 }) })).status).toBe(403);
    expect((await acmeAdmin()('/api/budgets/acme-org/reset', { method: 'POST' })).status).toBe(200);
    const alerts = (await (await acmeAdmin()('/api/alerts?budget=beta-org')).json()) as { data: unknown[] };
    expect(alerts.data).toEqual([]);
  });

  it('a viewer reads but cannot create, change, reset or delete', async () => {
    expect((await acmeViewer()('/api/budgets/acme-org')).status).toBe(200);
    for (const [path, method] of [
      ['/api/budgets', 'POST'],
      ['/api/budgets/acme-org', 'PATCH'],
      ['/api/budgets/acme-org', 'PUT'],
      ['/api/budgets/acme-org/reset', 'POST'],
      ['/api/budgets/acme-org', 'DELETE'],
    ] as const) {
      expect((await acmeViewer()(path, { method, body: JSON.stringify({ limitUsd: 1 }) })).status).toBe(403);
    }
  });
});
