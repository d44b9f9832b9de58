import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.ts';

/**
 * `limit` on the admin list endpoints: a fraction reached SQLite as `LIMIT 1.5` ("datatype
 * mismatch") and came back as a 500; every value is now a page size from 1 to the endpoint's maximum.
 */
describe('admin list limit query parameter', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: (input) => ({ ...input, cache: { enabled: false } }) });
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${h.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `hi ${i}` }] }) });
      expect(response.status).toBe(200);
    }
  });
  afterAll(() => h.close());

  it.each(['/api/ledger', '/api/alerts', '/api/feedback'])('%s: fractional, negative, huge and junk limits are pages, never a 500', async (path) => {
    for (const [limit, most] of [['1.5', 1], ['2.9', 2], ['-3', 1], ['0.2', 1], ['1e309', Infinity], ['abc', Infinity], ['1e3', Infinity]] as const) {
      const response = await h.admin(`${path}?limit=${limit}`);
      expect(response.status, `${path}?limit=${limit}`).toBe(200);
      const { data } = (await response.json()) as { data: unknown[] };
      expect(data.length).toBeLessThanOrEqual(most);
    }
  });

  it('the ledger honours a fractional limit as its whole part', async () => {
    const { data } = (await (await h.admin('/api/ledger?limit=2.9')).json()) as { data: unknown[] };
    expect(data).toHaveLength(2);
  });
});
