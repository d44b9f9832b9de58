import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TollgateConfigInput } from '../../src/config/schema.ts';
import { createRedisRateLimiter } from '../../src/keys/redis-rate-limiter.ts';
import { withMock } from '../../src/mock-provider/index.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { NO_REDIS, redisAvailable, startRedisServer, type RedisServer } from '../support/redis-server.ts';
import { skipUnless } from '../support/skip-unless.ts';

const SECRET = 'tg-shared-rpm-three-per-minute-000';
const START_MS = Math.floor(Date.now() / 60_000) * 60_000 + 120_000;

/** Two gateway instances with one Redis: a key's requests per minute are counted once, across both. */
skipUnless(redisAvailable, NO_REDIS)('per-key rate limits across instances (Redis)', () => {
  let redis: RedisServer;
  let first: Harness;
  let second: Harness;

  beforeAll(async () => {
    redis = await startRedisServer();
    const startedAt = Date.now();
    const now = () => START_MS + (Date.now() - startedAt);
    const config = (input: TollgateConfigInput): TollgateConfigInput => ({
      ...input,
      server: { ...input.server, anonymous: undefined },
      cache: { enabled: false },
      keys: [{ name: 'shared', secret: SECRET, org: 'acme', project: 'shared', requestsPerMinute: 3 }],
    });
    first = await startHarness({ redisUrl: redis.url, config, now });
    second = await startHarness({ redisUrl: redis.url, config, now });
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await redis?.stop();
  });

  it('three requests per minute in total, whichever instance serves them; the fourth is a 429 on either', async () => {
    const client = (h: Harness) => new OpenAI({ baseURL: `${h.url}/v1`, apiKey: SECRET, maxRetries: 0 });
    const ask = (h: Harness) => client(h).chat.completions.create(withMock({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, { usage: { input: 5, output: 5 } }));
    await ask(first);
    await ask(second);
    await ask(first);
    await expect(ask(second)).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    await expect(ask(first)).rejects.toBeInstanceOf(OpenAI.RateLimitError);
  });

  it('the token window is corrected with real usage, never below zero, in Redis', async () => {
    const limiter = createRedisRateLimiter(redis.url);
    try {
      const limits = { tokensPerMinute: 300 };
      expect((await limiter.take('adjust-me', 250, limits, 60_000)).ok).toBe(true);
      expect((await limiter.take('adjust-me', 100, limits, 60_001)).ok).toBe(false);
      await limiter.adjust('adjust-me', 60_000, -200);
      expect((await limiter.take('adjust-me', 100, limits, 60_002)).ok).toBe(true);
      await limiter.adjust('adjust-me', 60_000, -10_000);
      expect((await limiter.take('adjust-me', 300, limits, 60_003)).ok).toBe(true);
      // A window that has passed is not resurrected.
      await limiter.adjust('adjust-me', 0, 500);
      expect((await limiter.take('adjust-me', 1, limits, 1)).ok).toBe(true);
    } finally {
      await limiter.close();
    }
  });

  it('while Redis is down each instance still limits the key with its own window, and never answers 500', async () => {
    await redis.stop();
    const client = new OpenAI({ baseURL: `${second.url}/v1`, apiKey: SECRET, maxRetries: 0 });
    const outcomes: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      outcomes.push(
        await client.chat.completions
          .create(withMock({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, { usage: { input: 5, output: 5 } }))
          .then(() => 200)
          .catch((error: { status?: number }) => error.status ?? 0),
      );
    }
    // The instance's own window has room for at most three, then refuses.
    expect(outcomes.filter((status) => status === 200).length).toBeLessThanOrEqual(3);
    expect(outcomes.every((status) => status === 200 || status === 429)).toBe(true);
    expect(outcomes.at(-1)).toBe(429);
  });
});
