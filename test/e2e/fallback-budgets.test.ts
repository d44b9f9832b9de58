import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockProvider } from '../../src/mock-provider/index.ts';
import type { MockProvider } from '../../src/mock-provider/types.ts';
import { startHarness, type Harness } from '../support/harness.ts';

/**
 * A fallback to a dearer target re-checks the budgets: the extra worst case is reserved before the
 * call, and a fallback the budgets have no room for is skipped rather than overspending.
 * Prices: $1/M tokens for the primary, $100/M for the fallback; max_tokens 1,000.
 */
describe('fallbacks under budgets', () => {
  let flaky: MockProvider;
  let h: Harness;
  const limitFor = (usd: number) => ({ id: 'tight', scope: 'project' as const, org: 'demo', value: 'demo', period: 'daily' as const, limitUsd: usd, thresholds: [{ percent: 100, action: 'block' as const }] });

  beforeAll(async () => {
    flaky = await startMockProvider({ port: 0 });
    h = await startHarness({
      config: (input) => ({
        ...input,
        providers: { ...input.providers, flaky: { kind: 'openai-compatible', baseUrl: `${flaky.url}/v1` } },
        models: { resilient: { target: 'cheap-model@flaky', fallbacks: ['dear-model@mock-openai'] } },
        pricing: {
          overrides: [
            { model: 'cheap-model', inputPerMTokUsd: 1, outputPerMTokUsd: 1 },
            { model: 'dear-model', inputPerMTokUsd: 100, outputPerMTokUsd: 100 },
          ],
        },
        routing: { attemptsPerTarget: 1, backoffMs: 1, breakerThreshold: 1_000, breakerCooldownMs: 1_000 },
      }),
    });
    flaky.setDefaults({ fail: { status: 500 } });
  });
  afterAll(async () => {
    await h.close();
    await flaky.close();
  });

  const ask = (client: OpenAI) => client.chat.completions.create({ model: 'resilient', max_tokens: 1_000, messages: [{ role: 'user', content: 'hello' }] }).withResponse();
  const client = () => new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'none', maxRetries: 0 });

  it('no room for the dearer fallback: it is skipped, the client gets the upstream error, nothing is overspent', async () => {
    // Fits the primary's worst case (~$0.001) but not the fallback's (~$0.1).
    expect((await h.admin('/api/budgets', { method: 'POST', body: JSON.stringify(limitFor(0.01)) })).status).toBe(201);
    const failed = await ask(client()).then(
      () => undefined,
      (error: unknown) => error as { status: number },
    );
    expect(failed?.status).toBeGreaterThanOrEqual(500);
    const row = (await h.ledger()).at(-1)!;
    expect(row.route?.summary).toMatch(/skipped:dear-model@mock-openai\(budget\)/);
    expect(row.route?.skipped).toEqual([{ target: 'dear-model@mock-openai', why: 'budget' }]);
    expect(row.costNanoUsd).toBe(0);
    expect(h.mock.requests).toHaveLength(0);
  });

  it('room for it: the fallback serves, and every reservation is released (used = what was spent)', async () => {
    // Raise the budget made by the test before (POST on an existing id is a 409: PUT replaces).
    expect((await h.admin('/api/budgets/tight', { method: 'PUT', body: JSON.stringify(limitFor(1)) })).status).toBe(200);
    const { response } = await ask(client());
    expect(response.headers.get('x-tollgate-provider')).toBe('mock-openai');
    const rows = await h.ledger();
    const spent = rows.reduce((sum, row) => sum + row.costNanoUsd, 0);
    expect(spent).toBeGreaterThan(0);
    // Settling is asynchronous; the status shows spent + in-flight reservations.
    let used = '';
    for (let i = 0; i < 50; i += 1) {
      const status = (await (await h.admin('/api/budgets')).json()) as { data: Array<{ id: string; usedUsd: string }> };
      used = status.data.find((b) => b.id === 'tight')!.usedUsd;
      if (Number(used) * 1e9 === spent) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(Math.round(Number(used) * 1e9)).toBe(spent);
  });
});
