import OpenAI from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freshDatabase, NO_TEST_DATABASE, testDatabaseUrl } from '../support/fresh-database.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { NO_REDIS, redisAvailable, startRedisServer, type RedisServer } from '../support/redis-server.ts';
import { firstUnmet, skipUnless } from '../support/skip-unless.ts';

/** A budget created or deleted through one instance's admin API holds on every instance sharing the store. */
skipUnless(...firstUnmet([testDatabaseUrl !== undefined, NO_TEST_DATABASE], [redisAvailable, NO_REDIS]))('budget definitions across instances (PostgreSQL + Redis)', () => {
  let redis: RedisServer;
  let database: { url: string; drop(): Promise<void> };
  let a: Harness;
  let b: Harness;
  beforeAll(async () => {
    redis = await startRedisServer();
    database = await freshDatabase(testDatabaseUrl!);
    a = await startHarness({ databaseUrl: database.url, redisUrl: redis.url });
    b = await startHarness({ databaseUrl: database.url, redisUrl: redis.url });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await database?.drop();
    await redis?.stop();
  });

  const until = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 400 && !(await check()); i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
  };
  const budgetIds = async (h: Harness) => ((await (await h.admin('/api/budgets')).json()) as { data: Array<{ id: string }> }).data.map((x) => x.id);

  it('a budget made on instance A blocks on instance B at once; deleting it on A frees B', async () => {
    const clientB = new OpenAI({ baseURL: `${b.url}/v1`, apiKey: 'none', maxRetries: 0 });
    const ask = () => clientB.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello there' }] });
    await ask();
    const created = await a.admin('/api/budgets', {
      method: 'POST',
      body: JSON.stringify({ id: 'tiny', scope: 'project', org: 'demo', value: 'demo', period: 'daily', limitUsd: 0.000001, thresholds: [{ percent: 100, action: 'block' }] }),
    });
    expect(created.status).toBe(201);
    // Pub/sub delivers it (definition-sync-redis.test.ts shows that without the 5-second re-read); here it must arrive.
    await until(async () => (await budgetIds(b)).includes('tiny'));
    expect(await budgetIds(b)).toContain('tiny');
    const refused = await ask().then(
      () => undefined,
      (error: unknown) => error as { status: number; message: string },
    );
    expect(refused?.status).toBe(429);
    expect(refused?.message).toMatch(/tiny/);

    expect((await a.admin('/api/budgets/tiny', { method: 'DELETE' })).status).toBe(200);
    await until(async () => !(await budgetIds(b)).includes('tiny'));
    await expect(ask()).resolves.toBeDefined();
  });
});
