import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TollgateConfigInput } from '../../src/config/schema.ts';
import { withMock } from '../../src/mock-provider/index.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { NO_POSTGRES_BINARIES, postgresAvailable, startPostgresCluster, type PostgresCluster } from '../support/postgres-cluster.ts';
import { NO_REDIS, redisAvailable, startRedisServer, type RedisServer } from '../support/redis-server.ts';
import { firstUnmet, skipUnless } from '../support/skip-unless.ts';

/** A reset or deletion made through instance A holds on instance B (shared PostgreSQL store, shared Redis counters). */
skipUnless(...firstUnmet([postgresAvailable, NO_POSTGRES_BINARIES], [redisAvailable, NO_REDIS]))('budget reset and deletion across instances (PostgreSQL + Redis)', () => {
  let redis: RedisServer;
  let cluster: PostgresCluster;
  let a: Harness;
  let b: Harness;
  const config = (input: TollgateConfigInput): TollgateConfigInput => ({
    ...input,
    pricing: { overrides: [{ model: 'gpt-4o-mini', inputPerMTokUsd: 1, outputPerMTokUsd: 1 }] },
    budgets: [
      { id: 'shared-cap', scope: 'project', org: 'demo', value: 'demo', period: 'daily', limitUsd: 0.001 },
      { id: 'shared-off', scope: 'global', period: 'daily', limitUsd: 0.0000001 },
    ],
    cache: { enabled: false },
  });
  beforeAll(async () => {
    redis = await startRedisServer();
    cluster = startPostgresCluster();
    a = await startHarness({ config, databaseUrl: cluster.url, redisUrl: redis.url });
    b = await startHarness({ config, databaseUrl: cluster.url, redisUrl: redis.url });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    cluster?.destroy();
    await redis?.stop();
  });
  const until = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 100 && !(await check()); i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
  };
  const used = async (h: Harness, id: string) => ((await (await h.admin('/api/budgets')).json()) as { data: Array<{ id: string; usedUsd: string }> }).data.find((s) => s.id === id)?.usedUsd;

  it('deleting a config budget on A frees B; a reset on A zeroes the shared counters for B', async () => {
    const clientB = new OpenAI({ baseURL: `${b.url}/v1`, apiKey: 'none', maxRetries: 0 });
    const ask = () => clientB.chat.completions.create(withMock({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], max_tokens: 400 }, { usage: { input: 10, output: 400 } }));
    await expect(ask()).rejects.toMatchObject({ status: 429 });
    expect((await a.admin('/api/budgets/shared-off', { method: 'DELETE' })).status).toBe(200);
    await until(async () => (await used(b, 'shared-off')) === undefined);
    await ask();
    await ask();
    await expect(ask()).rejects.toMatchObject({ status: 429 });
    expect(await used(a, 'shared-cap')).toBe('0.00082');
    expect((await a.admin('/api/budgets/shared-cap/reset', { method: 'POST' })).status).toBe(200);
    await until(async () => (await used(b, 'shared-cap')) === '0');
    expect(await used(b, 'shared-cap')).toBe('0');
    await ask();
    expect(await used(a, 'shared-cap')).toBe('0.00041');
  });
});
