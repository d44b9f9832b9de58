import type { Hono } from 'hono';
import { GatewayError } from '../../domain/errors.ts';
import { formatUsd } from '../../domain/money.ts';
import { priceProviderFor } from '../../pipeline/meter.ts';
import { resolveTargets } from '../../pipeline/resolve-target.ts';
import type { Runtime } from '../../runtime/types.ts';
import type { GatewayEnv } from '../context.ts';

/** `GET /api/prices/:model`: the per-million-token rates the gateway would charge for a model (alias, model@provider or raw name). */
export function registerPriceRoutes(app: Hono<GatewayEnv>, runtime: Runtime): void {
  app.get('/api/prices/:model{.+}', (c) => {
    const requested = c.req.param('model');
    const { chain } = resolveTargets(runtime.config, requested);
    const results = chain.map((target) => {
      const rates = runtime.deps.priceBook.rates({
        model: target.upstreamModel,
        providerId: target.providerId,
        priceProviderId: priceProviderFor(target.provider.kind, target.provider.priceProvider),
        nodeId: target.provider.node,
        timeMs: runtime.deps.now(),
      });
      return {
        target: `${target.upstreamModel}@${target.providerId}`,
        priced: rates !== undefined,
        ...(rates && {
          inputPerMTokUsd: formatUsd(rates.inputPerMTokNanoUsd),
          outputPerMTokUsd: formatUsd(rates.outputPerMTokNanoUsd),
          cacheReadPerMTokUsd: formatUsd(rates.cacheReadPerMTokNanoUsd),
          cacheWritePerMTokUsd: formatUsd(rates.cacheWritePerMTokNanoUsd),
          contextWindow: rates.contextWindow ?? null,
        }),
      };
    });
    if (results.length === 0) throw new GatewayError('model_not_found', `No target for ${requested}`);
    return c.json({ model: requested, targets: results });
  });
}
