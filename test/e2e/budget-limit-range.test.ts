import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { demoConfig } from '../../src/config/demo.ts';
import { startHarness, type Harness } from '../support/harness.ts';

const ORG_ADMIN = 'acme-admin-secret-0123456789';

/**
 * A budget limit must fit the nano-dollar integers money is counted in (exact up to about $9
 * million). A larger one used to be accepted and then broke every request the budget covers and
 * every budget listing with a 500, and an org-confined admin could create one for its own org.
 */
describe('budget limits out of the money range', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      config: (input) => ({ ...input, admin: { keys: [{ name: 'acme-admin', secret: ORG_ADMIN, role: 'admin', org: 'demo' }], metricsRequireKey: false }, cache: { enabled: false } }),
    });
  });
  afterAll(() => h.close());

  const budget = (id: string, limitUsd: number) => ({ id, scope: 'org', value: 'demo', period: 'monthly', limitUsd });

  it('POST, PUT and PATCH refuse a limit above $9 million with a 400 naming limitUsd, and nothing breaks', async () => {
    for (const limitUsd of [1e308, 99_999_999_999, 9_000_001]) {
      const created = await h.admin('/api/budgets', { method: 'POST', body: JSON.stringify(budget('huge', limitUsd)) });
      expect(created.status).toBe(400);
      expect(((await created.json()) as { error: { param: string } }).error.param).toBe('limitUsd');
    }
    const byOrgAdmin = await fetch(`${h.url}/api/budgets`, { method: 'POST', headers: { authorization: `Bearer ${ORG_ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify(budget('huge', 1e308)) });
    expect(byOrgAdmin.status).toBe(400);

    const fine = await h.admin('/api/budgets', { method: 'POST', body: JSON.stringify(budget('big', 9_000_000)) });
    expect(fine.status).toBe(201);
    const patched = await h.admin('/api/budgets/big', { method: 'PATCH', body: JSON.stringify({ limitUsd: 1e20 }) });
    expect(patched.status).toBe(400);
    const replaced = await h.admin('/api/budgets/big', { method: 'PUT', body: JSON.stringify({ ...budget('big', 1e20), id: undefined }) });
    expect(replaced.status).toBe(400);

    const list = await h.admin('/api/budgets');
    expect(list.status).toBe(200);
    expect(((await list.json()) as { data: { id: string; limitUsd: string }[] }).data).toEqual([expect.objectContaining({ id: 'big', limitUsd: '9000000' })]);
    const openai = h.openai();
    const reply = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(reply.choices[0]?.message.content).toBeTruthy();
  });

  it('a config file with such a limit fails at start-up, naming the budget field', () => {
    const input = { ...demoConfig('http://127.0.0.1:9', 0), budgets: [budget('huge', 1e12)] } as Parameters<typeof parseConfig>[0];
    expect(() => parseConfig(input, {})).toThrow(/budgets\.0\.limitUsd/);
  });
});
