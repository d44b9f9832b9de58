import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { BudgetConfigInput, TollgateConfigInput } from '../../src/config/schema.ts';
import { withMock } from '../../src/mock-provider/index.ts';
import { startHarness, type Harness } from '../support/harness.ts';

const OVERRIDE = 'override-token-for-tests-0001';

function withBudgets(budgets: BudgetConfigInput[]) {
  return (input: TollgateConfigInput): TollgateConfigInput => ({
    ...input,
    pricing: { overrides: [{ model: 'gpt-4o-mini', inputPerMTokUsd: 1, outputPerMTokUsd: 1 }] },
    budgets,
    enforcement: { overrideToken: OVERRIDE },
    alerts: { burnRate: false },
    cache: { enabled: false },
  });
}

const messages = [{ role: 'user' as const, content: 'hi' }];
type Status = { id: string; usedUsd: string; source: string; resetAt: string | null };

describe('budget management through the admin API', () => {
  let h: Harness | undefined;
  let dataDir: string | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    dataDir = undefined;
  });
  const json = async <T>(response: Response | Promise<Response>) => (await (await response).json()) as T;
  const status = async (id: string) => (await json<{ data: Status[] }>(h!.admin('/api/budgets'))).data.find((s) => s.id === id);

  it('#11.6 create answers 409 on an existing id; PUT replaces, PATCH keeps what it is not given; errors name the field', async () => {
    h = await startHarness({ config: withBudgets([{ id: 'from-file', scope: 'project', org: 'demo', value: 'demo', period: 'daily', limitUsd: 5 }]) });
    const made = { id: 'paris', scope: 'project', org: 'demo', value: 'demo', period: 'monthly', limitUsd: 5, timezone: 'Europe/Paris' };
    expect((await h.admin('/api/budgets', { method: 'POST', body: JSON.stringify(made) })).status).toBe(201);
    for (const id of ['paris', 'from-file']) {
      const again = await h.admin('/api/budgets', { method: 'POST', body: JSON.stringify({ ...made, id, timezone: 'UTC' }) });
      expect(again.status).toBe(409);
      expect(await again.json()).toMatchObject({ error: { param: 'id', message: expect.stringMatching(/already exists/) } });
    }
    // The failed POST did not touch the budget: still Paris.
    expect((await json<{ budget: { timezone: string } }>(h.admin('/api/budgets/paris'))).budget.timezone).toBe('Europe/Paris');

    const patched = await h.admin('/api/budgets/paris', { method: 'PATCH', body: JSON.stringify({ limitUsd: 7 }) });
    expect(patched.status).toBe(200);
    expect((await json<{ budget: Record<string, unknown> }>(patched)).budget).toMatchObject({ limitUsd: 7, timezone: 'Europe/Paris', period: 'monthly', value: 'demo' });

    const badPatch = await h.admin('/api/budgets/paris', { method: 'PATCH', body: JSON.stringify({ thresholds: [{ percent: 50, action: 'downgrade' }] }) });
    expect(badPatch.status).toBe(400);
    expect(await badPatch.json()).toMatchObject({ error: { param: 'thresholds.0', message: expect.stringMatching(/thresholds\.0: a downgrade threshold needs downgradeTo/) } });
    const many = await h.admin('/api/budgets/paris', { method: 'PATCH', body: JSON.stringify({ thresholds: Array.from({ length: 33 }, (_, i) => ({ percent: i + 1, action: 'alert' })) }) });
    expect(await many.json()).toMatchObject({ error: { param: 'thresholds' } });
    const proto = await h.admin('/api/budgets/paris', { method: 'PATCH', body: '{"__proto__": {"limitUsd": 1}, "constructor": 1}' });
    expect(proto.status).toBe(400);
    expect((await h.admin('/api/budgets/paris', { method: 'PATCH', body: JSON.stringify({ id: 'renamed' }) })).status).toBe(400);
    expect((await h.admin('/api/budgets/nope', { method: 'PATCH', body: JSON.stringify({ limitUsd: 1 }) })).status).toBe(404);

    const replaced = await h.admin('/api/budgets/paris', { method: 'PUT', body: JSON.stringify({ scope: 'global', period: 'weekly', limitUsd: 3 }) });
    expect(replaced.status).toBe(200);
    expect((await json<{ budget: Record<string, unknown> }>(replaced)).budget).toMatchObject({ id: 'paris', scope: 'global', limitUsd: 3, timezone: 'UTC' });

    // A config budget changed at run time says so.
    expect((await h.admin('/api/budgets/from-file', { method: 'PATCH', body: JSON.stringify({ limitUsd: 9 }) })).status).toBe(200);
    expect(await status('from-file')).toMatchObject({ source: 'config-replaced' });
    expect(await status('paris')).toMatchObject({ source: 'api' });
  });

  it('#11.6 a config-file budget can be deleted and reset at run time, audited, and both survive a restart', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tollgate-budgets-admin-'));
    const config = withBudgets([
      { id: 'daily-cap', scope: 'project', org: 'demo', value: 'demo', period: 'daily', limitUsd: 0.001 },
      { id: 'to-delete', scope: 'global', period: 'daily', limitUsd: 0.0000001 },
    ]);
    h = await startHarness({ config, dataDir });
    const openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'demo', maxRetries: 0 });
    const ask = () => openai.chat.completions.create(withMock({ model: 'gpt-4o-mini', messages, max_tokens: 400 }, { usage: { input: 10, output: 400 } }));
    await expect(ask()).rejects.toMatchObject({ status: 429 });
    expect((await h.admin('/api/budgets/to-delete', { method: 'DELETE' })).status).toBe(200);
    expect(await status('to-delete')).toBeUndefined();
    await ask();
    await ask();
    await expect(ask()).rejects.toMatchObject({ status: 429 });
    expect(await status('daily-cap')).toMatchObject({ usedUsd: '0.00082' });

    const reset = await h.admin('/api/budgets/daily-cap/reset', { method: 'POST' });
    expect(reset.status).toBe(200);
    expect(await reset.json()).toMatchObject({ id: 'daily-cap', spentBeforeUsd: '0.00082', by: 'root' });
    expect(await status('daily-cap')).toMatchObject({ usedUsd: '0', source: 'config', resetAt: expect.any(String) });
    const audit = (await json<{ data: Array<{ kind: string; message: string }> }>(h.admin('/api/alerts?budget=daily-cap'))).data.find((a) => a.kind.startsWith('reset:'));
    expect(audit?.message).toMatch(/daily-cap: reset by root at .*\$0\.00082 of \$0\.001 had been spent/);
    await ask();
    expect(await status('daily-cap')).toMatchObject({ usedUsd: '0.00041' });

    // Restart on the same store and ledger: the deletion and the reset hold.
    await h.close();
    h = await startHarness({ config, dataDir });
    expect(await status('to-delete')).toBeUndefined();
    expect(await status('daily-cap')).toMatchObject({ usedUsd: '0.00041', source: 'config' });
    // Re-created under the same id: back in force.
    expect((await h.admin('/api/budgets', { method: 'POST', body: JSON.stringify({ id: 'to-delete', scope: 'global', period: 'daily', limitUsd: 1 }) })).status).toBe(201);
    expect(await status('to-delete')).toMatchObject({ source: 'config-replaced' });
  });

  it('#11.7 a jump over several thresholds fires one alert (the highest); exhaustion is worded as exhaustion; alerts are newest first and filter by budget', async () => {
    h = await startHarness({
      config: withBudgets([
        { id: 'jumpy', scope: 'project', org: 'demo', value: 'demo', period: 'monthly', limitUsd: 0.001, thresholds: [{ percent: 50, action: 'alert' }, { percent: 80, action: 'alert' }, { percent: 95, action: 'alert' }, { percent: 100, action: 'block' }] },
        { id: 'other', scope: 'global', period: 'monthly', limitUsd: 100 },
      ]),
    });
    const openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'demo', maxRetries: 0 });
    // One request takes the budget from 0 to 96%.
    await openai.chat.completions.create(withMock({ model: 'gpt-4o-mini', messages, max_tokens: 960 }, { usage: { input: 0, output: 960 } }));
    const alerts = async (query = '') => (await json<{ data: Array<{ kind: string; message: string; timeMs: number; budgetId: string }> }>(h!.admin(`/api/alerts${query}`))).data;
    const until = async (check: () => Promise<boolean>) => {
      for (let i = 0; i < 100 && !(await check()); i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    };
    await until(async () => (await alerts()).length > 0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await alerts()).map((a) => a.kind)).toEqual(['threshold:95']);
    // An audited override pushes it past its limit: exhausted, said as such.
    await openai.chat.completions.create(withMock({ model: 'gpt-4o-mini', messages, max_tokens: 100 }, { usage: { input: 0, output: 100 } }), { headers: { 'x-tollgate-budget-override': OVERRIDE } });
    await until(async () => (await alerts()).some((a) => a.kind === 'exhausted'));
    const all = await alerts();
    const exhausted = all.find((a) => a.kind === 'exhausted')!;
    expect(exhausted.message).toMatch(/^Budget jumpy: exhausted at \d{4}-\d\d-\d\dT[\d:.]+Z — \$0\.00106 of \$0\.001 \(106\.0%\), before its period ends/);
    expect(exhausted.message).not.toMatch(/runs out/);
    expect(all.some((a) => a.kind.startsWith('override:'))).toBe(true);
    expect(all.map((a) => a.timeMs)).toEqual([...all.map((a) => a.timeMs)].sort((a, b) => b - a));
    expect(await alerts('?budget=other')).toEqual([]);
    expect((await alerts('?budget=jumpy')).length).toBe(all.length);
  });

  it('#11.9 /metrics has spent, reserved and limit gauges per budget', async () => {
    h = await startHarness({ config: withBudgets([{ id: 'metered', scope: 'project', org: 'demo', value: 'demo', period: 'daily', limitUsd: 0.01 }]) });
    const openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'demo', maxRetries: 0 });
    await openai.chat.completions.create(withMock({ model: 'gpt-4o-mini', messages, max_tokens: 500 }, { usage: { input: 0, output: 300 } }));
    // One request in flight holds its worst case (about $0.001).
    const slow = openai.chat.completions.create(withMock({ model: 'gpt-4o-mini', messages, max_tokens: 1_000 }, { usage: { input: 0, output: 10 }, latencyMs: 1_500 }));
    await new Promise((resolve) => setTimeout(resolve, 400));
    const text = await (await fetch(`${h.url}/metrics`)).text();
    await slow;
    const value = (name: string) => Number(new RegExp(`^${name}\\{budget="metered"\\} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('tollgate_budget_spent_usd')).toBeCloseTo(0.0003, 9);
    expect(value('tollgate_budget_limit_usd')).toBe(0.01);
    expect(value('tollgate_budget_reserved_usd')).toBeGreaterThan(0.001);
    expect(value('tollgate_budget_reserved_usd')).toBeLessThan(0.0011);
  });
});
