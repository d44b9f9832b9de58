import type { Context, Hono } from 'hono';
import { buildSpendReport, parseDimensions } from '../../analytics/reports/spend-report.ts';
import { parseCostReportQuery } from '../../analytics/reports/cost-report-query.ts';
import { inProcessReports } from '../../analytics/reports/report-runner.ts';
import { GatewayError } from '../../domain/errors.ts';
import type { LedgerCursor, LedgerFilter } from '../../ledger/store.ts';
import type { Runtime } from '../runtime.ts';
import type { GatewayEnv } from '../context.ts';
import { adminOf, requireOrg } from './guard.ts';
import { queryLimit } from './query-limit.ts';

/** Spend reports and raw ledger rows over the ledger. */
export function registerReportRoutes(app: Hono<GatewayEnv>, runtime: Runtime): void {
  const reports = runtime.reports ?? inProcessReports(runtime.ledger);
  app.get('/api/report', async (c) => {
    const dimensions = wrap(() => parseDimensions(c.req.query('by')));
    const filter = confinedFilter(c);
    await runtime.flushLedger();
    const rows = await runtime.ledger.summarize(dimensions, filter);
    return c.json(buildSpendReport(dimensions, rows));
  });
  /**
   * The request log, a page at a time: the newest `limit` rows (oldest first within the page, as
   * before paging existed) and `nextCursor` for the page of older rows, null at the end.
   */
  app.get('/api/ledger', async (c) => {
    const limit = queryLimit(c.req.query('limit'), 100, 10_000);
    const cursorText = c.req.query('cursor');
    const before = cursorText ? decodeCursor(cursorText) : undefined;
    const filter = confinedFilter(c);
    await runtime.flushLedger();
    const page = await runtime.ledger.page(filter, limit, before);
    return c.json({ data: page.rows, nextCursor: page.next ? encodeCursor(page.next) : null });
  });
  /**
   * `GET /api/cost/report`: spend, tokens and requests by any dimension and local time bucket, with
   * share, unit costs, the previous period, peak hours, top N; JSON, CSV or a text table (see
   * `parseCostReportQuery` for the parameters). An org admin's report is confined to its org.
   */
  app.get('/api/cost/report', async (c) => {
    const request = wrap(() => parseCostReportQuery(c.req.query(), runtime.deps.now()));
    const admin = adminOf(c);
    if (admin.orgId !== undefined) {
      requireOrg(c, request.filter.orgId ?? admin.orgId, `Org '${request.filter.orgId ?? ''}'`);
      request.filter.orgId = admin.orgId;
    }
    await runtime.flushLedger();
    // The finished body (built and encoded on the report worker in the gateway): only its bytes come to this thread, transferred.
    const body = await reports.render(request);
    if (request.format === 'csv') {
      return c.body(body, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="tollgate-cost-report.csv"' });
    }
    return c.body(body, 200, { 'content-type': request.format === 'table' ? 'text/plain; charset=UTF-8' : 'application/json' });
  });
}

/** An opaque page cursor: the last row handed out, base64url JSON. */
export function encodeCursor(cursor: LedgerCursor): string {
  return Buffer.from(JSON.stringify([cursor.timeMs, cursor.id])).toString('base64url');
}

export function decodeCursor(text: string): LedgerCursor {
  const invalid = () => new GatewayError('invalid_request', "'cursor' is not a cursor this server handed out; use the 'nextCursor' of the previous page", { param: 'cursor' });
  if (text.length > 1_000 || !/^[A-Za-z0-9_-]+$/.test(text)) throw invalid();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(value) || value.length !== 2 || !Number.isSafeInteger(value[0]) || typeof value[1] !== 'string') throw invalid();
  return { timeMs: value[0] as number, id: value[1] as string };
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
