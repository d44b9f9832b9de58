import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { startHarness, type Harness } from '../support/harness.ts';

/** `tollgate keys create` with limits, as a separate process against a running gateway's store. */
describe('tollgate keys create with limits', () => {
  let h: Harness;
  const cli = (args: string[]) => runCli(h, args);

  beforeAll(async () => {
    h = await startHarness({ config: (input) => ({ ...input, server: { ...input.server, anonymous: undefined } }) });
  });
  afterAll(() => h.close());

  it('stores the limits, lists them, and the gateway enforces them', { timeout: 60_000 }, async () => {
    const created = await cli(['keys', 'create', '--name', 'cli-limited', '--org', 'acme', '--project', 'cli', '--rpm', '1', '--models', 'gpt-4o-mini, tollgate/*', '--max-tokens', '64', '--max-n', '1', '--expires', '30d', '--json']);
    expect(created.code, created.out).toBe(0);
    const { key, secret } = JSON.parse(created.out) as { key: { limits: Record<string, unknown>; allowAttributionHeaders: boolean }; secret: string };
    expect(key.limits).toMatchObject({ requestsPerMinute: 1, allowedModels: ['gpt-4o-mini', 'tollgate/*'], maxTokens: 64, maxN: 1 });
    expect(Number(key.limits.expiresAtMs)).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    expect(key.allowAttributionHeaders).toBe(false);
    const list = await cli(['keys', 'list']);
    expect(list.out).toMatch(/cli-limited .*\{rpm=1 models=gpt-4o-mini,tollgate\/\* max-tokens=64 max-n=1 expires=\S+\} active/);

    const client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: secret, maxRetries: 0 });
    await expect(client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError);
    await expect(client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })).resolves.toBeDefined();

    const bad = await cli(['keys', 'create', '--name', 'bad', '--rpm', 'lots']);
    expect(bad.code).toBe(2);
    expect(bad.out).toMatch(/--rpm/);
  });
});
