import type { Hono } from 'hono';
import { buildPriceSheet } from '../../analytics/reports/price-sheet.ts';
import { GatewayError } from '../../domain/errors.ts';
import type { Runtime } from '../runtime.ts';
import type { GatewayEnv } from '../context.ts';

/** `GET /api/prices/:model`: the per-million-token rates the gateway would charge for a model (alias, model@provider or raw name). */
export function registerPriceRoutes(app: Hono<GatewayEnv>, runtime: Runtime): void {
  app.get('/api/prices/:model{.+}', (c) => {
    const requested = c.req.param('model');
    const targets = buildPriceSheet(runtime.config, runtime.deps.priceBook, requested, runtime.deps.now());
    if (targets.length === 0) throw new GatewayError('model_not_found', `No target for ${requested}`);
    return c.json({ model: requested, targets });
  });
}
