import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withMock } from '../../src/mock-provider/index.ts';
import { startHarness, type Harness } from '../support/harness.ts';

/**
 * A client that hangs up while the upstream works on a whole (non-streamed) answer: the provider
 * bills the prompt all the same, so the 499 row counts the estimated prompt (marked estimated) and
 * the budget is charged for it, as for a stream cut off mid-way. Before, the row said $0: hanging up
 * just before each answer spent real money that no budget ever saw.
 */
describe('a client that leaves while the upstream answers', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      config: (input) => ({ ...input, cache: { enabled: false }, budgets: [{ id: 'demo-day', scope: 'project', org: 'demo', value: 'demo', period: 'daily', limitUsd: 100 }] }),
    });
  });
  afterAll(() => h.close());

  async function leaveEarly(path: string, body: Record<string, unknown>) {
    const before = (await h.ledger()).length;
    const controller = new AbortController();
    const sent = fetch(`${h.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer anonymous' }, body: JSON.stringify(body), signal: controller.signal });
    sent.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 300));
    controller.abort();
    const rows = await h.ledgerBeyond(before);
    expect(rows.length).toBe(before + 1);
    return rows.at(-1)!;
  }

  const prompt = Array.from({ length: 300 }, (_, index) => `word${index}`).join(' ');

  it('chat completions: a 499 row with the estimated prompt and its cost, charged to the budget', async () => {
    const row = await leaveEarly('/v1/chat/completions', withMock({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }] }, { latencyMs: 2_000 }));
    expect(row).toMatchObject({ status: 499, errorCode: 'client_closed', provider: 'mock-openai', estimated: true, outputTokens: 0 });
    expect(row.inputTokens).toBeGreaterThan(300);
    expect(row.costNanoUsd).toBeGreaterThan(0);
    const budgets = (await (await h.admin('/api/budgets')).json()) as { data: { id: string; usedUsd: string }[] };
    expect(Number(budgets.data.find((b) => b.id === 'demo-day')?.usedUsd)).toBeGreaterThan(0);
  });

  it('Anthropic messages: the same', async () => {
    const row = await leaveEarly('/v1/messages', withMock({ model: 'claude-3-5-haiku-latest', max_tokens: 50, messages: [{ role: 'user', content: prompt }] }, { latencyMs: 2_000 }));
    expect(row).toMatchObject({ status: 499, errorCode: 'client_closed', provider: 'mock-anthropic', estimated: true });
    expect(row.inputTokens).toBeGreaterThan(300);
    expect(row.costNanoUsd).toBeGreaterThan(0);
  });
});
