import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withMock } from '../../src/mock-provider/index.ts';
import { startMockProvider } from '../../src/mock-provider/index.ts';
import type { MockProvider } from '../../src/mock-provider/types.ts';
import { startHarness, type Harness } from '../support/harness.ts';

/**
 * Routing end to end: strategies with explanations, and reliability against mock providers that
 * fail the ways real ones do (5xx, flaky, down, context too long).
 */
describe('routing end to end', () => {
  let h: Harness;
  let flaky: MockProvider;
  let client: OpenAI;

  beforeAll(async () => {
    flaky = await startMockProvider({ port: 0 });
    h = await startHarness({
      config: (input, mockUrl) => ({
        ...input,
        providers: {
          ...input.providers,
          flaky: { kind: 'openai-compatible', baseUrl: `${flaky.url}/v1`, priceProvider: 'openai' },
          'cpu-box': { kind: 'openai-compatible', baseUrl: `${mockUrl}/v1`, node: 'cpu-box' },
        },
        pricing: { localNodes: [{ id: 'cpu-box', hourlyUsd: 0.05 }] },
        models: {
          'gpt-4o-mini': { target: 'gpt-4o-mini@mock-openai', contextWindow: 8_000 },
          'gpt-4o': { target: 'gpt-4o@mock-openai', contextWindow: 128_000 },
          'claude-3-5-haiku-latest': { target: 'claude-3-5-haiku-latest@mock-anthropic', contextWindow: 200_000, capabilities: { tools: false } },
          llama: { target: 'llama3.1:8b@cpu-box', contextWindow: 8_192, capabilities: { tools: false } },
          resilient: { target: 'gpt-4o-mini@flaky', fallbacks: ['gpt-4o-mini@mock-openai'] },
          'short-first': { target: 'gpt-4o-mini@flaky', contextWindow: 8_000, fallbacks: ['gpt-4o@mock-openai'] },
          spread: { target: 'gpt-4o-mini@mock-openai', equivalents: ['gpt-4o-mini@flaky'] },
        },
        routes: { cheap: { strategy: 'cheapest', candidates: ['gpt-4o-mini', 'gpt-4o', 'claude-3-5-haiku-latest'] } },
        routing: { attemptsPerTarget: 2, backoffMs: 10, breakerThreshold: 3, breakerCooldownMs: 400 },
      }),
    });
    client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'demo', maxRetries: 0 });
  });
  afterAll(async () => {
    await h.close();
    await flaky.close();
  });
  beforeEach(() => flaky.reset());

  const messages = [{ role: 'user' as const, content: 'hello there' }];
  const lastRow = async () => (await h.ledger()).at(-1)!;

  it('a named route picks the cheapest qualifying model and explains itself in the header and the ledger', async () => {
    const { response } = await client.chat.completions.create({ model: 'cheap', messages }).withResponse();
    expect(response.headers.get('x-tollgate-model')).toBe('gpt-4o-mini');
    expect(response.headers.get('x-tollgate-route')).toMatch(/^cheapest:gpt-4o-mini \(3 considered/);
    expect((await lastRow()).route).toMatchObject({ route: 'cheap', strategy: 'cheapest', chosen: 'gpt-4o-mini@mock-openai', summary: expect.stringMatching(/^cheapest:gpt-4o-mini/) });
  });

  it('a 30k-token prompt skips the 8k model; a tools request skips models without tools', async () => {
    const long = await client.chat.completions.create({ model: 'cheap', messages: [{ role: 'user', content: 'token '.repeat(30_000) }] }).withResponse();
    expect(long.response.headers.get('x-tollgate-route')).toMatch(/gpt-4o-mini=context/);
    expect(long.response.headers.get('x-tollgate-model')).not.toBe('gpt-4o-mini');
    expect((await lastRow()).route?.skipped).toContainEqual({ target: 'gpt-4o-mini@mock-openai', why: 'context' });
    const tools = [{ type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }];
    const withTools = await client.chat.completions.create({ model: 'tollgate/cheapest', messages, tools }).withResponse();
    expect(withTools.response.headers.get('x-tollgate-route')).toMatch(/llama=tools/);
    expect(withTools.response.headers.get('x-tollgate-model')).toBe('gpt-4o-mini');
  });

  it('local-first keeps short prompts local and sends long ones to the cloud', async () => {
    const short = await client.chat.completions.create({ model: 'tollgate/local-first', messages }).withResponse();
    expect(short.response.headers.get('x-tollgate-model')).toBe('llama3.1:8b');
    const long = await client.chat.completions.create({ model: 'tollgate/local-first', messages: [{ role: 'user', content: 'token '.repeat(5_000) }] }).withResponse();
    expect(long.response.headers.get('x-tollgate-provider')).not.toBe('cpu-box');
  });

  it('retry: a flaky upstream that fails once is retried on the same target', async () => {
    const { data, response } = await client.chat.completions.create(withMock({ model: 'resilient', messages }, { fail: { status: 503, times: 1 }, key: 'retry-once', text: 'second time lucky' })).withResponse();
    expect(data.choices[0]?.message.content).toBe('second time lucky');
    expect(response.headers.get('x-tollgate-provider')).toBe('flaky');
    expect(flaky.requests).toHaveLength(2);
  });

  it('fallback: a target that keeps failing falls back to the next one, and the ledger says so', async () => {
    flaky.setDefaults({ fail: { status: 500 } });
    const { response } = await client.chat.completions.create({ model: 'resilient', messages }).withResponse();
    expect(response.headers.get('x-tollgate-provider')).toBe('mock-openai');
    expect(flaky.requests).toHaveLength(2);
    // A plain alias with fallbacks: no strategy, but the ledger names the fallback and why the first target failed.
    expect((await lastRow()).route).toMatchObject({ chosen: 'gpt-4o-mini@mock-openai', fallbacks: 1, tried: [{ target: 'gpt-4o-mini@flaky', outcome: 'upstream_error' }] });
    expect((await lastRow()).route?.summary).toMatch(/fallback:gpt-4o-mini@mock-openai/);
  });

  it('circuit breaker: after repeated failures the target is skipped, then tried again after the cooldown', async () => {
    flaky.setDefaults({ fail: { status: 500 } });
    // Two attempts per request: after the second request the breaker (threshold 3) is open.
    await client.chat.completions.create({ model: 'resilient', messages });
    await client.chat.completions.create({ model: 'resilient', messages });
    const before = flaky.requests.length;
    for (let i = 0; i < 5; i += 1) await client.chat.completions.create({ model: 'resilient', messages });
    expect(flaky.requests.length).toBe(before);
    await new Promise((resolve) => setTimeout(resolve, 450));
    flaky.setDefaults({});
    const { response } = await client.chat.completions.create({ model: 'resilient', messages }).withResponse();
    expect(response.headers.get('x-tollgate-provider')).toBe('flaky');
    expect(flaky.requests.length).toBe(before + 1);
  });

  it('context-length fallback: an upstream that says the prompt is too long hands over to a larger-context model', async () => {
    flaky.setDefaults({ fail: { status: 400, message: "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens." } });
    const { response } = await client.chat.completions.create({ model: 'short-first', messages }).withResponse();
    expect(response.headers.get('x-tollgate-model')).toBe('gpt-4o');
    expect(flaky.requests).toHaveLength(1);
    // A plain client error is not retried and not sent elsewhere.
    flaky.setDefaults({ fail: { status: 400, message: 'temperature must be between 0 and 2' } });
    const error = await client.chat.completions.create({ model: 'short-first', messages }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
  });

  it('feedback is stored and moves the measured quality; analytics report shares, fallbacks and savings against always-strong', async () => {
    const { response } = await client.chat.completions.create({ model: 'cheap', messages }).withResponse();
    const id = response.headers.get('x-tollgate-request-id')!;
    const posted = await h.admin('/api/feedback', { method: 'POST', body: JSON.stringify({ requestId: id, score: 0, comment: 'wrong capital' }) });
    expect(posted.status).toBe(201);
    expect((await h.admin('/api/feedback', { method: 'POST', body: JSON.stringify({ requestId: 'nope', score: 1 }) })).status).toBe(404);
    expect((await h.admin('/api/feedback', { method: 'POST', body: JSON.stringify({ requestId: id, score: 7 }) })).status).toBe(400);
    const stored = (await (await h.admin('/api/feedback')).json()) as { data: Array<{ requestId: string; target: string }> };
    expect(stored.data[0]).toMatchObject({ requestId: id, target: 'gpt-4o-mini@mock-openai' });
    const catalogue = (await (await h.admin('/api/routing/catalogue')).json()) as { quality: Array<{ target: string; feedback: number }> };
    expect(catalogue.quality.find((q) => q.target === 'gpt-4o-mini@mock-openai')?.feedback).toBeGreaterThan(0);

    const analytics = (await (await h.admin('/api/routing/analytics?strong=gpt-4o')).json()) as {
      routedRequests: number;
      fallbacksFired: number;
      share: Array<{ target: string }>;
      alwaysStrong: { savedPercent: number };
    };
    expect(analytics.routedRequests).toBeGreaterThan(3);
    expect(analytics.fallbacksFired).toBeGreaterThanOrEqual(1);
    expect(analytics.share.map((s) => s.target)).toContain('gpt-4o-mini@mock-openai');
    expect(analytics.alwaysStrong.savedPercent).toBeGreaterThan(50);
  });

  it('batch optimisation assigns models to reach a quality floor at the least cost, within the budget', async () => {
    const requests = Array.from({ length: 20 }, (_, i) => ({ id: `q${i}`, messages: [{ role: 'user', content: `question ${i} ${'detail '.repeat(i * 20)}` }], max_tokens: 300 }));
    const post = (body: unknown) => h.admin('/api/optimize/batch', { method: 'POST', body: JSON.stringify(body) });
    const cheap = (await (await post({ requests, budgetUsd: 10, minQuality: 0.3, candidates: ['gpt-4o-mini', 'gpt-4o'] })).json()) as { feasible: boolean; models: Record<string, number>; savedUsd: string };
    expect(cheap).toMatchObject({ feasible: true, models: { 'gpt-4o-mini': 20 } });
    expect(Number(cheap.savedUsd)).toBeGreaterThan(0);
    const strict = (await (await post({ requests, budgetUsd: 10, minQuality: 0.6, candidates: ['gpt-4o-mini', 'gpt-4o'] })).json()) as { feasible: boolean; models: Record<string, number>; meanQuality: number };
    expect(strict.feasible).toBe(true);
    expect(strict.meanQuality).toBeGreaterThanOrEqual(0.6);
    expect(strict.models['gpt-4o']).toBeGreaterThan(0);
    expect(strict.models['gpt-4o-mini']).toBeGreaterThan(0);
    const broke = (await (await post({ requests, budgetUsd: 0.00001, minQuality: 0.9 })).json()) as { feasible: boolean; reason: string };
    expect(broke.feasible).toBe(false);
    expect((await post({ requests: [], budgetUsd: 1, minQuality: 0.5 })).status).toBe(400);
  });

  it('load balancing spreads an alias over its equivalent targets; a header picks a strategy for any model', async () => {
    const providers = new Set<string>();
    await Promise.all(
      Array.from({ length: 40 }, async () => {
        const { response } = await client.chat.completions.create(withMock({ model: 'spread', messages }, { latencyMs: 20 })).withResponse();
        providers.add(response.headers.get('x-tollgate-provider') ?? '');
      }),
    );
    expect([...providers].sort()).toEqual(['flaky', 'mock-openai']);
    const { response } = await client.chat.completions.create({ model: 'anything', messages }, { headers: { 'x-tollgate-strategy': 'quality-first' } }).withResponse();
    expect(response.headers.get('x-tollgate-route')).toMatch(/^quality-first:/);
  });
});
