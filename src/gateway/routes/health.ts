import type { Hono } from 'hono';
import { isOperator } from '../../domain/admin-principal.ts';
import { GatewayError } from '../../domain/errors.ts';
import type { Runtime } from '../runtime.ts';
import type { GatewayEnv } from '../context.ts';
import { resolveAdmin, type AdminCredential } from '../middleware/admin-auth.ts';
import { presentedKey } from '../middleware/authenticate.ts';

/**
 * Liveness, readiness (the store answers) and the Prometheus scrape endpoint. With
 * `admin.metricsRequireKey`, `/metrics` needs an operator key (admin or viewer, not org-confined:
 * the series span every org).
 */
export function registerHealthRoutes(app: Hono<GatewayEnv>, runtime: Runtime, credentials: readonly AdminCredential[] = []): void {
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const ledger = runtime.ledgerStats();
    try {
      await runtime.ledger.ping();
      return c.json({ status: 'ready', store: runtime.ledger.backend, ledger });
    } catch (error) {
      // Not ready for new traffic, but nothing is lost: rows spill to disk until the store is back.
      return c.json({ status: 'degraded', store: runtime.ledger.backend, error: runtime.secrets.scrub((error as Error).message), ledger }, 503);
    }
  });
  app.get('/metrics', async (c) => {
    if (runtime.config.admin.metricsRequireKey) {
      const admin = resolveAdmin(credentials, presentedKey(c.req.raw.headers));
      if (!admin) throw new GatewayError('unauthorized', 'A valid admin or viewer key is required for /metrics (Authorization: Bearer …)');
      if (!isOperator(admin)) throw new GatewayError('forbidden', '/metrics spans every org: only an operator key may read it');
    }
    runtime.deps.metrics.setLedgerState(runtime.ledgerStats());
    return c.body(await runtime.deps.metrics.render(), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
  });
}
