import { afterAll, beforeAll, expect, it } from 'vitest';
import { startDefinitionSync, type DefinitionSync } from '../../src/budgets/definition-sync.ts';
import type { StoredBudget } from '../../src/budgets/store.ts';
import { budgetSchema } from '../../src/config/schema.ts';
import { NO_REDIS, redisAvailable, startRedisServer, type RedisServer } from '../support/redis-server.ts';
import { skipUnless } from '../support/skip-unless.ts';

/**
 * A change announced by one instance reaches another over Redis pub/sub, not through the periodic
 * re-read: the re-read here is an hour apart, so only the announcement can deliver it (the
 * cross-instance suite, shared-definitions.test.ts, runs with the real 5-second re-read).
 */
skipUnless(redisAvailable, NO_REDIS)('budget definition sync over Redis pub/sub', () => {
  let redis: RedisServer;
  const syncs: DefinitionSync[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    for (const sync of syncs) await sync.close();
    await redis?.stop();
  });

  it("an instance applies another's announced change without waiting for its re-read", async () => {
    let stored: StoredBudget[] = [];
    const applied: string[][] = [];
    const start = (apply: (rows: readonly StoredBudget[]) => Promise<void>) => {
      const sync = startDefinitionSync({ list: async () => stored, apply, intervalMs: 3_600_000, redisUrl: redis.url, log: () => {} });
      syncs.push(sync);
      return sync;
    };
    const a = start(async () => {});
    start(async (rows) => void applied.push(rows.map((row) => row.id)));
    // Both have read the (empty) definitions and subscribed.
    await new Promise((resolve) => setTimeout(resolve, 300));
    stored = [budgetSchema.parse({ id: 'tiny', scope: 'global', period: 'daily', limitUsd: 1 }) as StoredBudget];
    a.announce();
    for (let i = 0; i < 250 && applied.length === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(applied).toEqual([['tiny']]);
  });
});
