import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TollgateConfigInput } from '../../src/config/schema.ts';
import { estimateInputTokens } from '../../src/domain/estimate.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { seededRandom } from '../support/ledger-records.ts';
import { NO_REDIS, redisAvailable, startRedisServer, type RedisServer } from '../support/redis-server.ts';
import { skipUnless } from '../support/skip-unless.ts';

/**
 * #11.12: the upstream counts 1.5x the gateway's input estimate (another tokenizer, a chat
 * template). 500 concurrent requests over 3 instances sharing Redis against a $0.05 budget: with
 * reservations that trust the estimate the race overspends by far more than one request; with the
 * learnt per-model ratio it stays within one reservation.
 */
const REQUESTS = 500;
const LIMIT_USD = 0.05;
const UPSTREAM_FACTOR = 1.5;
const WARMUP_PER_INSTANCE = 25;

interface Shot {
  body: Record<string, unknown>;
  /** What the upstream bills: 1.5x the estimated input plus max_tokens output, at $1/M each. */
  costNano: number;
  estimatedInput: number;
  maxTokens: number;
}

function shot(random: () => number, label: string, latencyMs = 5): Shot {
  const words = 100 + Math.floor(random() * 900);
  const maxTokens = 20 + Math.floor(random() * 200);
  const body: Record<string, unknown> = { model: 'gpt-4o-mini', max_tokens: maxTokens, messages: [{ role: 'user', content: `${label}: ${'word '.repeat(words)}` }] };
  const estimatedInput = estimateInputTokens(body);
  const reported = Math.ceil(estimatedInput * UPSTREAM_FACTOR);
  body.mock = { usage: { input: reported, output: maxTokens }, latencyMs };
  return { body, costNano: (reported + maxTokens) * 1_000, estimatedInput, maxTokens };
}

const config = (input: TollgateConfigInput): TollgateConfigInput => ({
  ...input,
  pricing: { overrides: [{ model: 'gpt-4o-mini', inputPerMTokUsd: 1, outputPerMTokUsd: 1 }] },
  budgets: [{ id: 'race', scope: 'tag' as const, org: 'demo', value: 'race', period: 'daily' as const, limitUsd: LIMIT_USD, thresholds: [{ percent: 100, action: 'block' as const }] }],
  cache: { enabled: false },
});

async function post(url: string, shot: Shot, tag: string): Promise<number> {
  // Projects cannot be chosen by a header (tenancy); the demo's anonymous callers may add tags, and the budget covers one.
  const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-tollgate-tags': tag }, body: JSON.stringify(shot.body) });
  await response.arrayBuffer();
  return response.status;
}

skipUnless(redisAvailable, NO_REDIS)('budget race with an upstream that counts 1.5x the estimated input (3 instances, Redis)', () => {
  let redis: RedisServer;
  let instances: Harness[];
  beforeAll(async () => {
    redis = await startRedisServer();
    instances = await Promise.all([0, 1, 2].map(() => startHarness({ config, redisUrl: redis.url, mock: { recordRequests: false } })));
  });
  afterAll(async () => {
    await Promise.all((instances ?? []).map((h) => h.close()));
    await redis?.stop();
  });

  it('overspends by at most one reservation once the instances have learnt the ratio', { timeout: 120_000 }, async () => {
    const random = seededRandom(11);
    // Ordinary traffic under another tag first: every instance learns the model's ratio from what the upstream reports.
    for (const h of instances) for (let i = 0; i < WARMUP_PER_INSTANCE; i += 1) expect(await post(h.url, shot(random, `warm-up ${i}`), 'warmup')).toBe(200);
    for (const h of instances) expect(h.server.gateway.runtime.budgets.inputRatios.factor('gpt-4o-mini')).toBeGreaterThanOrEqual(UPSTREAM_FACTOR);

    // Slow answers: every admission races every other before the first settle.
    const shots = Array.from({ length: REQUESTS }, (_, index) => shot(random, `request ${index}`, 300));
    const statuses = await Promise.all(shots.map((s, index) => post(instances[index % instances.length]!.url, s, 'race')));
    expect(statuses.filter((status) => status !== 200 && status !== 429)).toEqual([]);
    let spent = 0;
    for (const h of instances) spent += (await h.ledger()).filter((r) => r.status === 200 && r.tags.includes('race')).reduce((sum, r) => sum + r.costNanoUsd, 0);
    const limitNano = LIMIT_USD * 1e9;
    const factor = instances[0]!.server.gateway.runtime.budgets.inputRatios.factor('gpt-4o-mini');
    const largestReservation = Math.max(...shots.map((s) => (Math.ceil(s.estimatedInput * factor) + s.maxTokens) * 1_000));
    const admitted = statuses.filter((status) => status === 200).length;
    console.log(
      `1.5x upstream count, 3 instances + Redis: ${REQUESTS} concurrent, ${admitted} admitted; spent ${spent} of ${limitNano} nano-USD (${((spent / limitNano) * 100).toFixed(2)}%); ` +
        `learnt factor ${factor.toFixed(3)}; largest reservation ${largestReservation}`,
    );
    expect(admitted).toBeGreaterThan(20);
    expect(spent).toBeLessThanOrEqual(limitNano + largestReservation);
  });
});
