import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { BudgetConfigInput, TollgateConfigInput } from '../../src/config/schema.ts';
import { withMock } from '../../src/mock-provider/index.ts';
import { startHarness, type Harness } from '../support/harness.ts';

/** $1 per million tokens in and out: a request's worst case is (input + output bound) micro-dollars. */
const FLAT_PRICES = [
  { model: 'gpt-4o-mini', inputPerMTokUsd: 1, outputPerMTokUsd: 1 },
  { model: 'gpt-4o', inputPerMTokUsd: 10, outputPerMTokUsd: 10 },
];

function withBudgets(budgets: BudgetConfigInput[], enforcement: Record<string, unknown> = {}, extra: Partial<TollgateConfigInput> = {}) {
  return (input: TollgateConfigInput): TollgateConfigInput => ({
    ...input,
    pricing: { overrides: FLAT_PRICES },
    budgets,
    enforcement: { queueTimeoutMs: 2_000, ...enforcement },
    alerts: { burnRate: false },
    ...extra,
  });
}

const messages = [{ role: 'user' as const, content: 'hi' }];

describe('budget refusals', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('#11.1 a budget refusal fails fast in both official SDKs with their default retries, with the reset time in a header and the message', async () => {
    h = await startHarness({ config: withBudgets([{ id: 'tiny', scope: 'project', org: 'demo', value: 'demo', period: 'monthly', limitUsd: 0.0001 }]) });
    const openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'demo' });
    expect(openai.maxRetries).toBe(2);
    const openaiError = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, max_tokens: 1_000 }).catch((e: unknown) => e);
    expect(openaiError).toBeInstanceOf(OpenAI.RateLimitError);
    const headers = (openaiError as InstanceType<typeof OpenAI.RateLimitError>).headers as unknown as Headers;
    const reset = headers.get('x-tollgate-budget-reset');
    expect(headers.get('x-should-retry')).toBe('false');
    expect(reset).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(reset!)).toBeGreaterThan(Date.now());
    expect((openaiError as Error).message).toContain(reset!);

    const anthropic = new Anthropic({ baseURL: h.url, apiKey: 'demo' });
    expect(anthropic.maxRetries).toBe(2);
    const anthropicError = await anthropic.messages.create({ model: 'gpt-4o-mini', max_tokens: 1_000, messages }).catch((e: unknown) => e);
    expect(anthropicError).toBeInstanceOf(Anthropic.RateLimitError);
    expect((anthropicError as Error).message).toContain(reset!);

    // Each SDK call reached the gateway once: no retry.
    const refused = (await h.ledger()).filter((row) => row.errorCode === 'budget_exceeded');
    expect(refused).toHaveLength(2);
  });

  it('#10.12 a refusal by an operator budget names neither its id nor its limit; the caller\'s own budget is named', async () => {
    h = await startHarness({
      config: withBudgets([
        { id: 'secret-global-cap', scope: 'global', period: 'daily', limitUsd: 0.000777 },
        { id: 'demo-own', scope: 'project', org: 'demo', value: 'demo', period: 'daily', limitUsd: 0.0005 },
      ]),
    });
    const openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'demo', maxRetries: 0 });
    // 1,000 output tokens: over both; the own budget is checked in order after the global one.
    const operator = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, max_tokens: 900 }).catch((e: unknown) => e);
    expect(operator).toBeInstanceOf(OpenAI.RateLimitError);
    const text = (operator as Error).message;
    expect(text).toMatch(/An operator budget \(daily\) has no room/);
    expect(text).not.toMatch(/secret-global-cap|0\.000777/);
    expect(((operator as InstanceType<typeof OpenAI.RateLimitError>).headers as unknown as Headers).get('x-tollgate-budget')).toBeNull();
    // Under the operator cap but over the project's: the project budget is the caller's and is named.
    const own = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, max_tokens: 600 }).catch((e: unknown) => e);
    expect((own as Error).message).toMatch(/Budget 'demo-own' \(project demo, daily\) has \$0\.0005 of \$0\.0005 left/);
    // A served request's remaining header speaks of the own budget only.
    const { response } = await openai.chat.completions.create(withMock({ model: 'gpt-4o-mini', messages, max_tokens: 100 }, { usage: { input: 10, output: 100 } })).withResponse();
    expect(Number(response.headers.get('x-tollgate-budget-remaining-usd'))).toBeCloseTo(0.0005 - 0.00011, 9);
  });

  it('#10.3 n and best_of multiply the worst case; absurd values are a 400; max_tokens 1e308 is refused, not a 500', async () => {
    h = await startHarness({ config: withBudgets([{ id: 'cent', scope: 'project', org: 'demo', value: 'demo', period: 'daily', limitUsd: 0.01 }]) });
    const openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'demo', maxRetries: 0 });
    // One choice of 1,000 tokens fits $0.01 ($0.001); 128 of them ($0.128) do not.
    await expect(openai.chat.completions.create(withMock({ model: 'gpt-4o-mini', messages, max_tokens: 1_000 }, { usage: { input: 10, output: 1_000 } }))).resolves.toBeDefined();
    const many = await openai.chat.completions.create(withMock({ model: 'gpt-4o-mini', messages, max_tokens: 1_000, n: 128 }, { usage: { input: 10, output: 128_000 } })).catch((e: unknown) => e);
    expect(many).toBeInstanceOf(OpenAI.RateLimitError);
    expect((many as Error).message).toMatch(/may cost up to \$0\.128/);
    const tooMany = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, max_tokens: 10, n: 129 }).catch((e: unknown) => e);
    expect(tooMany).toBeInstanceOf(OpenAI.BadRequestError);
    expect((tooMany as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('n');
    const bestOf = await openai.completions.create({ model: 'gpt-4o-mini', prompt: 'hi', max_tokens: 1_000, best_of: 20 }).catch((e: unknown) => e);
    expect(bestOf).toBeInstanceOf(OpenAI.RateLimitError);
    expect((bestOf as Error).message).toMatch(/may cost up to \$0\.02/);
    for (const body of [{ max_tokens: 1e308 }, { max_tokens: 1e308, n: 128 }, { max_completion_tokens: Number.MAX_SAFE_INTEGER }]) {
      const huge = await openai.chat.completions.create({ model: 'gpt-4o', messages, ...body } as never).catch((e: unknown) => e);
      // Refused at validation (max_tokens beyond 100,000,000) before the budget arithmetic sees it.
      expect(huge).toBeInstanceOf(OpenAI.BadRequestError);
      expect((huge as Error).message).not.toMatch(/NaN|Infinity/);
    }
    const rows = await h.ledger();
    expect(rows.filter((row) => row.status >= 500)).toEqual([]);
    // The only served request spent $0.00101: nothing else reached the upstream.
    expect(rows.reduce((sum, row) => sum + row.costNanoUsd, 0)).toBe(1_010_000);
  });

  it('#11.2 past a queue threshold, low priority queues and normal priority is still downgraded', async () => {
    h = await startHarness({
      config: withBudgets([
        {
          id: 'stacked',
          scope: 'project',
          org: 'demo',
          value: 'demo',
          period: 'daily',
          limitUsd: 0.01,
          thresholds: [
            { percent: 50, action: 'downgrade', downgradeTo: 'gpt-4o-mini' },
            { percent: 80, action: 'queue' },
            { percent: 100, action: 'block' },
          ],
        },
      ]),
    });
    const openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'demo', maxRetries: 0 });
    // $0.0082 spent on the cheap model (82%): past the queue threshold.
    await openai.chat.completions.create(withMock({ model: 'gpt-4o-mini', messages, max_tokens: 8_200 }, { usage: { input: 0, output: 8_190 } }));
    const { response } = await openai.chat.completions.create(withMock({ model: 'gpt-4o', messages, max_tokens: 100 }, { usage: { input: 10, output: 10 } })).withResponse();
    expect(response.headers.get('x-tollgate-model')).toBe('gpt-4o-mini');
    expect(response.headers.get('x-tollgate-budget-action')).toBe('downgrade:stacked');
    const low = await openai.chat.completions
      .create(withMock({ model: 'gpt-4o', messages, max_tokens: 100 }, { usage: { input: 10, output: 10 } }), { headers: { 'x-tollgate-priority': 'low' } })
      .catch((e: unknown) => e);
    expect(low).toBeInstanceOf(OpenAI.RateLimitError);
    expect((low as Error).message).toMatch(/held this low-priority request for the queue timeout/);
  });

  it("#10.12 a budget's own override token lifts that budget only, and every lift is audited (ledger, alert row)", async () => {
    h = await startHarness({
      config: withBudgets([
        { id: 'lifted', scope: 'project', org: 'demo', value: 'demo', period: 'daily', limitUsd: 0.0001, overrideToken: 'lifted-budget-token-0001' },
        { id: 'kept', scope: 'tag', org: 'demo', value: 'batch', period: 'daily', limitUsd: 0.0001 },
      ]),
    });
    const openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'demo', maxRetries: 0 });
    const ask = (headers: Record<string, string>) => openai.chat.completions.create(withMock({ model: 'gpt-4o-mini', messages, max_tokens: 500 }, { usage: { input: 10, output: 500 } }), { headers }).withResponse();
    await expect(ask({})).rejects.toMatchObject({ status: 429 });
    await expect(ask({ 'x-tollgate-budget-override': 'not-the-token-000000000' })).rejects.toMatchObject({ status: 429 });
    const lifted = await ask({ 'x-tollgate-budget-override': 'lifted-budget-token-0001' });
    expect(lifted.response.headers.get('x-tollgate-budget-action')).toBe('override');
    // The same token does not lift another budget (the tagged request meets 'kept' too).
    const blocked = await ask({ 'x-tollgate-budget-override': 'lifted-budget-token-0001', 'x-tollgate-tags': 'batch' }).catch((e: unknown) => e);
    expect((blocked as Error).message).toMatch(/Budget 'kept'/);
    expect((await h.ledger()).find((row) => row.id === lifted.response.headers.get('x-tollgate-request-id'))?.budgetAction).toBe('override');
    let audit: Array<{ kind: string; message: string }> = [];
    for (let i = 0; i < 50 && audit.length === 0; i += 1) {
      audit = ((await (await h.admin('/api/alerts')).json()) as { data: Array<{ kind: string; message: string }> }).data.filter((a) => a.kind.startsWith('override:'));
      if (audit.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(audit).toHaveLength(1);
    expect(audit[0]!.message).toMatch(/^Budget lifted: override \(budget\) by demo\/demo key=- let request .* through/);
  });
});
