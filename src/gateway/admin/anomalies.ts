import type { Context, Hono } from 'hono';
import { anomalyJson } from '../../analytics/anomalies/present.ts';
import { ANOMALY_STATUSES, type Anomaly, type AnomalyQuery, type AnomalyStatus } from '../../analytics/anomalies/types.ts';
import { GatewayError } from '../../domain/errors.ts';
import type { Runtime } from '../runtime.ts';
import type { GatewayEnv } from '../context.ts';
import { adminOf, requireOrg, requireWriter } from './guard.ts';

/**
 * Cost anomalies (issue #13): listed by status and time, acknowledged and resolved. An org admin
 * sees and handles only its org's anomalies (another org's is a 404); viewers only read.
 */
export function registerAnomalyRoutes(app: Hono<GatewayEnv>, runtime: Runtime): void {
  app.get('/api/cost/anomalies', async (c) => {
    const query = listQuery(c, runtime.deps.now());
    const rows = await runtime.anomalies.listAnomalies(query);
    return c.json({ data: rows.map(anomalyJson) });
  });
  app.post('/api/cost/anomalies/:id/acknowledge', (c) => setStatus(c, runtime, 'acknowledged'));
  app.post('/api/cost/anomalies/:id/resolve', (c) => setStatus(c, runtime, 'resolved'));
}

async function setStatus(c: Context<GatewayEnv>, runtime: Runtime, status: AnomalyStatus) {
  requireWriter(c);
  const id = c.req.param('id') ?? '';
  const anomaly = id.length <= 100 ? await runtime.anomalies.getAnomaly(id) : undefined;
  if (!anomaly) throw new GatewayError('not_found', `Anomaly '${id.slice(0, 100)}' not found`);
  requireOrg(c, anomaly.orgId ?? undefined, `Anomaly '${id}'`);
  if (status === 'acknowledged' && anomaly.status === 'resolved') throw new GatewayError('invalid_request', `Anomaly '${id}' is already resolved`);
  const next: Anomaly = { ...anomaly, status, updatedMs: runtime.deps.now() };
  if (next.status !== anomaly.status) {
    await runtime.anomalies.updateAnomaly(next);
    runtime.log(`anomaly ${id} ${status} by ${adminOf(c).name}`);
  }
  return c.json(anomalyJson(next));
}

function listQuery(c: Context<GatewayEnv>, now: number): AnomalyQuery {
  const q = c.req.query();
  const status = q.status ?? 'all';
  if (status !== 'all' && !(ANOMALY_STATUSES as readonly string[]).includes(status)) {
    throw new GatewayError('invalid_request', `'status' must be one of open, acknowledged, resolved, all`, { param: 'status' });
  }
  const limit = q.limit === undefined ? 500 : Number(q.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new GatewayError('invalid_request', `'limit' must be an integer from 1 to 10000`, { param: 'limit' });
  const query: AnomalyQuery = { limit };
  if (status !== 'all') query.status = status as AnomalyStatus;
  if (q.from) query.fromMs = parseInstant(q.from, 'from', now);
  if (q.to) query.toMs = parseInstant(q.to, 'to', now);
  const admin = adminOf(c);
  if (admin.orgId !== undefined) {
    requireOrg(c, q.org ?? admin.orgId, `Org '${q.org ?? ''}'`);
    query.orgId = admin.orgId;
  } else if (q.org) query.orgId = q.org;
  return query;
}

/** ISO date, epoch milliseconds, or a span back from now (`7d`, `24h`, `30m`). */
function parseInstant(value: string, name: string, now: number): number {
  const relative = /^(\d{1,6})([dhm])$/.exec(value);
  if (relative) return now - Number(relative[1]) * { d: 86_400_000, h: 3_600_000, m: 60_000 }[relative[2] as 'd' | 'h' | 'm'];
  const ms = /^\d{1,16}$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) throw new GatewayError('invalid_request', `'${name}' must be an ISO date, epoch milliseconds or a span like 7d or 24h`, { param: name });
  return ms;
}
