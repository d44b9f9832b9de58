import type { Hono } from 'hono';
import { buildSpendReport, parseDimensions } from '../../analytics/reports/spend-report.ts';
import { GatewayError } from '../../domain/errors.ts';
import type { LedgerFilter } from '../../ledger/store.ts';
import type { Runtime } from '../../runtime/types.ts';
import type { GatewayEnv } from '../context.ts';

/** Spend reports and raw ledger rows over the ledger. */
export function registerReportRoutes(app: Hono<GatewayEnv>, runtime: Runtime): void {
  app.get('/api/report', async (c) => {
    const dimensions = wrap(() => parseDimensions(c.req.query('by')));
    await runtime.flushLedger();
    const rows = await runtime.ledger.summarize(dimensions, filterFrom(c.req.query()));
    return c.json(buildSpendReport(dimensions, rows));
  });
  app.get('/api/ledger', async (c) => {
    const limit = Math.min(Math.max(Number(c.req.query('limit') ?? 100) || 100, 1), 10_000);
    await runtime.flushLedger();
    return c.json({ data: await runtime.ledger.list(filterFrom(c.req.query()), limit) });
  });
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
