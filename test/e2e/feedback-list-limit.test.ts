import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.ts';

/**
 * `GET /api/feedback?limit=` is clamped to 1..1000 like the other admin lists. A negative limit went
 * to the store as is: every row on SQLite (LIMIT -5 means none), an error on PostgreSQL.
 */
describe('GET /api/feedback limit', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: (input) => ({ ...input, cache: { enabled: false } }) });
    const openai = h.openai();
    for (let index = 0; index < 3; index += 1) {
      const { response } = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `question ${index}` }] }).withResponse();
      const requestId = response.headers.get('x-tollgate-request-id');
      expect((await h.admin('/api/feedback', { method: 'POST', body: JSON.stringify({ requestId, score: 1 }) })).status).toBe(201);
    }
  });
  afterAll(() => h.close());

  const count = async (query: string) => {
    const response = await h.admin(`/api/feedback${query}`);
    expect(response.status).toBe(200);
    return ((await response.json()) as { data: unknown[] }).data.length;
  };

  it('a negative limit gives one row, a huge one at most 1000, none or garbage the default', async () => {
    expect(await count('?limit=-5')).toBe(1);
    expect(await count('?limit=2')).toBe(2);
    expect(await count('?limit=1e9')).toBe(3);
    expect(await count('?limit=abc')).toBe(3);
    expect(await count('')).toBe(3);
  });
});
