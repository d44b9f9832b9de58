import type { Context, Hono } from 'hono';
import { buildExperimentReport, countExperimentArms } from '../../analytics/reports/experiment-report.ts';
import { routingReportFromLedger } from '../../analytics/reports/routing-from-rollups.ts';
import { GatewayError } from '../../domain/errors.ts';
import { priceProviderFor } from '../../pricing/price-provider.ts';
import type { LedgerFilter } from '../../ledger/store.ts';
import type { Runtime } from '../runtime.ts';
import type { GatewayEnv } from '../context.ts';
import { feedbackSchema, submitFeedback } from '../feedback/submit-feedback.ts';
import { adminOf, requireOrg, requireWriter } from './guard.ts';
import { parseAdminBody } from './parse-admin-body.ts';
import { queryLimit } from './query-limit.ts';
import { filterFrom } from './reports.ts';
import { ownEntry } from '../../domain/own-entry.ts';

/** The ledger filter of the query, confined to the caller's org when its admin key is bound to one. */
function scopedFilter(c: Context<GatewayEnv>): LedgerFilter {
  const filter = filterFrom(c.req.query());
  const orgId = adminOf(c)?.orgId;
  if (orgId !== undefined) filter.orgId = orgId;
  return filter;
}

/** Routing catalogue and analytics, and user feedback on answers. */
export function registerRoutingRoutes(app: Hono<GatewayEnv>, runtime: Runtime): void {
  app.get('/api/routing/catalogue', (c) =>
    c.json({
      data: runtime.router.entries().map((entry) => ({ ...entry, target: entry.key })),
      quality: runtime.router.quality.all(),
    }),
  );

  /** Circuit breaker per configured target (and any other that is open): closed, open or half-open. */
  app.get('/api/routing/breakers', (c) => c.json({ data: runtime.router.breakerViews() }));

  /** Shares, fallbacks and savings against the strong model, from the ledger's rollups (see routing-from-rollups.ts). */
  app.get('/api/routing/analytics', async (c) => {
    const filter = scopedFilter(c);
    const entries = runtime.router.entries();
    const strongAlias = c.req.query('strong');
    const strong = strongAlias ? entries.find((e) => e.alias === strongAlias) : [...entries].sort((a, b) => b.quality - a.quality)[0];
    if (strongAlias && !strong) throw new GatewayError('invalid_request', `Unknown model alias '${strongAlias}'`, { param: 'strong' });
    await runtime.flushLedger();
    const priceBook = runtime.deps.priceBook;
    return c.json(
      await routingReportFromLedger(
        runtime.ledger,
        filter,
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
        // The learned router's share reads raw rows: only on gateways that have a learned route (or when asked).
        { learned: c.req.query('learned') === 'true' || Object.values(runtime.config.routes ?? {}).some((route) => route.strategy === 'learned') },
      ),
    );
  });

  /** Every configured experiment with how many requests each arm has had (in the caller's org, for an org-bound key). */
  app.get('/api/experiments', async (c) => {
    const filter = scopedFilter(c);
    // No experiment configured (the usual case): nothing to count, so no raw rows are read (the routing page asks on every load).
    if (Object.keys(runtime.config.experiments).length === 0) return c.json({ data: [] });
    await runtime.flushLedger();
    const rows = await runtime.ledger.list(filter, 200_000);
    const data = Object.entries(runtime.config.experiments).map(([name, experiment]) => {
      const arms = countExperimentArms(name, rows);
      return { name, ...experiment, requests: Object.values(arms).reduce((sum, n) => sum + n, 0), arms };
    });
    return c.json({ data });
  });

  app.get('/api/experiments/:name', async (c) => {
    const name = c.req.param('name');
    if (!ownEntry(runtime.config.experiments, name)) throw new GatewayError('not_found', `No experiment '${name}' in the config`);
    await runtime.flushLedger();
    return c.json(buildExperimentReport(name, await runtime.ledger.list(scopedFilter(c), 200_000)));
  });

  app.post('/api/feedback', async (c) => {
    requireWriter(c);
    const input = await parseAdminBody(c.req.raw, feedbackSchema);
    await runtime.flushLedger();
    const [row] = await runtime.ledger.list({ id: input.requestId }, 1);
    if (!row) throw new GatewayError('not_found', `No request ${input.requestId} in the ledger`, { param: 'requestId' });
    requireOrg(c, row.orgId, `Request ${input.requestId}`);
    return c.json(await submitFeedback(runtime, row, input), 201);
  });
  app.get('/api/feedback', async (c) => {
    const limit = queryLimit(c.req.query('limit'), 100, 1_000);
    const orgId = c.get('admin').orgId;
    const all = await runtime.feedback.list(limit);
    if (orgId === undefined) return c.json({ data: all });
    // Feedback rows carry no org: an org-confined admin sees those on its own org's requests.
    const own = [];
    for (const feedback of all) if ((await runtime.ledger.list({ id: feedback.requestId, orgId }, 1)).length > 0) own.push(feedback);
    return c.json({ data: own });
  });
}
