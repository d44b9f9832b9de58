import type { Context, Hono } from 'hono';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { promptCacheSavingsNano } from '../../cache/prompt-cache-savings.ts';
import type { CachePurgeFilter } from '../../cache/exact-store.ts';
import type { ResponseCache } from '../../cache/response-cache.ts';
import { mostRepeatedPrompts } from '../../cache/warm.ts';
import { GatewayError } from '../../domain/errors.ts';
import { handle } from '../../pipeline/handle.ts';
import { requireOrg, requireWriter } from './guard.ts';
import { parseAdminBody } from './parse-admin-body.ts';
import { formatUsd } from '../../domain/money.ts';
import { priceProviderFor } from '../../pricing/price-provider.ts';
import type { Runtime } from '../runtime.ts';
import type { SpendRow } from '../../ledger/store.ts';
import type { GatewayEnv } from '../context.ts';
import { filterFrom } from './reports.ts';
import { ownEntry } from '../../domain/own-entry.ts';
import { inProcessReports } from '../../analytics/reports/report-runner.ts';

const warmSchema = z
  .object({
    strategy: z.literal('frequency').default('frequency'),
    top: z.number().int().positive().max(10_000).default(100),
    minCount: z.number().int().positive().default(2),
    days: z.number().positive().max(365).default(7),
  })
  .strict();

const rate = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : 0);

/**
 * `GET /api/cache/stats`: hit rate and dollars saved from the ledger's rollups (hits are rows with cost 0 and
 * `savedNanoUsd` = what the call would have cost), exact and semantic apart, the live stores, and
 * provider prompt caching (cached input tokens and what they saved) reported separately.
 */
export function registerCacheRoutes(app: Hono<GatewayEnv>, runtime: Runtime): void {
  // Read where the reports are (the report worker in the gateway): the rows are queried and decoded there, not on this thread.
  const reads = runtime.reports ?? inProcessReports(runtime.ledger);
  app.get('/api/cache/stats', async (c) => {
    const admin = c.get('admin');
    const filter = filterFrom(c.req.query());
    // An org admin sees its own org's figures only; the live stores hold every org's entries, so they are not shown to it.
    if (admin.orgId !== undefined) {
      requireOrg(c, filter.orgId ?? admin.orgId, `Org '${filter.orgId ?? ''}'`);
      filter.orgId = admin.orgId;
    }
    const operator = admin.orgId === undefined;
    await runtime.flushLedger();
    // Sums from the hourly rollups (bounded work whatever the ledger's size), never a scan of raw rows here.
    const [byStatus, byModel] = (await reads.summaries([{ dimensions: ['cache'], filter }, { dimensions: ['model', 'provider', 'day'], filter }])) as [SpendRow[], SpendRow[]];
    const counts = { hit: 0, 'semantic-hit': 0, miss: 0, bypass: 0 } as Record<string, number>;
    const savedBy = { exact: 0, semantic: 0 };
    let requests = 0;
    for (const row of byStatus) {
      requests += row.requests;
      const status = row.keys.cache;
      if (status && Object.hasOwn(counts, status)) counts[status] = (counts[status] ?? 0) + row.requests;
      if (status === 'hit') savedBy.exact += row.savedNanoUsd;
      if (status === 'semantic-hit') savedBy.semantic += row.savedNanoUsd;
    }
    let cachedInputTokens = 0;
    let inputTokens = 0;
    let promptCacheSaved = 0;
    for (const row of byModel) {
      cachedInputTokens += row.cacheReadTokens;
      inputTokens += row.inputTokens;
      const provider = row.keys.provider ? ownEntry(runtime.config.providers, row.keys.provider) : undefined;
      if (provider && row.keys.model && (row.cacheReadTokens > 0 || row.cacheWriteTokens > 0)) {
        const query = { model: row.keys.model, providerId: row.keys.provider as string, priceProviderId: priceProviderFor(provider.kind, provider.priceProvider), nodeId: provider.node, timeMs: Date.parse(row.keys.day ?? '') || runtime.deps.now() };
        // Priced on the day's mean request (a tiered price applies per request, not to a day's sum), times the requests.
        const mean = (total: number) => Math.round(total / row.requests);
        const perRequest = promptCacheSavingsNano(
          { inputTokens: mean(row.inputTokens), cacheReadTokens: mean(row.cacheReadTokens), cacheWriteTokens: mean(row.cacheWriteTokens), outputTokens: mean(row.outputTokens), reasoningTokens: mean(row.reasoningTokens) },
          (usage) => runtime.deps.priceBook.cost(usage, query).totalNanoUsd,
        );
        promptCacheSaved += perRequest * row.requests;
      }
    }
    const cache = runtime.deps.cache;
    const hits = (counts.hit ?? 0) + (counts['semantic-hit'] ?? 0);
    const misses = counts.miss ?? 0;
    return c.json({
      enabled: cache !== undefined,
      store: cache && operator ? { kind: cache.store.kind, ...cache.store.stats() } : null,
      semantic: cache?.semantic && operator ? cache.semantic.stats() : null,
      requests,
      hits,
      exactHits: counts.hit ?? 0,
      semanticHits: counts['semantic-hit'] ?? 0,
      misses,
      bypass: counts.bypass ?? 0,
      hitRate: rate(hits, hits + misses),
      savedUsd: formatUsd(savedBy.exact + savedBy.semantic),
      savedUsdExact: formatUsd(savedBy.exact),
      savedUsdSemantic: formatUsd(savedBy.semantic),
      markedWrong: operator ? (cache?.evictedByFeedback ?? 0) : null,
      providerPromptCache: { cachedInputTokens, inputTokens, share: rate(cachedInputTokens, inputTokens), savedUsd: formatUsd(promptCacheSaved) },
    });
  });

  /**
   * `POST /api/cache/warm`: asks the upstream once for each of the most repeated requests in the
   * ledger (as stored with `ledger.storeBodies`, else as a single-turn, temperature-0 question to the
   * model it was asked of) so the next ask is a hit. Metered and budgeted like any call, tagged `cache-warm`; prompts already cached are hits and cost nothing.
   */
  app.post('/api/cache/warm', async (c) => {
    const admin = requireWriter(c);
    const input = await parseAdminBody(c.req.raw, warmSchema);
    if (!runtime.deps.cache) throw new GatewayError('invalid_request', 'the response cache is disabled in the config');
    await runtime.flushLedger();
    // An org admin warms its own org's prompts only (they are asked, and paid, in that org's name).
    const rows = await runtime.ledger.list({ fromMs: runtime.deps.now() - input.days * 86_400_000, ...(admin.orgId !== undefined ? { orgId: admin.orgId } : {}) }, 200_000);
    const candidates = mostRepeatedPrompts(rows, { top: input.top, minCount: input.minCount });
    const results = [];
    for (const candidate of candidates) {
      const result = await handle(
        {
          id: randomUUID(),
          receivedAtMs: runtime.deps.now(),
          wire: candidate.wire,
          operation: candidate.operation,
          // The stored request when the ledger kept bodies (its exact key then matches the next ask), else a single-turn question.
          body: candidate.body ? (JSON.parse(candidate.body) as Record<string, unknown>) : { model: candidate.model, temperature: 0, messages: [{ role: 'user', content: candidate.prompt }] },
          headers: { 'x-tollgate-cache': 'on' },
          principal: { keyId: undefined, orgId: candidate.orgId, projectId: candidate.projectId, userId: undefined, tags: ['cache-warm'], allow: { project: false, user: false, tags: false } },
          signal: undefined,
        },
        runtime.deps,
      );
      if (result.kind === 'stream') for await (const _ of result.stream) void _;
      results.push({ prompt: candidate.prompt.slice(0, 200), model: candidate.model, count: candidate.count, status: result.status, cache: result.headers['x-tollgate-cache'] ?? null });
    }
    return c.json({ strategy: input.strategy, warmed: results.filter((r) => r.status === 200 && r.cache !== 'hit' && r.cache !== 'semantic-hit').length, data: results });
  });

  /**
   * `DELETE /api/cache/exact` and `DELETE /api/cache/semantic`, each with optional `namespace` (an
   * org id, or the configured `cache.sharedNamespace`) and `model` (the model the client asked for):
   * purge the exact cache (memory, or Redis for every instance) or the semantic cache (every
   * instance, and its store). Viewers cannot purge; an org admin purges only its own org.
   */
  app.delete('/api/cache/exact', async (c) => {
    requireWriter(c);
    const cache = runtime.deps.cache;
    if (!cache) return c.json({ purged: 0 });
    const filter = purgeFilter(c, cache);
    const purged = await cache.purgeExact(filter).catch((error: unknown) => {
      throw new GatewayError('upstream_unavailable', `the exact cache store could not be purged: ${(error as Error).message}`);
    });
    return c.json({ purged, ...filter });
  });

  app.delete('/api/cache/semantic', async (c) => {
    requireWriter(c);
    const cache = runtime.deps.cache;
    if (!cache?.semantic) return c.json({ evicted: 0 });
    const filter = purgeFilter(c, cache);
    return c.json({ evicted: cache.semantic.invalidate(filter), ...filter });
  });
}

/** What a purge may touch: the named namespace (or the caller's own org for an org admin) and model. */
function purgeFilter(c: Context<GatewayEnv>, cache: ResponseCache): CachePurgeFilter {
  const admin = requireWriter(c);
  const name = c.req.query('namespace') || undefined;
  const model = c.req.query('model') || undefined;
  let namespace = cache.resolveNamespace(name);
  if (admin.orgId !== undefined) {
    // Confined to its org: its own namespace only (a shared namespace holds every org's answers).
    const own = `org:${admin.orgId}`;
    namespace ??= own;
    requireOrg(c, namespace === own && cache.namespaceOf(admin.orgId) === own ? admin.orgId : undefined, `Cache namespace '${name ?? own}'`);
  }
  return { namespace, model };
}
