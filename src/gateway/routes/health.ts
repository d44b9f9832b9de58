import type { Hono } from 'hono';
import type { Runtime } from '../../runtime/types.ts';
import type { GatewayEnv } from '../context.ts';

/** Liveness, readiness (the store answers) and the Prometheus scrape endpoint. */
export function registerHealthRoutes(app: Hono<GatewayEnv>, runtime: Runtime): void {
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const ledger = runtime.ledgerStats();
    try {
      await runtime.ledger.ping();
      return c.json({ status: 'ready', store: runtime.ledger.backend, ledger });
    } catch (error) {
      // Not ready for new traffic, but nothing is lost: rows spill to disk until the store is back.
      return c.json({ status: 'degraded', store: runtime.ledger.backend, error: (error as Error).message, ledger }, 503);
    }
  });
  app.get('/metrics', async (c) => {
    runtime.deps.metrics.setLedgerState(runtime.ledgerStats());
    return c.body(await runtime.deps.metrics.render(), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
  });
}
