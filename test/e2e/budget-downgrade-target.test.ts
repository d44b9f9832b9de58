import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.ts';

/**
 * The admin API took any `downgradeTo` (an unknown provider, a space, CR/LF, 300 characters), and
 * every request in the budget's scope past the threshold was then sent upstream under that name.
 * It now takes what the gateway can serve: an alias, model@provider of a configured provider, or a
 * bare model name when there is a default provider.
 */
describe('admin API budget downgrade targets', () => {
  let h: Harness;
  let noDefault: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: (input) => ({ ...input, cache: { enabled: false } }) });
    noDefault = await startHarness({ config: ({ defaultProvider: _unused, ...input }) => input });
  });
  afterAll(async () => {
    await h.close();
    await noDefault.close();
  });

  const budget = (id: string, downgradeTo: string) => ({ id, scope: 'global', period: 'daily', limitUsd: 1, thresholds: [{ percent: 1e-6, action: 'downgrade', downgradeTo }] });

  it.each(['gpt-4o@nowhere', 'gpt 4o', 'a\r\nx-evil: 1', 'x'.repeat(300), 'café'])('refuses %j with a 400 naming the field, and makes no budget', async (target) => {
    const response = await h.admin('/api/budgets', { method: 'POST', body: JSON.stringify(budget('bad', target)) });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { param: string; type: string; message: string } };
    expect(error).toMatchObject({ type: 'invalid_request_error', param: 'thresholds.0.downgradeTo' });
    expect(error.message).not.toMatch(/[\r\n]/);
    expect((await h.admin('/api/budgets/bad')).status).toBe(404);
  });

  it('refuses a bad target given by PATCH and PUT too', async () => {
    expect((await h.admin('/api/budgets', { method: 'POST', body: JSON.stringify(budget('good', 'gpt-4o-mini')) })).status).toBe(201);
    const patched = await h.admin('/api/budgets/good', { method: 'PATCH', body: JSON.stringify({ thresholds: [{ percent: 50, action: 'downgrade', downgradeTo: 'gpt-4o@nowhere' }] }) });
    expect(patched.status).toBe(400);
    const put = await h.admin('/api/budgets/good', { method: 'PUT', body: JSON.stringify({ ...budget('good', 'gpt 4o') }) });
    expect(put.status).toBe(400);
    const kept = (await (await h.admin('/api/budgets/good')).json()) as { budget: { thresholds: Array<{ downgradeTo?: string }> } };
    expect(kept.budget.thresholds[0]?.downgradeTo).toBe('gpt-4o-mini');
    await h.admin('/api/budgets/good', { method: 'DELETE' });
  });

  it('takes an alias, model@provider and (with a default provider) a bare model name; downgrades to it', async () => {
    for (const [id, target] of [['alias', 'gpt-4o-mini'], ['at-provider', 'gpt-4o-mini@mock-openai'], ['bare', 'gpt-4.1-nano']]) {
      const response = await h.admin('/api/budgets', { method: 'POST', body: JSON.stringify(budget(id!, target!)) });
      expect(response.status, target).toBe(201);
      await h.admin(`/api/budgets/${id}`, { method: 'DELETE' });
    }
    await h.admin('/api/budgets', { method: 'POST', body: JSON.stringify(budget('live', 'gpt-4o-mini')) });
    const send = () => fetch(`${h.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }) });
    await (await send()).text();
    const downgraded = await send();
    expect(downgraded.status).toBe(200);
    expect(downgraded.headers.get('x-tollgate-model')).toBe('gpt-4o-mini');
  });

  it('without a default provider, a bare name that is no alias is refused', async () => {
    const response = await noDefault.admin('/api/budgets', { method: 'POST', body: JSON.stringify(budget('bare', 'gpt-4.1-nano')) });
    expect(response.status).toBe(400);
  });
});
