import { randomUUID } from 'node:crypto';
import type { Hono } from 'hono';
import { z } from 'zod';
import { buildExperimentReport } from '../../analytics/reports/experiment-report.ts';
import { buildRoutingReport } from '../../analytics/reports/routing-report.ts';
import { GatewayError } from '../../domain/errors.ts';
import { priceProviderFor } from '../../pipeline/meter.ts';
import type { Runtime } from '../../runtime/types.ts';
import type { GatewayEnv } from '../context.ts';
import { parseAdminBody } from './parse-admin-body.ts';
import { filterFrom } from './reports.ts';
import { ownEntry } from '../../domain/own-entry.ts';

const feedbackSchema = z
  .object({
    requestId: z.string().min(1),
    /** 0 (wrong) .. 1 (right); booleans are accepted. */
    score: z.union([z.number().min(0).max(1), z.boolean().transform((value) => (value ? 1 : 0))]),
    comment: z.string().max(2_000).optional(),
    /** The prompt of the request (the ledger does not keep bodies), so the learned router can train on this verdict. */
    prompt: z.string().max(100_000).optional(),
  })
  .strict();

/** Routing catalogue and analytics, and user feedback on answers. */
export function registerRoutingRoutes(app: Hono<GatewayEnv>, runtime: Runtime): void {
  app.get('/api/routing/catalogue', (c) =>
    c.json({
      data: runtime.router.entries().map((entry) => ({ ...entry, target: entry.key })),
      quality: runtime.router.quality.all(),
    }),
  );

  app.get('/api/routing/analytics', async (c) => {
    await runtime.flushLedger();
    const rows = await runtime.ledger.list(filterFrom(c.req.query()), 100_000);
    const entries = runtime.router.entries();
    const strongAlias = c.req.query('strong');
    const strong = strongAlias ? entries.find((e) => e.alias === strongAlias) : [...entries].sort((a, b) => b.quality - a.quality)[0];
    if (strongAlias && !strong) throw new GatewayError('invalid_request', `Unknown model alias '${strongAlias}'`, { param: 'strong' });
    const priceBook = runtime.deps.priceBook;
    return c.json(
      buildRoutingReport(
        rows,
        strong && {
          target: strong.key,
          price: (usage, timeMs) =>
            priceBook.cost(usage, {
              model: strong.target.upstreamModel,
              providerId: strong.target.providerId,
              priceProviderId: priceProviderFor(strong.target.provider.kind, strong.target.provider.priceProvider),
              nodeId: strong.target.provider.node,
              timeMs,
            }).totalNanoUsd,
        },
      ),
    );
  });

  app.get('/api/experiments/:name', async (c) => {
    const name = c.req.param('name');
    if (!ownEntry(runtime.config.experiments, name)) throw new GatewayError('not_found', `No experiment '${name}' in the config`);
    await runtime.flushLedger();
    return c.json(buildExperimentReport(name, await runtime.ledger.list(filterFrom(c.req.query()), 200_000)));
  });

  app.post('/api/feedback', async (c) => {
    const input = await parseAdminBody(c.req.raw, feedbackSchema);
    await runtime.flushLedger();
    const [row] = await runtime.ledger.list({ id: input.requestId }, 1);
    if (!row) throw new GatewayError('not_found', `No request ${input.requestId} in the ledger`, { param: 'requestId' });
    const target = row.provider ? `${row.servedModel ?? row.requestedModel}@${row.provider}` : null;
    const feedback = { id: randomUUID(), requestId: row.id, timeMs: runtime.deps.now(), score: input.score, comment: input.comment ?? null, target, cacheStatus: row.cacheStatus, prompt: input.prompt ?? null };
    await runtime.feedback.insert(feedback);
    // Explicit feedback weighs five automatic signals.
    if (target) runtime.router.quality.observe(target, '*', input.score, 5);
    // A cached answer marked wrong is evicted (a semantic one also raises the bar around it).
    const fromCache = row.cacheStatus === 'hit' || row.cacheStatus === 'semantic-hit';
    const evicted = fromCache && input.score < 0.5 && row.cacheKey ? await (runtime.deps.cache?.markWrong(row.cacheKey) ?? false) : false;
    return c.json({ feedback, evicted }, 201);
  });
  app.get('/api/feedback', async (c) => c.json({ data: await runtime.feedback.list(Math.min(Number(c.req.query('limit') ?? 100) || 100, 1_000)) }));
}
