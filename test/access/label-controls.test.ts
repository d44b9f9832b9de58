import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoConfig } from '../../src/config/demo.ts';
import { parseConfig } from '../../src/config/load.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { configProblem } from '../support/config-problem.ts';

/**
 * Virtual key names (and the config's key users and tags, budget values and fixed-cost names) took
 * control characters and bidi overrides: a CR/LF forged a log line or a CSV row, an ESC drove the
 * terminal of whoever tailed the log, and U+202E made `gpt-prod` display as another name in the console.
 * They are refused: 400 in the admin API's error format, and at start-up for config.
 */
const UNSAFE = ['web\r\nINFO forged line', 'tab\there', 'esc\u001b[31mred', 'nul\u0000', 'del\u007f', 'nel\u0085', 'csi\u009b', 'rlo\u202eodd', 'lri\u2066x\u2069', 'alm\u061c', 'rlm\u200f', 'ls\u2028'];

describe('labels with control characters: admin API', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it.each(UNSAFE)('POST /api/keys refuses the name %j with a 400 and makes no key', async (name) => {
    const response = await h.admin('/api/keys', { method: 'POST', body: JSON.stringify({ name }) });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { type: string; message: string } };
    expect(error.type).toBe('invalid_request_error');
    expect(error.message).toMatch(/name: must not contain control characters/);
    const { data } = (await (await h.admin('/api/keys')).json()) as { data: Array<{ name: string }> };
    expect(data.map((key) => key.name)).not.toContain(name);
  });

  it('keeps names with spaces, punctuation and non-ASCII letters', async () => {
    for (const name of ['Web app (prod)', 'Café équipe', '名前 チーム', 'team-α']) {
      const response = await h.admin('/api/keys', { method: 'POST', body: JSON.stringify({ name }) });
      expect(response.status).toBe(201);
      expect(((await response.json()) as { key: { name: string } }).key.name).toBe(name);
    }
  });
});

describe('labels with control characters: config', () => {
  const base = demoConfig('http://127.0.0.1:9', 0);
  const secret = 'label-test-secret-0123456789';

  it.each(UNSAFE)('refuses %j as a key name, user or tag, a budget value and a fixed-cost name', (bad) => {
    expect(configProblem({ ...base, keys: [{ name: bad, secret }] })).toMatch(/keys\.0\.name: must not contain control characters/);
    expect(configProblem({ ...base, keys: [{ name: 'web', secret, user: bad }] })).toMatch(/keys\.0\.user: must not contain/);
    expect(configProblem({ ...base, keys: [{ name: 'web', secret, tags: ['ok', bad] }] })).toMatch(/keys\.0\.tags\.1: must not contain/);
    expect(configProblem({ ...base, budgets: [{ id: 'b', scope: 'key', value: bad, period: 'daily', limitUsd: 1 }] })).toMatch(/budgets\.0\.value: must not contain/);
    expect(configProblem({ ...base, pricing: { fixedCosts: [{ name: bad, monthlyUsd: 10 }] } })).toMatch(/pricing\.fixedCosts\.0\.name: must not contain/);
  });

  it('keeps ordinary labels', () => {
    const config = parseConfig({ ...base, keys: [{ name: 'Web app (prod) — Café', secret, user: 'alice@example.com', tags: ['team:α', 'env prod'] }], pricing: { fixedCosts: [{ name: 'GPU box #1', monthlyUsd: 10 }] } }, {});
    expect(config.keys[0]?.name).toBe('Web app (prod) — Café');
  });
});
