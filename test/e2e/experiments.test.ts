import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockProvider } from '../../src/mock-provider/index.ts';
import type { MockProvider } from '../../src/mock-provider/types.ts';
import { startHarness, type Harness } from '../support/harness.ts';

/** A/B and shadow experiments, with the side-by-side report (cost and quality with 95% intervals). */
describe('model experiments', () => {
  let h: Harness;
  let poor: MockProvider;
  let client: OpenAI;

  beforeAll(async () => {
    // The candidate's upstream answers with nothing: its automatic quality score is 0.
    poor = await startMockProvider({ port: 0, defaults: { text: '' }, recordRequests: false });
    h = await startHarness({
      config: (input) => ({
        ...input,
        providers: { ...input.providers, poor: { kind: 'openai-compatible', baseUrl: `${poor.url}/v1`, priceProvider: 'openai' } },
        models: {
          ...input.models,
          assistant: { target: 'gpt-4o-mini@mock-openai' },
          'assistant-big': { target: 'gpt-4o@poor' },
          summariser: { target: 'gpt-4o-mini@mock-openai' },
          'summariser-claude': { target: 'claude-3-5-haiku-latest@mock-anthropic' },
        },
        experiments: {
          bigger: { model: 'assistant', candidate: 'assistant-big', share: 0.5, mode: 'ab' },
          claude: { model: 'summariser', candidate: 'summariser-claude', share: 1, mode: 'shadow' },
        },
      }),
    });
    client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'demo', maxRetries: 0 });
  });
  afterAll(async () => {
    await h.close();
    await poor.close();
  });

  const messages = [{ role: 'user' as const, content: 'Summarise the water cycle.' }];

  it('A/B: a share of the traffic goes to the candidate; the report shows it dearer and worse, with intervals', async () => {
    const served: string[] = [];
    for (let i = 0; i < 80; i += 1) {
      const { response } = await client.chat.completions.create({ model: 'assistant', messages }).withResponse();
      served.push(response.headers.get('x-tollgate-provider') ?? '');
    }
    const candidateShare = served.filter((p) => p === 'poor').length / served.length;
    expect(candidateShare).toBeGreaterThan(0.3);
    expect(candidateShare).toBeLessThan(0.7);
    const report = (await (await h.admin('/api/experiments/bigger')).json()) as {
      arms: Array<{ arm: string; requests: number; quality: { mean: number } }>;
      difference: { costUsd: { low: string }; quality: { high: number } };
    };
    expect(report.arms.map((a) => a.arm)).toEqual(['candidate', 'control']);
    expect(report.arms.reduce((sum, a) => sum + a.requests, 0)).toBe(80);
    expect(report.arms.find((a) => a.arm === 'control')?.quality.mean).toBe(1);
    expect(report.arms.find((a) => a.arm === 'candidate')?.quality.mean).toBe(0);
    // gpt-4o costs more than gpt-4o-mini, with the whole interval above zero; quality is worse.
    expect(Number(report.difference.costUsd.low)).toBeGreaterThan(0);
    expect(report.difference.quality.high).toBeLessThan(0);
  });

  it('shadow: the candidate is called and metered too, but the client only sees the control', async () => {
    for (let i = 0; i < 10; i += 1) {
      const { response } = await client.chat.completions.create({ model: 'summariser', messages }).withResponse();
      expect(response.headers.get('x-tollgate-provider')).toBe('mock-openai');
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    const rows = (await h.ledger()).filter((r) => r.route?.experiment?.name === 'claude');
    expect(rows.filter((r) => r.route?.experiment?.arm === 'shadow')).toHaveLength(10);
    expect(rows.filter((r) => r.route?.experiment?.arm === 'control')).toHaveLength(10);
    expect(rows.filter((r) => r.route?.experiment?.arm === 'shadow').every((r) => r.provider === 'mock-anthropic' && r.id.endsWith('-shadow') && r.costNanoUsd > 0)).toBe(true);
    const report = (await (await h.admin('/api/experiments/claude')).json()) as { arms: Array<{ arm: string; requests: number }> };
    expect(report.arms).toEqual([expect.objectContaining({ arm: 'control', requests: 10 }), expect.objectContaining({ arm: 'shadow', requests: 10 })]);
    expect((await h.admin('/api/experiments/nope')).status).toBe(404);
    expect((await h.admin('/api/experiments/__proto__')).status).toBe(404);
  });

  it('#11.8 GET /api/experiments lists the configured experiments with their counts per arm', async () => {
    const list = (await (await h.admin('/api/experiments')).json()) as { data: Array<{ name: string; model: string; candidate: string; mode: string; share: number; requests: number; arms: Record<string, number> }> };
    expect(list.data.map((e) => e.name)).toEqual(['bigger', 'claude']);
    const bigger = list.data.find((e) => e.name === 'bigger')!;
    expect(bigger).toMatchObject({ model: 'assistant', candidate: 'assistant-big', mode: 'ab', share: 0.5, requests: 80 });
    expect((bigger.arms.candidate ?? 0) + (bigger.arms.control ?? 0)).toBe(80);
    expect(list.data.find((e) => e.name === 'claude')).toMatchObject({ requests: 20, arms: { control: 10, shadow: 10 } });
  });
});

describe('model experiments under a budget that refuses', () => {
  let h: Harness;
  let client: OpenAI;

  beforeAll(async () => {
    h = await startHarness({
      config: (input) => ({
        ...input,
        models: {
          ...input.models,
          assistant: { target: 'gpt-4o-mini@mock-openai' },
          'assistant-big': { target: 'gpt-4o@mock-openai' },
          summariser: { target: 'gpt-4o-mini@mock-openai' },
          'summariser-claude': { target: 'claude-3-5-haiku-latest@mock-anthropic' },
        },
        cache: { enabled: false },
        // Far below one request's worst case: every request is refused before any upstream call.
        budgets: [{ id: 'tiny', scope: 'project', org: 'demo', value: 'demo', period: 'daily', limitUsd: 0.000001 }],
        experiments: {
          bigger: { model: 'assistant', candidate: 'assistant-big', share: 0.5, mode: 'ab' },
          claude: { model: 'summariser', candidate: 'summariser-claude', share: 1, mode: 'shadow' },
        },
      }),
    });
    client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'demo', maxRetries: 0 });
  });
  afterAll(async () => {
    await h.close();
  });

  const messages = [{ role: 'user' as const, content: 'Summarise the water cycle.' }];

  it('#11.8 a budget refusal is not an arm error, and a refused request spawns no shadow call', async () => {
    for (let i = 0; i < 6; i += 1) {
      const refused = await client.chat.completions.create({ model: 'summariser', messages }).catch((e: unknown) => e);
      expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(429);
      const ab = await client.chat.completions.create({ model: 'assistant', messages }).catch((e: unknown) => e);
      expect((ab as InstanceType<typeof OpenAI.APIError>).status).toBe(429);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    const rows = await h.ledger();
    expect(rows.filter((r) => r.route?.experiment?.arm === 'shadow')).toHaveLength(0);
    expect(h.mock.requests).toHaveLength(0);
    const shadow = (await (await h.admin('/api/experiments/claude')).json()) as { arms: Array<{ arm: string; requests: number; refused: number; errorRate: number }> };
    expect(shadow.arms).toEqual([expect.objectContaining({ arm: 'control', requests: 6, refused: 6, errorRate: 0 })]);
    const ab = (await (await h.admin('/api/experiments/bigger')).json()) as { arms: Array<{ arm: string; requests: number; refused: number; errorRate: number }> };
    expect(ab.arms.reduce((sum, a) => sum + a.refused, 0)).toBe(6);
    expect(ab.arms.every((a) => a.errorRate === 0)).toBe(true);
  });
});
