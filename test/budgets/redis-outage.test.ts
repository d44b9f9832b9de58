import OpenAI from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { withMock } from '../../src/mock-provider/index.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { NO_REDIS, redisAvailable, startRedisServer, type RedisServer } from '../support/redis-server.ts';
import { skipUnless } from '../support/skip-unless.ts';

const OPEN_KEY = 'tg-open-project-key-000000000000';
const CLOSED_KEY = 'tg-closed-project-key-00000000000';

/**
 * Redis goes away mid-traffic: a fail-open budget keeps serving (flagged in the ledger), a
 * fail-closed one refuses with 503 in the caller's format; when Redis comes back (empty, as after
 * a restart) the counters are rebuilt from the ledger and equal it exactly: nothing lost, nothing
 * counted twice.
 */
skipUnless(redisAvailable, NO_REDIS)('budgets across a Redis outage', () => {
  let redis: RedisServer;
  let h: Harness;
  let port: number;

  beforeAll(async () => {
    redis = await startRedisServer();
    port = Number(new URL(redis.url).port);
    h = await startHarness({
      redisUrl: redis.url,
      config: (input) => ({
        ...input,
        pricing: { overrides: [{ model: 'gpt-4o-mini', inputPerMTokUsd: 1, outputPerMTokUsd: 1 }] },
        keys: [
          { name: 'open', secret: OPEN_KEY, project: 'p-open' },
          { name: 'closed', secret: CLOSED_KEY, project: 'p-closed' },
        ],
        budgets: [
          { id: 'open', scope: 'project', org: 'default', value: 'p-open', period: 'monthly', limitUsd: 10, onCounterFailure: 'fail-open' },
          { id: 'closed', scope: 'project', org: 'default', value: 'p-closed', period: 'monthly', limitUsd: 10, onCounterFailure: 'fail-closed' },
        ],
      }),
    });
  });
  afterAll(async () => {
    await h?.close();
    await redis?.stop();
  });

  it('fails open or closed per budget, then recovers without double counting', { timeout: 60_000 }, async () => {
    const open = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: OPEN_KEY, maxRetries: 0 });
    const closed = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: CLOSED_KEY, maxRetries: 0 });
    const ask = (client: OpenAI) => client.chat.completions.create(withMock({ model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }], max_tokens: 50 }, { usage: { input: 50, output: 50 } })).withResponse();
    for (let i = 0; i < 3; i += 1) await ask(open);
    await ask(closed);

    await redis.stop();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const during = await ask(open);
    expect(during.response.headers.get('x-tollgate-budget-action')).toBe('fail-open');
    await ask(open);
    const refused = await ask(closed).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.APIError);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect((refused as Error).message).toMatch(/closed.*fail-closed/);

    // Redis is back on the same port, empty (a restart without persistence).
    redis = await startRedisServer(port);
    const deadline = Date.now() + 20_000;
    type Status = { id: string; usedUsd: string };
    let status: Status[] = [];
    const ledgerUsed = async (project: string) => (await h.ledger()).filter((r) => r.projectId === project).reduce((sum, r) => sum + r.costNanoUsd, 0);
    while (Date.now() < deadline) {
      status = ((await (await h.admin('/api/budgets')).json()) as { data?: Status[] }).data ?? [];
      // Recovery seeds the budgets one after another: wait for both, not just the first.
      const matches = async (id: string, project: string) => Math.round(Number(status.find((b) => b.id === id)?.usedUsd) * 1e9) === (await ledgerUsed(project));
      if ((await matches('open', 'p-open')) && (await matches('closed', 'p-closed'))) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const openNano = await ledgerUsed('p-open');
    expect(openNano).toBe(5 * 100_000);
    expect(Math.round(Number(status.find((b) => b.id === 'open')!.usedUsd) * 1e9)).toBe(openNano);
    expect(Math.round(Number(status.find((b) => b.id === 'closed')!.usedUsd) * 1e9)).toBe(await ledgerUsed('p-closed'));
    const after = await ask(closed);
    expect(after.response.headers.get('x-tollgate-budget-action')).toBeNull();
    expect(Number(after.response.headers.get('x-tollgate-budget-remaining-usd'))).toBeCloseTo(10 - 0.0002, 9);
  });
});
