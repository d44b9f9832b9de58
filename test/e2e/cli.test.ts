import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { startHarness, type Harness } from '../support/harness.ts';

/** The real `tollgate` CLI, as a separate process, against a running gateway and its store. */
describe('tollgate CLI', () => {
  let h: Harness;
  const cli = (args: string[]) => runCli(h, args);

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('keys create, list and revoke; the created key works through the gateway', { timeout: 60_000 }, async () => {
    const created = await cli(['keys', 'create', '--name', 'cli-key', '--org', 'acme', '--project', 'cli', '--json']);
    expect(created.code).toBe(0);
    const { secret, key } = JSON.parse(created.out) as { secret: string; key: { id: string } };
    const client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: secret, maxRetries: 0 });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect((await h.ledger()).at(-1)?.projectId).toBe('cli');
    const list = await cli(['keys', 'list']);
    expect(list.out).toContain(key.id);
    expect(list.out).not.toContain(secret);
    expect((await cli(['keys', 'revoke', key.id])).code).toBe(0);
    expect((await cli(['keys', 'revoke', key.id])).code).not.toBe(0);
  });

  it('report and prices', { timeout: 60_000 }, async () => {
    await h.server.gateway.runtime.flushLedger();
    const report = await cli(['report', '--by', 'project,model']);
    expect(report.code).toBe(0);
    expect(report.out).toMatch(/cli\s+gpt-4o-mini/);
    expect((await cli(['report', '--by', 'colour'])).code).toBe(2);
    const prices = await cli(['prices', 'gpt-4o-mini']);
    expect(prices.out).toMatch(/input \$0\.15\/M, output \$0\.6\/M/);
  });

  it('budgets create, status and delete through the admin API', { timeout: 60_000 }, async () => {
    const created = await cli(['budgets', 'create', '--id', 'cli-budget', '--scope', 'project', '--org', 'demo', '--value', 'cli', '--period', 'monthly', '--limit', '12.5', '--thresholds', '50:alert,100:block']);
    expect(created.code).toBe(0);
    const status = await cli(['budgets', 'status']);
    expect(status.out).toMatch(/cli-budget\s+project cli\s+monthly\s+\$[\d.]+ of \$12\.5/);
    const bad = await cli(['budgets', 'create', '--id', 'bad', '--scope', 'planet', '--period', 'daily', '--limit', '5']);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/scope/);
    expect((await cli(['budgets', 'delete', 'cli-budget'])).code).toBe(0);
  });

  it('cache stats through the admin API', { timeout: 60_000 }, async () => {
    const stats = await cli(['cache', 'stats', '--json']);
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.out)).toMatchObject({ enabled: true });
  });
});
