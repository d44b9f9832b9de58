import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { startHarness, type Harness } from '../support/harness.ts';

/** `tollgate cache purge`, the real CLI as a separate process against a running gateway. */
describe('tollgate cache purge', () => {
  let h: Harness;
  const cli = (args: string[]) => runCli(h, args);
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('purges the exact and semantic caches of one org (namespace) and model, or everything', { timeout: 60_000 }, async () => {
    const openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'none', maxRetries: 0 });
    const ask = async () =>
      (await openai.chat.completions.create({ model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user', content: 'Name a planet.' }] }).withResponse()).response.headers.get('x-tollgate-cache');
    await ask();
    expect(await ask()).toBe('hit');
    expect(JSON.parse((await cli(['cache', 'purge', '--namespace', 'demo', '--model', 'gpt-4o-mini', '--only', 'exact', '--json'])).out)).toEqual({ exact: 1, semantic: null });
    expect(await ask()).toBe('semantic-hit');
    const all = await cli(['cache', 'purge']);
    expect(all).toMatchObject({ code: 0 });
    expect(all.out).toContain('purged 0 exact and 1 semantic cache entries');
    expect(await ask()).toBe('miss');
    expect((await cli(['cache', 'purge', '--only', 'everything'])).code).toBe(2);
  });
});
