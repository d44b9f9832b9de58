import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import type { BudgetConfigInput, TollgateConfigInput } from '../../src/config/schema.ts';
import { withMock } from '../../src/mock-provider/index.ts';
import { startHarness, type Harness } from '../support/harness.ts';

/** $1 per million tokens in and out: a request's worst case is (input + max_tokens) micro-dollars. */
const FLAT_PRICES = [
  { model: 'gpt-4o-mini', inputPerMTokUsd: 1, outputPerMTokUsd: 1 },
  { model: 'gpt-4o', inputPerMTokUsd: 10, outputPerMTokUsd: 10 },
];

function withBudgets(budgets: BudgetConfigInput[], extra: Partial<TollgateConfigInput> = {}) {
  return (input: TollgateConfigInput): TollgateConfigInput => ({
    ...input,
    pricing: { overrides: FLAT_PRICES },
    budgets,
    enforcement: { queueTimeoutMs: 5_000, overrideToken: 'override-token-for-tests-0001' },
    ...extra,
  });
}

const messages = [{ role: 'user' as const, content: 'hi' }];

describe('budget enforcement end to end', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a request without max_tokens reserves a learnt output bound, not the configured worst case, once the model has a history', async () => {
    // $1/M tokens: the 100,000-token default worst case ($0.1) does not fit a $0.01 budget; 25 learnt tokens do.
    h = await startHarness({
      config: withBudgets([{ id: 'small', scope: 'project', org: 'demo', value: 'demo', period: 'daily', limitUsd: 0.01, thresholds: [{ percent: 100, action: 'block' }] }], {
        enforcement: { queueTimeoutMs: 5_000, defaultMaxOutputTokens: 100_000 },
      }),
    });
    const openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'none', maxRetries: 0 });
    const uncapped = () => openai.chat.completions.create(withMock({ model: 'gpt-4o-mini', messages }, { text: 'ok', usage: { input: 10, output: 20 } }));
    await expect(uncapped()).rejects.toMatchObject({ status: 429 });
    for (let i = 0; i < 60; i += 1) await openai.chat.completions.create(withMock({ model: 'gpt-4o-mini', messages, max_tokens: 30 }, { text: 'ok', usage: { input: 10, output: 20 } }));
    expect(h.server.gateway.runtime.budgets.outputBounds.bound('gpt-4o-mini')).toBe(25);
    await expect(uncapped()).resolves.toBeDefined();
  });

  it('block: a request that does not fit gets a 429 naming the budget, in each SDK, and the ledger records it', async () => {
    h = await startHarness({ config: withBudgets([{ id: 'demo-daily', scope: 'project', org: 'demo', value: 'demo', period: 'daily', limitUsd: 0.0005 }]) });
    const openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'demo', maxRetries: 0 });
    const served: string[] = [];
    let refusal: unknown;
    for (let i = 0; i < 10 && !refusal; i += 1) {
      try {
        const { response } = await openai.chat.completions.create(withMock({ model: 'gpt-4o-mini', messages, max_tokens: 100 }, { usage: { input: 10, output: 100 } })).withResponse();
        served.push(response.headers.get('x-tollgate-budget-remaining-usd') ?? '');
      } catch (error) {
        refusal = error;
      }
    }
    expect(served.length).toBeGreaterThanOrEqual(3);
    expect(refusal).toBeInstanceOf(OpenAI.RateLimitError);
    expect((refusal as Error).message).toMatch(/demo-daily.*project demo.*daily/);
    expect(Number(served[0])).toBeGreaterThan(Number(served.at(-1)));
    const anthropic = new Anthropic({ baseURL: h.url, apiKey: 'demo', maxRetries: 0 });
    const anError = await anthropic.messages.create({ model: 'gpt-4o-mini', max_tokens: 100, messages }).catch((e: unknown) => e);
    expect(anError).toBeInstanceOf(Anthropic.RateLimitError);
    const rows = await h.ledger();
    expect(rows.at(-1)).toMatchObject({ status: 429, errorCode: 'budget_exceeded' });
    const spent = rows.reduce((sum, r) => sum + r.costNanoUsd, 0);
    expect(spent).toBeLessThanOrEqual(500_000);

    // An audited override passes a blocking budget.
    const forced = await openai.chat.completions
      .create(withMock({ model: 'gpt-4o-mini', messages, max_tokens: 100 }, { usage: { input: 10, output: 100 } }), { headers: { 'x-tollgate-budget-override': 'override-token-for-tests-0001' } })
      .withResponse();
    expect(forced.response.headers.get('x-tollgate-budget-action')).toBe('override');
    expect((await h.ledger()).at(-1)?.budgetAction).toBe('override');
  });

  it('downgrade: past the threshold the cheaper model serves, and the response says so', async () => {
    h = await startHarness({
      config: withBudgets([
        {
          id: 'gpt4o-cap',
          scope: 'project',
          org: 'demo',
          value: 'demo',
          period: 'monthly',
          limitUsd: 0.02,
          thresholds: [
            { percent: 50, action: 'downgrade', downgradeTo: 'gpt-4o-mini' },
            { percent: 100, action: 'block' },
          ],
        },
      ]),
    });
    const openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'demo', maxRetries: 0 });
    const models: string[] = [];
    const actions: (string | null)[] = [];
    for (let i = 0; i < 6; i += 1) {
      const { response } = await openai.chat.completions.create(withMock({ model: 'gpt-4o', messages, max_tokens: 300 }, { usage: { input: 10, output: 300 } })).withResponse();
      models.push(response.headers.get('x-tollgate-model') ?? '');
      actions.push(response.headers.get('x-tollgate-budget-action'));
    }
    expect(models[0]).toBe('gpt-4o');
    expect(models.at(-1)).toBe('gpt-4o-mini');
    expect(actions.at(-1)).toBe('downgrade:gpt4o-cap');
    const last = (await h.ledger()).at(-1);
    expect(last).toMatchObject({ requestedModel: 'gpt-4o', servedModel: 'gpt-4o-mini', budgetAction: 'downgrade:gpt4o-cap', status: 200 });
  });

  it('queue: low-priority work waits for headroom while normal work is refused at once', async () => {
    h = await startHarness({
      config: withBudgets([{ id: 'tight', scope: 'global', period: 'daily', limitUsd: 0.0025, thresholds: [{ percent: 100, action: 'queue' }] }]),
    });
    const openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'demo', maxRetries: 0 });
    const slow = () => openai.chat.completions.create(withMock({ model: 'gpt-4o-mini', messages, max_tokens: 1000 }, { latencyMs: 600, usage: { input: 10, output: 10 } }));
    // Two slow requests reserve their worst case (about $0.001 each) and fill the budget.
    const inFlight = [slow(), slow()];
    await new Promise((resolve) => setTimeout(resolve, 150));
    const normal = await openai.chat.completions.create(withMock({ model: 'gpt-4o-mini', messages, max_tokens: 1000 }, {})).catch((e: unknown) => e);
    expect(normal).toBeInstanceOf(OpenAI.RateLimitError);
    const started = Date.now();
    const low = await openai.chat.completions
      .create(withMock({ model: 'gpt-4o-mini', messages, max_tokens: 1000 }, { usage: { input: 10, output: 10 } }), { headers: { 'x-tollgate-priority': 'low' } })
      .withResponse();
    const waited = Date.now() - started;
    await Promise.all(inFlight);
    expect(waited).toBeGreaterThan(250);
    expect(low.response.headers.get('x-tollgate-budget-action')).toMatch(/^queued:tight:\d+ms$/);
    expect((await h.ledger()).find((r) => r.id === low.response.headers.get('x-tollgate-request-id'))?.budgetAction).toMatch(/^queued:tight/);
  });
});

describe('budget alerts, admin API and validation', () => {
  let h: Harness;
  let receiver: Server;
  const received: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push(JSON.parse(body) as Record<string, unknown>);
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    h = await startHarness({
      config: withBudgets(
        [{ id: 'alerting', scope: 'global', period: 'monthly', limitUsd: 0.001, thresholds: [{ percent: 50, action: 'alert' }, { percent: 100, action: 'block' }] }],
        { alerts: { webhookUrl, burnRate: false } },
      ),
    });
  });
  afterAll(async () => {
    await h.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('a threshold crossing is delivered once to the webhook (Slack-compatible), the alerts table and the status', async () => {
    const openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'demo', maxRetries: 0 });
    for (let i = 0; i < 4; i += 1) {
      await openai.chat.completions.create(withMock({ model: 'gpt-4o-mini', messages, max_tokens: 150 }, { usage: { input: 10, output: 150 } })).catch(() => undefined);
    }
    const deadline = Date.now() + 5_000;
    while (received.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ budget: 'alerting', kind: 'threshold:50' });
    expect(String(received[0]!.text)).toMatch(/alerting/);
    const alerts = (await (await h.admin('/api/alerts')).json()) as { data: Array<{ kind: string }> };
    expect(alerts.data.map((a) => a.kind)).toEqual(['threshold:50']);
    const status = (await (await h.admin('/api/budgets')).json()) as { data: Array<{ id: string; percent: number; remainingUsd: string }> };
    expect(status.data[0]).toMatchObject({ id: 'alerting' });
    expect(status.data[0]!.percent).toBeGreaterThanOrEqual(50);
  });

  it('budgets can be added and removed through the admin API; invalid ones get a clear 400', async () => {
    const bad = await h.admin('/api/budgets', { method: 'POST', body: JSON.stringify({ id: 'x', scope: 'planet', period: 'daily', limitUsd: -5 }) });
    expect(bad.status).toBe(400);
    const message = ((await bad.json()) as { error: { message: string } }).error.message;
    expect(message).toMatch(/scope/);
    expect(message).toMatch(/limitUsd/);
    const created = await h.admin('/api/budgets', { method: 'POST', body: JSON.stringify({ id: 'api-made', scope: 'project', org: 'demo', value: 'demo', period: 'weekly', limitUsd: 5 }) });
    expect(created.status).toBe(201);
    const ids = ((await (await h.admin('/api/budgets')).json()) as { data: Array<{ id: string }> }).data.map((b) => b.id);
    expect(ids).toEqual(['alerting', 'api-made']);
    expect((await h.admin('/api/budgets/api-made', { method: 'DELETE' })).status).toBe(200);
  });

  it('bad budget definitions in config are rejected with the reason', () => {
    const base = { providers: { p: { kind: 'openai', baseUrl: 'https://api.openai.com/v1' } } };
    expect(() => parseConfig({ ...base, budgets: [{ id: 'a', scope: 'project', period: 'daily', limitUsd: 5 }] }, {})).toThrow(/value is required/);
    expect(() => parseConfig({ ...base, budgets: [{ id: 'a', scope: 'global', period: 'hourly', limitUsd: 5 }] }, {})).toThrow(/period/);
    expect(() => parseConfig({ ...base, budgets: [{ id: 'a', scope: 'global', period: 'daily', limitUsd: 0 }] }, {})).toThrow(/limitUsd/);
    expect(() => parseConfig({ ...base, budgets: [{ id: 'a', scope: 'global', period: 'daily', limitUsd: 5, timezone: 'Mars/Olympus' }] }, {})).toThrow(/time zone/);
  });
});
