import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatUsd } from '../../src/domain/money.ts';
import { withMock } from '../../src/mock-provider/index.ts';
import { startHarness, type Harness } from '../support/harness.ts';

/** Attribution, admin API, reports, metrics and health, against a real gateway and mock upstream. */
describe('attribution, admin API and metrics', () => {
  let h: Harness;
  const seeded = 'tg-seeded-secret-for-tests-0000000000';

  beforeAll(async () => {
    h = await startHarness({
      config: (input, mockUrl) => ({
        ...input,
        server: { ...input.server, anonymous: undefined },
        providers: { ...input.providers, 'local-llm': { kind: 'openai-compatible', baseUrl: `${mockUrl}/v1` } },
        models: { ...input.models, 'llama-local': { target: 'llama3.1:8b@local-llm' } },
        keys: [
          { name: 'team-a', secret: seeded, org: 'acme', project: 'search', tags: ['prod'], allowAttributionHeaders: true },
          { name: 'locked', secret: 'tg-locked-secret-for-tests-00000000', org: 'acme', project: 'billing', allowAttributionHeaders: false },
        ],
      }),
    });
  });
  afterAll(() => h.close());

  const messages = [{ role: 'user' as const, content: 'hello' }];

  it('a real config without anonymous access requires a key', async () => {
    const anon = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'whatever', maxRetries: 0 });
    await expect(anon.chat.completions.create({ model: 'gpt-4o-mini', messages })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('keys map to org/project; headers and OpenAI user refine user and tags where the key allows, never the project', async () => {
    const client = new OpenAI({
      baseURL: `${h.url}/v1`,
      apiKey: seeded,
      maxRetries: 0,
      defaultHeaders: { 'x-tollgate-project': 'search-experiments', 'x-tollgate-tags': 'batch,nightly' },
    });
    const { response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, user: 'alice' }).withResponse();
    const rows = await h.ledger();
    const row = rows.find((r) => r.id === response.headers.get('x-tollgate-request-id'));
    expect(row).toMatchObject({ orgId: 'acme', projectId: 'search', userId: 'alice' });
    expect(row?.tags).toEqual(expect.arrayContaining(['prod', 'batch', 'nightly']));
    expect(row?.keyId).toBeTruthy();

    const locked = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'tg-locked-secret-for-tests-00000000', maxRetries: 0, defaultHeaders: { 'x-tollgate-project': 'elsewhere' } });
    const second = await locked.chat.completions.create({ model: 'gpt-4o-mini', messages }).withResponse();
    const lockedRow = (await h.ledger()).find((r) => r.id === second.response.headers.get('x-tollgate-request-id'));
    expect(lockedRow?.projectId).toBe('billing');
  });

  it('an unpriced local model is flagged, never a silent $0', async () => {
    const client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: seeded, maxRetries: 0 });
    const { response } = await client.chat.completions.create(withMock({ model: 'llama-local', messages }, { usage: { input: 10, output: 5 } })).withResponse();
    expect(response.headers.get('x-tollgate-cost-usd')).toBeNull();
    expect(response.headers.get('x-tollgate-unpriced')).toBe('true');
    const row = (await h.ledger()).find((r) => r.id === response.headers.get('x-tollgate-request-id'));
    expect(row).toMatchObject({ priced: false, costNanoUsd: 0, servedModel: expect.stringContaining('llama3.1') });
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toMatch(/tollgate_unpriced_requests_total\{[^}]*\} [1-9]/);
  });

  it('the admin API is guarded and reports match the ledger to the nano-dollar', async () => {
    expect((await fetch(`${h.url}/api/keys`)).status).toBe(401);
    const keys = (await (await h.admin('/api/keys')).json()) as { data: Array<{ name: string; prefix: string }> };
    expect(keys.data.map((k) => k.name)).toEqual(expect.arrayContaining(['team-a', 'locked']));
    expect(JSON.stringify(keys)).not.toContain(seeded);

    const badReport = await h.admin('/api/report?by=colour');
    expect(badReport.status).toBe(400);

    const report = (await (await h.admin('/api/report?by=project,model')).json()) as { totals: { costNanoUsd: number; requests: number } };
    const rows = await h.ledger();
    const ledgerTotal = rows.reduce((sum, r) => sum + r.costNanoUsd, 0);
    expect(report.totals.costNanoUsd).toBe(ledgerTotal);
    expect(report.totals.requests).toBe(rows.length);

    const prices = (await (await h.admin('/api/prices/gpt-4o-mini')).json()) as { targets: Array<{ inputPerMTokUsd: string }> };
    expect(prices.targets[0]?.inputPerMTokUsd).toBe('0.15');
  });

  it('/metrics exports requests, tokens and a cost total equal to the ledger; health and readiness answer', async () => {
    const text = await (await fetch(`${h.url}/metrics`)).text();
    for (const name of ['tollgate_requests_total', 'tollgate_tokens_total', 'tollgate_cost_usd_total', 'tollgate_request_duration_seconds_bucket']) {
      expect(text).toContain(name);
    }
    const costLines = text.split('\n').filter((line) => line.startsWith('tollgate_cost_usd_total{'));
    const metricNano = costLines.reduce((sum, line) => sum + Math.round(Number(line.split(' ').at(-1)) * 1e9), 0);
    const rows = await h.ledger();
    expect(formatUsd(metricNano)).toBe(formatUsd(rows.reduce((sum, r) => sum + r.costNanoUsd, 0)));

    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    const ready = (await (await fetch(`${h.url}/readyz`)).json()) as { status: string; store: string };
    expect(ready).toMatchObject({ status: 'ready', store: 'sqlite' });
  });
});
