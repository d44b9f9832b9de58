import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerRecord } from '../../src/ledger/record.ts';
import { startHarness, type Harness } from '../support/harness.ts';

/**
 * The route decision is stored structured and served as an object: a routed request whose first
 * pick is down falls back through the real gateway to the mock provider, `/api/ledger` shows which
 * target served, what was tried and why it failed, and the routing report counts the fallback from
 * those fields.
 */
describe('structured route decision', () => {
  let h: Harness;
  let client: OpenAI;

  beforeAll(async () => {
    h = await startHarness({
      config: (input) => ({
        ...input,
        // Port 1 refuses connections: the cheapest candidate always fails, with its own breaker.
        providers: { ...input.providers, down: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:1/v1', priceProvider: 'openai' } },
        models: { ...input.models, 'down-mini': { target: 'gpt-4o-mini@down' } },
        routes: { thrifty: { strategy: 'cheapest', candidates: ['down-mini', 'gpt-4o'] } },
        routing: { attemptsPerTarget: 1, backoffMs: 0, breakerThreshold: 100 },
      }),
    });
    client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'demo', maxRetries: 0 });
  });
  afterAll(async () => {
    await h.close();
  });

  const messages = [{ role: 'user' as const, content: 'hello there' }];
  async function ledgerRow(id: string | null): Promise<LedgerRecord> {
    const body = (await (await h.admin('/api/ledger?limit=1000')).json()) as { data: LedgerRecord[] };
    const row = body.data.find((r) => r.id === id);
    if (!row) throw new Error(`no ledger row ${id}`);
    return row;
  }

  it('a routed request that falls back: /api/ledger returns the decision as an object', async () => {
    const { response } = await client.chat.completions.create({ model: 'thrifty', messages }).withResponse();
    expect(response.headers.get('x-tollgate-provider')).toBe('mock-openai');
    expect(response.headers.get('x-tollgate-route')).toMatch(/^cheapest:down-mini .* \+fallback:gpt-4o@mock-openai$/);
    const row = await ledgerRow(response.headers.get('x-tollgate-request-id'));
    expect(row.route).toEqual({
      summary: response.headers.get('x-tollgate-route'),
      route: 'thrifty',
      strategy: 'cheapest',
      chosen: 'gpt-4o@mock-openai',
      reason: expect.stringMatching(/^down-mini is the cheapest for this request \(2 eligible of 2\)$/),
      fallbacks: 1,
      tried: [{ target: 'gpt-4o-mini@down', outcome: 'upstream_unavailable' }],
    });
  });

  it('a streamed routed request records the same decision', async () => {
    const { data: stream, response } = await client.chat.completions.create({ model: 'thrifty', messages, stream: true }).withResponse();
    for await (const _chunk of stream) {
      // drain
    }
    const row = await ledgerRow(response.headers.get('x-tollgate-request-id'));
    expect(row.stream).toBe(true);
    expect(row.route).toMatchObject({ strategy: 'cheapest', chosen: 'gpt-4o@mock-openai', fallbacks: 1, tried: [{ target: 'gpt-4o-mini@down', outcome: 'upstream_unavailable' }] });
  });

  it('a plain model served by its first target records no decision; the routing report counts fallbacks from the fields', async () => {
    const { response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages }).withResponse();
    expect(response.headers.get('x-tollgate-route')).toBeNull();
    expect((await ledgerRow(response.headers.get('x-tollgate-request-id'))).route).toBeNull();
    const report = (await (await h.admin('/api/routing/analytics')).json()) as { routedRequests: number; fallbacksFired: number; share: Array<{ target: string; requests: number }> };
    expect(report.routedRequests).toBe(2);
    expect(report.fallbacksFired).toBe(2);
    expect(report.share).toEqual([expect.objectContaining({ target: 'gpt-4o@mock-openai', requests: 2 })]);
  });
});
