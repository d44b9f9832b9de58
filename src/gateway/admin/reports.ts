import type { Context, Hono } from 'hono';
import { buildSpendReport, parseDimensions } from '../../analytics/reports/spend-report.ts';
import { GatewayError } from '../../domain/errors.ts';
import type { LedgerFilter } from '../../ledger/store.ts';
import type { Runtime } from '../runtime.ts';
import type { GatewayEnv } from '../context.ts';
import { adminOf, requireOrg } from './guard.ts';

/** Spend reports and raw ledger rows over the ledger. */
export function registerReportRoutes(app: Hono<GatewayEnv>, runtime: Runtime): void {
  app.get('/api/report', async (c) => {
    const dimensions = wrap(() => parseDimensions(c.req.query('by')));
    const filter = confinedFilter(c);
    await runtime.flushLedger();
    const rows = await runtime.ledger.summarize(dimensions, filter);
    return c.json(buildSpendReport(dimensions, rows));
  });
  app.get('/api/ledger', async (c) => {
    const limit = Math.min(Math.max(Number(c.req.query('limit') ?? 100) || 100, 1), 10_000);
    const filter = confinedFilter(c);
    await runtime.flushLedger();
    return c.json({ data: await runtime.ledger.list(filter, limit) });
  });
}

/**
 * The query's ledger filter, confined to the caller's org: an org-scoped admin always gets its own
 * org's rows, and asking for another org is a 404 (as if that org did not exist).
 */
export function confinedFilter(c: Context<GatewayEnv>): LedgerFilter {
  const filter = filterFrom(c.req.query());
  const admin = adminOf(c);
  if (admin.orgId === undefined) return filter;
  requireOrg(c, filter.orgId ?? admin.orgId, `Org '${filter.orgId ?? ''}'`);
  return { ...filter, orgId: admin.orgId };
}

export function filterFrom(query: Record<string, string | undefined>): LedgerFilter {
  const filter: LedgerFilter = {};
  if (query.from) filter.fromMs = parseTime(query.from, 'from');
  if (query.to) filter.toMs = parseTime(query.to, 'to');
  if (query.org) filter.orgId = query.org;
  if (query.project) filter.projectId = query.project;
  if (query.user) filter.userId = query.user;
  if (query.key) filter.keyId = query.key;
  if (query.model) filter.model = query.model;
  if (query.provider) filter.provider = query.provider;
  return filter;
}

function parseTime(value: string, name: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) throw new GatewayError('invalid_request', `'${name}' must be an ISO date or epoch milliseconds`, { param: name });
  return ms;
}

function wrap<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw new GatewayError('invalid_request', (error as Error).message);
  }
}
