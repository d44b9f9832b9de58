import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import type { LedgerRecord } from '../../src/ledger/record.ts';
import { startHarness, type Harness } from '../support/harness.ts';

/**
 * A route's task rules through the real gateway: the official OpenAI client asks a `cheapest` route
 * whose rule sends coding prompts to gpt-4o; a coding prompt is served by gpt-4o at the mock
 * provider, small talk by the cheaper gpt-4o-mini, and the ledger keeps each prompt's task class.
 */
describe('route task rules', () => {
  let h: Harness;
  let client: OpenAI;

  beforeAll(async () => {
    h = await startHarness({
      config: (input) => ({
        ...input,
        routes: {
          'by-task': { strategy: 'cheapest', candidates: ['gpt-4o-mini', 'gpt-4o'], taskRules: [{ taskClass: 'coding', model: 'gpt-4o' }, { taskClass: 'maths', model: 'claude-3-5-haiku-latest' }] },
        },
      }),
    });
    client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'demo', maxRetries: 0 });
  });
  afterAll(async () => {
    await h.close();
  });

  async function ledgerRow(id: string | null): Promise<LedgerRecord> {
    const body = (await (await h.admin('/api/ledger?limit=1000')).json()) as { data: LedgerRecord[] };
    const row = body.data.find((r) => r.id === id);
    if (!row) throw new Error(`no ledger row ${id}`);
    return row;
  }

  it('a coding prompt goes to the rule model; the decision says why and records the class', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'by-task', messages: [{ role: 'user', content: 'Write a Python function that merges two sorted lists, with unit tests.' }] })
      .withResponse();
    expect(data.model).toMatch(/^gpt-4o(?!-mini)/);
    expect(response.headers.get('x-tollgate-route')).toMatch(/^cheapest:gpt-4o task=coding \(2 considered\)/);
    const row = await ledgerRow(response.headers.get('x-tollgate-request-id'));
    expect(row.route).toMatchObject({ route: 'by-task', chosen: 'gpt-4o@mock-openai', taskClass: 'coding', reason: "gpt-4o by the route's task rule for coding prompts" });
  });

  it('a prompt of a class without a rule is routed by the strategy, and its class is still recorded', async () => {
    const { data, response } = await client.chat.completions.create({ model: 'by-task', messages: [{ role: 'user', content: 'hello there, how are you?' }] }).withResponse();
    expect(data.model).toMatch(/^gpt-4o-mini/);
    const row = await ledgerRow(response.headers.get('x-tollgate-request-id'));
    expect(row.route).toMatchObject({ chosen: 'gpt-4o-mini@mock-openai', taskClass: 'chat', reason: expect.stringMatching(/cheapest/) });
  });

  it('a rule naming a model outside the route\'s candidates does not apply, and says so', async () => {
    const { data, response } = await client.chat.completions.create({ model: 'by-task', messages: [{ role: 'user', content: 'Solve for x: 3x + 7 = 22. Show each step.' }] }).withResponse();
    expect(data.model).toMatch(/^gpt-4o-mini/);
    expect(response.headers.get('x-tollgate-route')).toMatch(/task=maths rule=claude-3-5-haiku-latest:not-eligible/);
  });

  it('a malformed rule is a configuration error, not a crash at request time', () => {
    const base = { providers: { openai: { kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1' } }, models: { a: { target: 'gpt-4o@openai' } } };
    expect(() => parseConfig({ ...base, routes: { r: { strategy: 'cheapest', taskRules: [{ taskClass: 'coding' }] } } }, {})).toThrow(/model/);
    expect(() => parseConfig({ ...base, routes: { r: { strategy: 'cheapest', taskRules: [{ taskClass: '', model: 'a' }] } } }, {})).toThrow();
    expect(() => parseConfig({ ...base, routes: { r: { strategy: 'cheapest', taskRules: [{ taskClass: 'coding', model: 'a', extra: 1 }] } } }, {})).toThrow();
    expect(() => parseConfig({ ...base, routes: { r: { strategy: 'cheapest', taskRules: [{ taskClass: 'coding', model: 'nope' }] } } }, {})).toThrow(/routes\.r: nope is not a model alias/);
    expect(parseConfig({ ...base, routes: { r: { strategy: 'cheapest', taskRules: [{ taskClass: 'coding', model: 'a' }] } } }, {}).routes.r?.taskRules).toEqual([{ taskClass: 'coding', model: 'a' }]);
  });
});
