/**
 * What per-key limits cost on the hot path: the pure body checks (allowed-model globs, caps) and
 * one rate-window take, in process and through Redis (one Lua script per request), sequential and
 * with 64 in flight. Prints one JSON line. `npx tsx bench/key-limits.ts`.
 */
import { applyBodyLimits } from '../src/keys/key-policy.ts';
import { createMemoryRateLimiter } from '../src/keys/rate-limiter.ts';
import { createRedisRateLimiter } from '../src/keys/redis-rate-limiter.ts';
import { redisAvailable, startRedisServer } from '../test/support/redis-server.ts';

const limits = { allowedModels: ['gpt-4o*', 'claude-*', 'tollgate/*', '*@local'], maxTokens: 4096, maxN: 4, requestsPerMinute: 1e9, tokensPerMinute: 1e12 };
const body = { model: 'claude-3-5-haiku-latest', messages: [{ role: 'user', content: 'hi' }], max_tokens: 512, n: 1 };

function perSecond(count: number, startedNs: bigint): number {
  return Math.round(count / (Number(process.hrtime.bigint() - startedNs) / 1e9));
}

async function main(): Promise<void> {
  const result: Record<string, unknown> = { bench: 'key-limits' };
  let started = process.hrtime.bigint();
  const checks = 1_000_000;
  for (let i = 0; i < checks; i += 1) applyBodyLimits(limits, body, 'chat');
  result.bodyChecksPerSecond = perSecond(checks, started);

  const memory = createMemoryRateLimiter();
  const takes = 1_000_000;
  started = process.hrtime.bigint();
  for (let i = 0; i < takes; i += 1) await memory.take(`key_${i % 1000}`, 500, limits, Date.now());
  result.memoryTakesPerSecond = perSecond(takes, started);

  if (redisAvailable) {
    const redis = await startRedisServer();
    const limiter = createRedisRateLimiter(redis.url);
    try {
      await limiter.take('warm', 1, limits, Date.now());
      const sequential = 5_000;
      started = process.hrtime.bigint();
      for (let i = 0; i < sequential; i += 1) await limiter.take(`key_${i % 100}`, 500, limits, Date.now());
      const sequentialNs = Number(process.hrtime.bigint() - started);
      result.redisSequentialTakesPerSecond = Math.round(sequential / (sequentialNs / 1e9));
      result.redisSequentialMeanUs = Math.round(sequentialNs / sequential / 1000);
      const concurrent = 20_000;
      let next = 0;
      started = process.hrtime.bigint();
      await Promise.all(
        Array.from({ length: 64 }, async () => {
          while (next < concurrent) {
            next += 1;
            await limiter.take(`key_${next % 100}`, 500, limits, Date.now());
          }
        }),
      );
      result.redisConcurrentTakesPerSecond = perSecond(concurrent, started);
    } finally {
      await limiter.close();
      await redis.stop();
    }
  }
  console.log(JSON.stringify(result));
}

await main();
