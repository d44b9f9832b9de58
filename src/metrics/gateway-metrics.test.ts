import { describe, expect, it } from 'vitest';
import { createUsage } from '../domain/usage.ts';
import { createGatewayMetrics, type RequestObservation } from './gateway-metrics.ts';

const observation = (overrides: Partial<RequestObservation>): RequestObservation => ({
  operation: 'chat',
  provider: 'openai',
  model: 'gpt-4o-mini',
  project: 'p',
  status: 200,
  stream: false,
  cache: 'miss',
  durationMs: 12,
  ttftMs: null,
  usage: createUsage({ inputTotal: 10, outputTotal: 4 }),
  costNanoUsd: 0,
  savedNanoUsd: 0,
  priced: true,
  estimated: false,
  errorCode: null,
  ...overrides,
});

describe('gateway metrics', () => {
  it('exports the request and token counters per label set, summed across requests (tallied, handed over at scrape)', async () => {
    const metrics = createGatewayMetrics({ defaultMetrics: false });
    metrics.observeRequest(observation({}));
    metrics.observeRequest(observation({ usage: createUsage({ inputTotal: 5, cacheRead: 2, outputTotal: 1 }) }));
    metrics.observeRequest(observation({ status: 502, cache: null, usage: undefined }));
    const text = await metrics.registry.metrics();
    expect(text).toContain('tollgate_requests_total{operation="chat",provider="openai",model="gpt-4o-mini",status="2xx",cache="miss"} 2');
    expect(text).toContain('tollgate_requests_total{operation="chat",provider="openai",model="gpt-4o-mini",status="5xx",cache="none"} 1');
    expect(text).toContain('tollgate_tokens_total{provider="openai",model="gpt-4o-mini",kind="input_uncached"} 13');
    expect(text).toContain('tollgate_tokens_total{provider="openai",model="gpt-4o-mini",kind="input_cache_read"} 2');
    expect(text).toContain('tollgate_tokens_total{provider="openai",model="gpt-4o-mini",kind="output_text"} 5');
    expect(text).not.toContain('kind="output_reasoning"');
    // A second scrape reports the same totals (the counter is rebuilt from the tallies, not added to).
    expect(await metrics.registry.metrics()).toContain('status="2xx",cache="miss"} 2');
  });

  it('lists each token series from its first positive count, in the order they first counted, per provider and model', async () => {
    const metrics = createGatewayMetrics({ defaultMetrics: false });
    metrics.observeRequest(observation({ usage: createUsage({ inputTotal: 3, outputTotal: 0 }) }));
    metrics.observeRequest(observation({ model: 'other', usage: createUsage({ inputTotal: 0, outputTotal: 2 }) }));
    metrics.observeRequest(observation({ usage: createUsage({ inputTotal: 4, cacheRead: 1, outputTotal: 5, reasoning: 2 }) }));
    const lines = (await metrics.registry.metrics()).split('\n').filter((line) => line.startsWith('tollgate_tokens_total{'));
    expect(lines).toEqual([
      'tollgate_tokens_total{provider="openai",model="gpt-4o-mini",kind="input_uncached"} 6',
      'tollgate_tokens_total{provider="openai",model="other",kind="output_text"} 2',
      'tollgate_tokens_total{provider="openai",model="gpt-4o-mini",kind="input_cache_read"} 1',
      'tollgate_tokens_total{provider="openai",model="gpt-4o-mini",kind="output_text"} 3',
      'tollgate_tokens_total{provider="openai",model="gpt-4o-mini",kind="output_reasoning"} 2',
    ]);
  });
});
