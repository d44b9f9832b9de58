import type { Hono } from 'hono';
import { formatUsd } from '../../domain/money.ts';
import type { Runtime } from '../../runtime/types.ts';
import type { GatewayEnv } from '../context.ts';
import { filterFrom } from './reports.ts';

/**
 * `GET /api/cache/stats`: hit rate and dollars saved from the ledger (hits are rows with cost 0 and
 * `savedNanoUsd` = what the call would have cost), plus the live store's size; provider prompt
 * caching (cached input tokens) reported separately.
 */
export function registerCacheRoutes(app: Hono<GatewayEnv>, runtime: Runtime): void {
  app.get('/api/cache/stats', async (c) => {
    await runtime.flushLedger();
    const rows = await runtime.ledger.list(filterFrom(c.req.query()), 200_000);
    let hits = 0;
    let misses = 0;
    let bypass = 0;
    let saved = 0;
    let cachedInputTokens = 0;
    let inputTokens = 0;
    for (const row of rows) {
      if (row.cacheStatus === 'hit') {
        hits += 1;
        saved += row.savedNanoUsd;
      } else if (row.cacheStatus === 'miss') misses += 1;
      else if (row.cacheStatus === 'bypass') bypass += 1;
      cachedInputTokens += row.cacheReadTokens;
      inputTokens += row.inputTokens;
    }
    const cache = runtime.deps.cache;
    return c.json({
      enabled: cache !== undefined,
      store: cache ? { kind: cache.store.kind, ...cache.store.stats() } : null,
      requests: rows.length,
      hits,
      misses,
      bypass,
      hitRate: hits + misses > 0 ? Math.round((hits / (hits + misses)) * 10_000) / 10_000 : 0,
      savedUsd: formatUsd(saved),
      providerPromptCache: { cachedInputTokens, inputTokens, share: inputTokens ? Math.round((cachedInputTokens / inputTokens) * 10_000) / 10_000 : 0 },
    });
  });
}
