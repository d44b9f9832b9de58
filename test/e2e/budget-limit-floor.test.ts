import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoConfig } from '../../src/config/demo.ts';
import { parseConfig } from '../../src/config/load.ts';
import { startHarness, type Harness } from '../support/harness.ts';

/**
 * A budget limit is counted in nano-dollars: a positive limit below one nano-dollar ($1e-9) used to
 * be accepted and round to nothing ("$0 of $0"). It is refused like one above $9 million, on the
 * admin API (400 naming limitUsd) and in the config; 0 and negative limits stay refused as before,
 * and one nano-dollar is the smallest limit, which blocks every priced request.
 */
describe('budget limits below one nano-dollar', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: (input) => ({ ...input, cache: { enabled: false } }) });
  });
  afterAll(() => h.close());

  const budget = (id: string, limitUsd: number) => ({ id, scope: 'org', value: 'demo', period: 'monthly', limitUsd });

  it('POST, PUT and PATCH refuse a positive limit under $0.000000001 with a 400 naming limitUsd', async () => {
    for (const limitUsd of [1e-10, 4.9e-10, 9.99e-10, 5e-324, 0, -1]) {
      const created = await h.admin('/api/budgets', { method: 'POST', body: JSON.stringify(budget('dust', limitUsd)) });
      expect(created.status, String(limitUsd)).toBe(400);
      const body = (await created.json()) as { error: { param: string; message: string } };
      expect(body.error.param).toBe('limitUsd');
      if (limitUsd > 0) expect(body.error.message).toMatch(/nano-dollar/);
    }
    const floor = await h.admin('/api/budgets', { method: 'POST', body: JSON.stringify(budget('floor', 1e-9)) });
    expect(floor.status).toBe(201);
    expect((await h.admin('/api/budgets/floor', { method: 'PATCH', body: JSON.stringify({ limitUsd: 1e-10 }) })).status).toBe(400);
    expect((await h.admin('/api/budgets/floor', { method: 'PUT', body: JSON.stringify({ ...budget('floor', 1e-10), id: undefined }) })).status).toBe(400);

    const list = (await (await h.admin('/api/budgets')).json()) as { data: { id: string; limitUsd: string }[] };
    expect(list.data).toEqual([expect.objectContaining({ id: 'floor', limitUsd: '0.000000001' })]);
    // The one-nano-dollar budget blocks a priced request.
    const openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'demo', maxRetries: 0 });
    const refused = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
  });

  it('a config file with such a limit fails at start-up, naming the budget field', () => {
    const input = (limitUsd: number) => ({ ...demoConfig('http://127.0.0.1:9', 0), budgets: [budget('dust', limitUsd)] }) as Parameters<typeof parseConfig>[0];
    expect(() => parseConfig(input(1e-10), {})).toThrow(/budgets\.0\.limitUsd.*nano-dollar/s);
    expect(() => parseConfig(input(0), {})).toThrow(/budgets\.0\.limitUsd/);
    expect(parseConfig(input(1e-9), {}).budgets[0]?.limitUsd).toBe(1e-9);
  });
});
