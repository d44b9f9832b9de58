import { describe, expect, it } from 'vitest';
import { OPENAI_PROMPT_CACHE, ANTHROPIC_PROMPT_CACHE, simulatePrefixCache } from './prefix-reuse.ts';
import { createHashedEmbedder } from '../language/embedder.ts';
import { mostRepeatedPrompts } from './warm.ts';
import { analyseCacheHistory } from './what-if.ts';

const row = (timeMs: number, cacheKey: string, prompt: string, cost = 100) =>
  ({ timeMs, orgId: 'o', projectId: 'p', requestedModel: 'm', operation: 'chat' as const, wire: 'openai' as const, status: 200, cacheKey, prompt, requestBody: null as string | null, costNanoUsd: cost, savedNanoUsd: 0 });

describe('cache analysis', () => {
  it('what-if: exact hits within the TTL, semantic hits on guarded paraphrases, savings at what the calls cost', async () => {
    const rows = [
      row(0, 'k1', 'How do I make pancakes?', 100),
      row(1_000, 'k1', 'How do I make pancakes?', 100),
      row(2_000, 'k2', 'How do you make pancakes?', 300),
      row(3_000, 'k3', 'How do I make waffles?', 50),
      row(10_000, 'k1', 'How do I make pancakes?', 100),
    ];
    const report = await analyseCacheHistory(rows, { ttlsMs: [5_000, 60_000], thresholds: [0.8], embedder: createHashedEmbedder() });
    const find = (kind: string, ttlMs: number) => report.scenarios.find((s) => s.kind === kind && s.ttlMs === ttlMs)!;
    expect(find('exact', 5_000)).toMatchObject({ hits: 1, savedNanoUsd: 100 });
    expect(find('exact', 60_000)).toMatchObject({ hits: 2, savedNanoUsd: 200 });
    expect(find('semantic', 60_000)).toMatchObject({ hits: 3, savedNanoUsd: 500, savedShare: Math.round((500 / 650) * 10_000) / 10_000 });
    expect(report).toMatchObject({ analysed: 5, withPrompt: 5, spendNanoUsd: 650 });
  });

  it('warm-up picks the most repeated prompts per org and model', () => {
    const rows = [row(0, 'a', 'Hi'), row(1, 'a', ' hi '), row(2, 'b', 'Bye'), row(3, 'a', 'HI'), row(4, 'b', 'Bye'), row(5, 'c', 'Once')];
    expect(mostRepeatedPrompts(rows, { top: 5, minCount: 2 }).map((c) => [c.prompt, c.count])).toEqual([
      ['Hi', 3],
      ['Bye', 2],
    ]);
  });

  it('warm-up groups stored requests by exact key and replays them as they were sent', () => {
    const body = JSON.stringify({ model: 'm', temperature: 0, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }] });
    const rows = [row(0, 'k1', 'Hi'), row(1, 'k1', 'Hi'), row(2, 'k2', 'Hi')].map((r, i) => ({ ...r, requestBody: i < 2 ? body : null }));
    const [top] = mostRepeatedPrompts(rows, { top: 5, minCount: 2 });
    expect(top).toMatchObject({ count: 2, body, wire: 'openai', operation: 'chat' });
  });

  it('what-if: stored bodies put prompts with different system prompts in different namespaces', async () => {
    const withSystem = (system: string) => JSON.stringify({ model: 'm', temperature: 0, messages: [{ role: 'system', content: system }, { role: 'user', content: 'How do I make pancakes?' }] });
    const rows = [
      { ...row(0, 'a', 'How do I make pancakes?'), requestBody: withSystem('Answer in French.') },
      { ...row(1, 'b', 'How do you make pancakes?'), requestBody: withSystem('Answer in English.') },
    ];
    const report = await analyseCacheHistory(rows, { ttlsMs: [60_000], thresholds: [0.8], embedder: createHashedEmbedder() });
    expect(report.scenarios.find((s) => s.kind === 'semantic')?.hits).toBe(0);
    const sameSystem = rows.map((r) => ({ ...r, requestBody: withSystem('Answer in French.') }));
    const again = await analyseCacheHistory(sameSystem, { ttlsMs: [60_000], thresholds: [0.8], embedder: createHashedEmbedder() });
    expect(again.scenarios.find((s) => s.kind === 'semantic')?.hits).toBe(1);
  });

  it('prefix reuse: shared leading blocks within the TTL are read from the provider cache', () => {
    const requests = [
      { timestampMs: 0, inputTokens: 1_500, blockIds: [1, 2, 3] },
      { timestampMs: 1_000, inputTokens: 1_300, blockIds: [1, 2, 4] },
      { timestampMs: 1_000 + 6 * 60_000, inputTokens: 1_300, blockIds: [1, 2, 5] },
      { timestampMs: 1_000 + 6 * 60_000 + 1, inputTokens: 600, blockIds: [1, 2] },
    ];
    expect(simulatePrefixCache(requests, OPENAI_PROMPT_CACHE)).toEqual([
      { cacheRead: 0, cacheWrite: 0 },
      { cacheRead: 1_024, cacheWrite: 0 },
      { cacheRead: 0, cacheWrite: 0 },
      { cacheRead: 0, cacheWrite: 0 },
    ]);
    expect(simulatePrefixCache(requests, ANTHROPIC_PROMPT_CACHE)[1]).toEqual({ cacheRead: 1_024, cacheWrite: 276 });
  });
});
