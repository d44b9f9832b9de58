import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TollgateConfigInput } from '../../src/config/schema.ts';
import { estimateInputTokens } from '../../src/domain/estimate.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { seededRandom } from '../support/ledger-records.ts';
import { NO_REDIS, redisAvailable, startRedisServer, type RedisServer } from '../support/redis-server.ts';
import { hasSharedData, missingSharedData, sharedDataPath } from '../support/shared-data.ts';
import { skipUnless } from '../support/skip-unless.ts';

const TRACE = 'azure-llm-inference-2023/AzureLLMInferenceTrace_conv.csv';
const REQUESTS = 500;

interface Shot {
  body: Record<string, unknown>;
  /** Worst case = actual cost here: the mock reports exactly the estimated input and max_tokens output, at $1/M each. */
  costNano: number;
}

/** 500 requests with sizes drawn from the Azure conversation trace (seeded). */
function shots(): Shot[] {
  const rows = readFileSync(sharedDataPath(TRACE), 'utf8').trim().split('\n').slice(1);
  const random = seededRandom(7);
  return Array.from({ length: REQUESTS }, (_, index) => {
    const [, context, generated] = rows[Math.floor(random() * rows.length)]!.split(',');
    const contextTokens = Math.min(Number(context), 6_000);
    const maxTokens = Math.max(1, Number(generated));
    const body: Record<string, unknown> = { model: 'gpt-4o-mini', max_tokens: maxTokens, messages: [{ role: 'user', content: `request ${index}: ${'word '.repeat(contextTokens)}` }] };
    const input = estimateInputTokens(body);
    body.mock = { usage: { input, output: maxTokens }, latencyMs: 5 };
    return { body, costNano: (input + maxTokens) * 1_000 };
  });
}

const config = (limitUsd: number) => (input: TollgateConfigInput): TollgateConfigInput => ({
  ...input,
  // 500 connections from one address (this test) are past the default per-address cap of 256.
  server: { ...input.server, maxConnectionsPerAddress: 0 },
  pricing: { overrides: [{ model: 'gpt-4o-mini', inputPerMTokUsd: 1, outputPerMTokUsd: 1 }] },
  budgets: [{ id: 'race', scope: 'global' as const, period: 'daily' as const, limitUsd, thresholds: [{ percent: 100, action: 'block' as const }] }],
});

async function fire(urls: string[], all: Shot[]) {
  const outcomes = await Promise.all(
    all.map(async (shot, index) => {
      const response = await fetch(`${urls[index % urls.length]}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(shot.body) });
      await response.arrayBuffer();
      return { shot, status: response.status };
    }),
  );
  return { admitted: outcomes.filter((o) => o.status === 200).map((o) => o.shot), refused: outcomes.filter((o) => o.status === 429).map((o) => o.shot), other: outcomes.filter((o) => o.status !== 200 && o.status !== 429) };
}

function check(label: string, limitNano: number, spentNano: number, result: Awaited<ReturnType<typeof fire>>, all: Shot[]) {
  const maxWorst = Math.max(...all.map((s) => s.costNano));
  const minRefused = Math.min(...result.refused.map((s) => s.costNano));
  console.log(
    `${label}: ${all.length} concurrent, ${result.admitted.length} admitted, ${result.refused.length} refused; spent ${spentNano} of ${limitNano} nano-USD ` +
      `(${((spentNano / limitNano) * 100).toFixed(2)}%); largest worst case ${maxWorst}; headroom left ${limitNano - spentNano}, smallest refused ${minRefused}`,
  );
  expect(result.other).toEqual([]);
  // Never over the budget by more than one request's worst case (here: not at all, reservations are exact).
  expect(spentNano).toBeLessThanOrEqual(limitNano + maxWorst);
  expect(spentNano).toBeLessThanOrEqual(limitNano);
  // No refused request would have fitted: each needs more than what is left at the end.
  for (const refused of result.refused) expect(spentNano + refused.costNano).toBeGreaterThan(limitNano);
  expect(result.admitted.length).toBeGreaterThan(60);
  expect(result.admitted.length).toBeLessThan(200);
}

skipUnless(hasSharedData(TRACE), missingSharedData(TRACE))('budget race: 500 concurrent requests against a budget for about 100', () => {
  let all: Shot[];
  let limitUsd: number;
  beforeAll(() => {
    all = shots();
    const mean = all.reduce((sum, s) => sum + s.costNano, 0) / all.length;
    limitUsd = Math.round(mean * 100) / 1e9;
  });

  it('one instance (in-process counters)', { timeout: 120_000 }, async () => {
    const h = await startHarness({ config: config(limitUsd), mock: { recordRequests: false } });
    try {
      const result = await fire([h.url], all);
      const spent = (await h.ledger()).filter((r) => r.status === 200).reduce((sum, r) => sum + r.costNanoUsd, 0);
      check('one instance', Math.round(limitUsd * 1e9), spent, result, all);
    } finally {
      await h.close();
    }
  });

  skipUnless(redisAvailable, NO_REDIS)('three instances sharing Redis', () => {
    let redis: RedisServer;
    let instances: Harness[];
    beforeAll(async () => {
      redis = await startRedisServer();
      instances = await Promise.all([0, 1, 2].map(() => startHarness({ config: config(limitUsd), redisUrl: redis.url, mock: { recordRequests: false } })));
    });
    afterAll(async () => {
      await Promise.all((instances ?? []).map((h) => h.close()));
      await redis?.stop();
    });

    it('behave as one', { timeout: 120_000 }, async () => {
      const result = await fire(instances.map((h) => h.url), all);
      let spent = 0;
      for (const h of instances) spent += (await h.ledger()).filter((r) => r.status === 200).reduce((sum, r) => sum + r.costNanoUsd, 0);
      check('three instances + Redis', Math.round(limitUsd * 1e9), spent, result, all);
    });
  });
});
