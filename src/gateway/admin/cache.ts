import type { Hono } from 'hono';
import { promptCacheSavingsNano } from '../../cache/prompt-cache-savings.ts';
import { formatUsd } from '../../domain/money.ts';
import { priceProviderFor } from '../../pipeline/meter.ts';
import type { Runtime } from '../../runtime/types.ts';
import type { GatewayEnv } from '../context.ts';
import { filterFrom } from './reports.ts';

const rate = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : 0);

/**
 * `GET /api/cache/stats`: hit rate and dollars saved from the ledger (hits are rows with cost 0 and
 * `savedNanoUsd` = what the call would have cost), exact and semantic apart, the live stores, and
 * provider prompt caching (cached input tokens and what they saved) reported separately.
 */
export function registerCacheRoutes(app: Hono<GatewayEnv>, runtime: Runtime): void {
  app.get('/api/cache/stats', async (c) => {
    await runtime.flushLedger();
    const rows = await runtime.ledger.list(filterFrom(c.req.query()), 200_000);
    const counts = { hit: 0, 'semantic-hit': 0, miss: 0, bypass: 0 } as Record<string, number>;
    const savedBy = { exact: 0, semantic: 0 };
    let cachedInputTokens = 0;
    let inputTokens = 0;
    let promptCacheSaved = 0;
    for (const row of rows) {
      if (row.cacheStatus && row.cacheStatus in counts) counts[row.cacheStatus] = (counts[row.cacheStatus] ?? 0) + 1;
      if (row.cacheStatus === 'hit') savedBy.exact += row.savedNanoUsd;
      if (row.cacheStatus === 'semantic-hit') savedBy.semantic += row.savedNanoUsd;
      cachedInputTokens += row.cacheReadTokens;
      inputTokens += row.inputTokens;
      const provider = row.provider ? runtime.config.providers[row.provider] : undefined;
      if (provider && (row.cacheReadTokens > 0 || row.cacheWriteTokens > 0)) {
        const query = { model: row.servedModel ?? row.requestedModel, providerId: row.provider as string, priceProviderId: priceProviderFor(provider.kind, provider.priceProvider), nodeId: provider.node, timeMs: row.timeMs };
        promptCacheSaved += promptCacheSavingsNano(row, (usage) => runtime.deps.priceBook.cost(usage, query).totalNanoUsd);
      }
    }
    const cache = runtime.deps.cache;
    const hits = (counts.hit ?? 0) + (counts['semantic-hit'] ?? 0);
    const misses = counts.miss ?? 0;
    return c.json({
      enabled: cache !== undefined,
      store: cache ? { kind: cache.store.kind, ...cache.store.stats() } : null,
      semantic: cache?.semantic ? cache.semantic.stats() : null,
      requests: rows.length,
      hits,
      exactHits: counts.hit ?? 0,
      semanticHits: counts['semantic-hit'] ?? 0,
      misses,
      bypass: counts.bypass ?? 0,
      hitRate: rate(hits, hits + misses),
      savedUsd: formatUsd(savedBy.exact + savedBy.semantic),
      savedUsdExact: formatUsd(savedBy.exact),
      savedUsdSemantic: formatUsd(savedBy.semantic),
      markedWrong: cache?.evictedByFeedback ?? 0,
      providerPromptCache: { cachedInputTokens, inputTokens, share: rate(cachedInputTokens, inputTokens), savedUsd: formatUsd(promptCacheSaved) },
    });
  });

  app.delete('/api/cache/semantic', async (c) => {
    const semantic = runtime.deps.cache?.semantic;
    return c.json({ evicted: semantic ? semantic.invalidate(c.req.query('namespace') ?? '') : 0 });
  });
}
