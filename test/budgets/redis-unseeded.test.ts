import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRedisCounters } from '../../src/budgets/counters/redis.ts';
import type { BudgetCounters, ReserveCheck } from '../../src/budgets/counters/types.ts';
import { NO_REDIS, redisAvailable, startRedisServer, type RedisServer } from '../support/redis-server.ts';
import { skipUnless } from '../support/skip-unless.ts';

const check = (amountNano: number): ReserveCheck => ({ budgetId: 'b', buckets: ['b:2026-12'], limitNano: 1_000, fixedNano: 0, amountNano, force: false });

/**
 * An empty Redis (restarted without persistence, flushed, evicted) is not "nothing spent": until the
 * ledger rebuild marks the counters seeded, reserves and settles fail (so admission applies each
 * budget's fail-open/fail-closed rule and the enforcer keeps the spends for the rebuild) and a
 * rebuild is asked for. Without the marker a settle made before the rebuild would create the bucket,
 * the rebuild's seed-if-missing would then skip it, and the month's earlier spend would be forgotten.
 */
skipUnless(redisAvailable, NO_REDIS)('Redis budget counters that lost their data', () => {
  let redis: RedisServer;
  let counters: BudgetCounters;
  let admin: Redis;
  let rebuildsAsked = 0;
  beforeAll(async () => {
    redis = await startRedisServer();
    counters = createRedisCounters(redis.url);
    counters.onRecovered(() => (rebuildsAsked += 1));
    admin = new Redis(redis.url);
    await new Promise((resolve) => setTimeout(resolve, 200)); // connected (calls fail fast, never queue)
  });
  afterAll(async () => {
    admin?.disconnect();
    await counters?.close();
    await redis?.stop();
  });

  it('refuse until seeded, ask for a rebuild, and count the seed plus later spend exactly', async () => {
    await expect(counters.tryReserve('r1', [check(10)], 60_000, Date.now())).rejects.toThrow(/TGUNSEEDED/);
    await expect(counters.settle('', [], [{ bucket: 'b:2026-12', amountNano: 7, ttlSeconds: 60 }])).rejects.toThrow(/TGUNSEEDED/);
    expect(rebuildsAsked).toBe(1); // twice refused, asked once (throttled)
    expect(await admin.exists('tg:spent:b:2026-12')).toBe(0); // the refused settle created nothing

    expect(await counters.seed('b:2026-12', 900, 60)).toBe(true);
    await counters.markSeeded();
    const reserved = await counters.tryReserve('r2', [check(50)], 60_000, Date.now());
    expect(reserved).toEqual({ ok: true, failedIndex: -1, used: [900] });
    await counters.settle('r2', ['b'], [{ bucket: 'b:2026-12', amountNano: 40, ttlSeconds: 60 }]);
    expect(await counters.peek([{ budgetId: 'b', buckets: ['b:2026-12'], fixedNano: 0 }], Date.now())).toEqual([940]);
    const over = await counters.tryReserve('r3', [check(100)], 60_000, Date.now());
    expect(over.ok).toBe(false);

    await admin.flushall();
    await expect(counters.peek([{ budgetId: 'b', buckets: ['b:2026-12'], fixedNano: 0 }], Date.now())).rejects.toThrow(/TGUNSEEDED/);
  });
});
