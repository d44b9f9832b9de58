import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRedisCounters } from '../../src/budgets/counters/redis.ts';
import type { BudgetCounters } from '../../src/budgets/counters/types.ts';
import { NO_REDIS, redisAvailable, startRedisServer, type RedisServer } from '../support/redis-server.ts';
import { skipUnless } from '../support/skip-unless.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A request queued on one instance wakes when another instance releases budget, not at its next poll. */
skipUnless(redisAvailable, NO_REDIS)('budget queue wake-ups across instances (Redis pub/sub)', () => {
  let redis: RedisServer;
  let a: BudgetCounters;
  let b: BudgetCounters;
  beforeAll(async () => {
    redis = await startRedisServer();
    a = createRedisCounters(redis.url);
    b = createRedisCounters(redis.url);
    await sleep(200); // connected, subscriptions in place
    await a.markSeeded(); // as the runtime's ledger rebuild does at start
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await redis.stop();
  });

  it('no queue anywhere: settles publish nothing; once B announces waiters, A’s settles wake B', async () => {
    let woken = 0;
    b.onReleased?.(() => (woken += 1));
    await a.settle('r1', [], []);
    await sleep(200);
    expect(woken).toBe(0);

    b.announceQueued?.();
    await sleep(100);
    const settledAt = Date.now();
    await a.settle('r2', [], []);
    for (let i = 0; i < 50 && woken === 0; i += 1) await sleep(10);
    expect(woken).toBeGreaterThanOrEqual(1);
    expect(Date.now() - settledAt).toBeLessThan(250); // sooner than the queue's 250 ms poll
  });
});
