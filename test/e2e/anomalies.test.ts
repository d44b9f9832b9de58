import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TollgateConfigInput } from '../../src/config/schema.ts';
import type { LedgerRecord } from '../../src/ledger/record.ts';
import { runCli } from '../support/cli.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { ledgerRecord } from '../support/ledger-records.ts';

const HOUR = 3_600_000;
/** The test's clock: 10:05 UTC, so the hour 09:00-10:00 has just closed. */
let nowMs = Date.parse('2026-11-20T10:05:00Z');
const closedHour = () => Math.floor(nowMs / HOUR) * HOUR - HOUR;
const VIEWER = 'anomalies-viewer-secret-00000000';
const GLOBEX_ADMIN = 'anomalies-globex-admin-secret-000';
const ACME_ADMIN = 'anomalies-acme-admin-secret-00000';

interface AnomalyBody {
  id: string;
  kind: string;
  severity: string;
  orgId: string | null;
  series: { dimension: string; value: string | null };
  startMs: number;
  endMs: number | null;
  atStakeNanoUsd: number;
  atStakeUsd: string;
  rootCause: { dimension: string; value: string; share: number; deltaNanoUsd: number }[];
  status: string;
  message: string;
}

/** Nine days of steady hourly spend in org acme (project web: two keys; project batch: one), with a daily cycle, up to the hour that closes next. */
function history(): LedgerRecord[] {
  const rows: LedgerRecord[] = [];
  const end = closedHour() + HOUR;
  for (let hourMs = end - 9 * 24 * HOUR; hourMs <= end; hourMs += HOUR) {
    const hourOfDay = new Date(hourMs).getUTCHours();
    const cycle = 1 + 0.5 * Math.sin((hourOfDay / 24) * 2 * Math.PI);
    for (const [projectId, keyId, usd] of [['web', 'key-web-1', 0.4], ['web', 'key-web-2', 0.3], ['batch', 'key-batch', 0.5]] as const) {
      rows.push(row(hourMs, projectId, keyId, Math.round(usd * cycle * 1e9)));
    }
  }
  return rows;
}

function row(hourMs: number, projectId: string, keyId: string, costNanoUsd: number): LedgerRecord {
  return ledgerRecord({ timeMs: hourMs + 17 * 60_000, orgId: 'acme', projectId, keyId, userId: null, costNanoUsd, inputCostNanoUsd: costNanoUsd, outputCostNanoUsd: 0 });
}

describe('anomalies end to end: real gateway, real SQLite ledger, real webhook', () => {
  let h: Harness;
  let hook: Server;
  const delivered: { text: string; kind: string }[] = [];
  const as = (secret: string, path: string, method = 'GET') => fetch(`${h.url}${path}`, { method, headers: { authorization: `Bearer ${secret}` } });
  const list = async (query = '') => ((await (await h.admin(`/api/cost/anomalies${query}`)).json()) as { data: AnomalyBody[] }).data;

  beforeAll(async () => {
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        delivered.push(JSON.parse(body) as { text: string; kind: string });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    h = await startHarness({
      now: () => nowMs,
      config: (input: TollgateConfigInput) => ({
        ...input,
        // The hourly scheduler is off: the test runs the check itself, at the hours it chooses.
        alerts: { webhookUrl: hookUrl, burnRate: false, anomalies: false },
        admin: {
          keys: [
            { name: 'ops-viewer', secret: VIEWER, role: 'viewer' },
            { name: 'globex-admin', secret: GLOBEX_ADMIN, role: 'admin', org: 'globex' },
            { name: 'acme-admin', secret: ACME_ADMIN, role: 'admin', org: 'acme' },
          ],
        },
      }),
    });
  });
  afterAll(async () => {
    await h?.close();
    await new Promise((resolve) => hook?.close(resolve));
  });

  it('before any spend: 200 with an empty list, and a check finds nothing', async () => {
    const response = await h.admin('/api/cost/anomalies');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: [] });
    expect(await h.server.gateway.runtime.checkAnomalies()).toEqual([]);
  });

  it('a steady week raises nothing; a 10x runaway key in the closed hour is found, named, priced and delivered once', async () => {
    const runtime = h.server.gateway.runtime;
    await runtime.ledger.append(history());
    nowMs += HOUR; // a new hour closes over the clean history: nothing to say
    expect(await runtime.checkAnomalies()).toEqual([]);
    expect(await list()).toEqual([]);

    // key-web-2 runs away: ten times its usual spend in the hour that closes next.
    const spikeHour = closedHour() + HOUR;
    const usual = Math.round(0.3 * (1 + 0.5 * Math.sin((new Date(spikeHour).getUTCHours() / 24) * 2 * Math.PI)) * 1e9);
    const usualOthers = [0.4, 0.5].map((usd) => Math.round(usd * (1 + 0.5 * Math.sin((new Date(spikeHour).getUTCHours() / 24) * 2 * Math.PI)) * 1e9));
    await runtime.ledger.append([row(spikeHour, 'web', 'key-web-1', usualOthers[0]!), row(spikeHour, 'batch', 'key-batch', usualOthers[1]!), ...Array.from({ length: 10 }, () => row(spikeHour, 'web', 'key-web-2', usual))]);
    nowMs += HOUR;
    const found = await runtime.checkAnomalies();
    expect(found).toHaveLength(1);

    const [anomaly] = await list('?status=open');
    // key-web-2 is above the volume floor (5% of its project's past week), judged on its own: the most specific series tells it.
    expect(anomaly).toMatchObject({ kind: 'spike', orgId: 'acme', series: { dimension: 'key', value: 'key-web-2' }, startMs: spikeHour, endMs: null, status: 'open' });
    expect(anomaly!.rootCause[0]).toMatchObject({ dimension: 'key', value: 'key-web-2' });
    expect(anomaly!.rootCause[0]!.share).toBeGreaterThan(0.95);
    // At stake: what the hour cost beyond the usual, 9x key-web-2's usual spend.
    expect(anomaly!.atStakeNanoUsd).toBeGreaterThan(8.5 * usual);
    expect(anomaly!.atStakeNanoUsd).toBeLessThan(9.5 * usual);
    expect(anomaly!.atStakeUsd).toBe(String(anomaly!.atStakeNanoUsd / 1e9));
    expect(['high', 'critical']).toContain(anomaly!.severity);
    expect(anomaly!.message).toMatch(/^Key key-web-2 spiked to \$[\d.]+ in the hour from .*, 10\.0x the usual .* key key-web-2 explains 100%/);

    await waitFor(() => delivered.length >= 1);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.kind).toBe('anomaly:spike');
    expect(delivered[0]!.text).toContain(anomaly!.id);
    // The alert is in the alerts table too.
    const alerts = (await (await h.admin('/api/alerts?limit=100')).json()) as { data: { budgetId: string; kind: string }[] };
    expect(alerts.data).toContainEqual(expect.objectContaining({ budgetId: 'anomaly:acme:key=key-web-2', kind: 'anomaly:spike' }));
  });

  it('the runaway continuing updates the same anomaly (more at stake), never a second message; quiet hours end the episode', async () => {
    const runtime = h.server.gateway.runtime;
    const [before] = await list();
    expect(await runtime.checkAnomalies()).toEqual([]); // the same hour again: no change
    const spikeHour = closedHour() + HOUR;
    const factor = 1 + 0.5 * Math.sin((new Date(spikeHour).getUTCHours() / 24) * 2 * Math.PI);
    await runtime.ledger.append([row(spikeHour, 'web', 'key-web-1', Math.round(0.4 * factor * 1e9)), row(spikeHour, 'batch', 'key-batch', Math.round(0.5 * factor * 1e9)), row(spikeHour, 'web', 'key-web-2', Math.round(3 * factor * 1e9))]);
    nowMs += HOUR;
    await runtime.checkAnomalies();
    const after = await list();
    expect(after).toHaveLength(1);
    expect(after[0]!.id).toBe(before!.id);
    expect(after[0]!.atStakeNanoUsd).toBeGreaterThan(before!.atStakeNanoUsd);
    expect(after[0]!.endMs).toBeNull();
    // Back to normal for three hours: the episode ends after its last anomalous hour.
    for (let i = 0; i < 3; i++) {
      const hourMs = closedHour() + HOUR;
      const f = 1 + 0.5 * Math.sin((new Date(hourMs).getUTCHours() / 24) * 2 * Math.PI);
      await runtime.ledger.append([row(hourMs, 'web', 'key-web-1', Math.round(0.4 * f * 1e9)), row(hourMs, 'web', 'key-web-2', Math.round(0.3 * f * 1e9)), row(hourMs, 'batch', 'key-batch', Math.round(0.5 * f * 1e9))]);
      nowMs += HOUR;
      await runtime.checkAnomalies();
    }
    const ended = await list();
    expect(ended).toHaveLength(1);
    expect(ended[0]!.endMs).toBe(spikeHour + HOUR);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(delivered).toHaveLength(1);
  });

  it('viewers read but get 403 on acknowledge and resolve; another org admin sees nothing and gets 404', async () => {
    const [anomaly] = await list();
    const viewed = await as(VIEWER, '/api/cost/anomalies');
    expect(viewed.status).toBe(200);
    expect(((await viewed.json()) as { data: AnomalyBody[] }).data.map((a) => a.id)).toEqual([anomaly!.id]);
    for (const verb of ['acknowledge', 'resolve']) {
      const refused = await as(VIEWER, `/api/cost/anomalies/${anomaly!.id}/${verb}`, 'POST');
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { error: { type: string } }).error.type).toBe('permission_error');
    }
    const globex = await as(GLOBEX_ADMIN, '/api/cost/anomalies');
    expect(((await globex.json()) as { data: unknown[] }).data).toEqual([]);
    expect((await as(GLOBEX_ADMIN, '/api/cost/anomalies?org=acme')).status).toBe(404);
    expect((await as(GLOBEX_ADMIN, `/api/cost/anomalies/${anomaly!.id}/acknowledge`, 'POST')).status).toBe(404);
    expect((await as(ACME_ADMIN, '/api/cost/anomalies').then((r) => r.json()) as { data: AnomalyBody[] }).data.map((a) => a.id)).toEqual([anomaly!.id]);
    expect((await list())[0]!.status).toBe('open');
  });

  it('acknowledge and resolve change the status (the org admin may), filters follow; bad input is a 400 or 404', async () => {
    const [anomaly] = await list();
    const acked = await as(ACME_ADMIN, `/api/cost/anomalies/${anomaly!.id}/acknowledge`, 'POST');
    expect(acked.status).toBe(200);
    expect(await acked.json()).toMatchObject({ id: anomaly!.id, status: 'acknowledged' });
    expect(await list('?status=open')).toEqual([]);
    expect((await list('?status=acknowledged')).map((a) => a.id)).toEqual([anomaly!.id]);

    const cli = await runCli(h, ['anomalies', 'resolve', anomaly!.id]);
    expect(cli.out).toContain(`anomaly ${anomaly!.id} is resolved`);
    expect(cli.code).toBe(0);
    expect((await list('?status=resolved')).map((a) => a.id)).toEqual([anomaly!.id]);
    const again = await h.admin(`/api/cost/anomalies/${anomaly!.id}/acknowledge`, { method: 'POST' });
    expect(again.status).toBe(400);
    const csv = await runCli(h, ['anomalies', '--status', 'all', '--format', 'csv']);
    expect(csv.code).toBe(0);
    expect(csv.out.split('\n')[0]).toMatch(/^id,kind,severity,status/);
    expect(csv.out).toContain(`${anomaly!.id},spike,`);

    // The time filter: an episode touching the window is listed; one entirely before it is not.
    expect(await list(`?status=all&from=${anomaly!.endMs! + 1}`)).toEqual([]);
    expect(await list(`?status=all&from=${anomaly!.startMs}&to=${anomaly!.startMs + 1}`)).toHaveLength(1);

    for (const query of ['?status=bogus', '?from=yesterday-ish', '?limit=0', '?limit=__proto__']) {
      const response = await h.admin(`/api/cost/anomalies${query}`);
      expect(response.status, query).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/status|from|limit/);
    }
    for (const id of ['nope', '__proto__', 'x'.repeat(5000)]) {
      expect((await h.admin(`/api/cost/anomalies/${id}/resolve`, { method: 'POST' })).status, id.slice(0, 10)).toBe(404);
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
