import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import type { TollgateConfigInput } from '../../src/config/schema.ts';
import { withMock } from '../../src/mock-provider/index.ts';
import { startHarness, type Harness } from '../support/harness.ts';

/**
 * Issue #10 item 1 through the real gateway: two orgs with projects, users and tags of the same
 * names, keys with and without attribution rights, budgets on every scope. Nothing one org's key
 * sends may spend, or escape into, another org's (or another project's) budget.
 *
 * Prices are $1 per million tokens, so a request of ~10 input tokens and max_tokens 100 reserves
 * about $0.00011 and a $0.0002 budget has room for exactly one.
 */
const SECRETS = {
  acmeWeb: 'tg-acme-web-attribution-0000000000',
  acmeCapped: 'tg-acme-capped-attribution-00000000',
  acmeLocked: 'tg-acme-locked-no-attribution-00000',
  acmeBob: 'tg-acme-bob-bound-user-00000000000',
  betaWeb: 'tg-beta-web-no-attribution-0000000',
} as const;

const ONE_REQUEST_USD = 0.0002;
const NOTHING_USD = 0.000001;
const block = [{ percent: 100, action: 'block' as const }];

function tenancyConfig(input: TollgateConfigInput): TollgateConfigInput {
  return {
    ...input,
    server: { ...input.server, anonymous: undefined },
    pricing: { overrides: [{ model: 'gpt-4o-mini', inputPerMTokUsd: 1, outputPerMTokUsd: 1 }] },
    cache: { enabled: false },
    keys: [
      { name: 'acme-web', secret: SECRETS.acmeWeb, org: 'acme', project: 'web', allowAttributionHeaders: true },
      { name: 'acme-capped', secret: SECRETS.acmeCapped, org: 'acme', project: 'capped', allowAttributionHeaders: true },
      { name: 'acme-locked', secret: SECRETS.acmeLocked, org: 'acme', project: 'locked' },
      { name: 'acme-bob', secret: SECRETS.acmeBob, org: 'acme', project: 'web', user: 'bob', allowAttributionHeaders: true },
      { name: 'beta-web', secret: SECRETS.betaWeb, org: 'beta', project: 'web' },
    ],
    budgets: [
      // beta's `web` has room for one request: an acme request counted here would exhaust it.
      { id: 'beta-web', scope: 'project', org: 'beta', value: 'web', period: 'daily', limitUsd: ONE_REQUEST_USD, thresholds: block },
      // The org/name shorthand.
      { id: 'acme-capped', scope: 'project', value: 'acme/capped', period: 'daily', limitUsd: ONE_REQUEST_USD, thresholds: block },
      { id: 'acme-alice', scope: 'user', org: 'acme', value: 'alice', period: 'daily', limitUsd: ONE_REQUEST_USD, thresholds: block },
      { id: 'beta-alice', scope: 'user', org: 'beta', value: 'alice', period: 'daily', limitUsd: NOTHING_USD, thresholds: block },
      { id: 'beta-batch', scope: 'tag', org: 'beta', value: 'batch', period: 'daily', limitUsd: NOTHING_USD, thresholds: block },
    ],
  };
}

const messages = [{ role: 'user' as const, content: 'hi' }];
const ask = (extra: Record<string, unknown> = {}) => withMock({ model: 'gpt-4o-mini', messages, max_tokens: 100, ...extra }, { text: 'ok', usage: { input: 10, output: 100 } });

describe('tenancy: budgets and attribution never cross an org or project line (proxy)', () => {
  let h: Harness;
  const client = (secret: string, headers: Record<string, string> = {}) => new OpenAI({ baseURL: `${h.url}/v1`, apiKey: secret, maxRetries: 0, defaultHeaders: headers });
  const rowOf = async (response: Response) => (await h.ledger()).find((row) => row.id === response.headers.get('x-tollgate-request-id'));

  beforeAll(async () => {
    h = await startHarness({ config: tenancyConfig });
  });
  afterAll(() => h.close());

  it("an acme key in project `web` never spends beta's `web` budget, which stays whole for beta", async () => {
    const acme = client(SECRETS.acmeWeb);
    for (let i = 0; i < 3; i += 1) {
      const { response } = await acme.chat.completions.create(ask()).withResponse();
      expect(await rowOf(response)).toMatchObject({ orgId: 'acme', projectId: 'web', status: 200 });
    }
    const { response } = await client(SECRETS.betaWeb).chat.completions.create(ask()).withResponse();
    expect(await rowOf(response)).toMatchObject({ orgId: 'beta', projectId: 'web', status: 200 });
    // beta's one-request budget is now spent by beta itself, and refuses beta's next request.
    await expect(client(SECRETS.betaWeb).chat.completions.create(ask())).rejects.toBeInstanceOf(OpenAI.RateLimitError);
  });

  it('an exhausted project budget is not escaped with x-tollgate-project, in either SDK', async () => {
    await client(SECRETS.acmeCapped).chat.completions.create(ask());
    const escaping = client(SECRETS.acmeCapped, { 'x-tollgate-project': 'other' });
    const refusal = await escaping.chat.completions.create(ask()).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(OpenAI.RateLimitError);
    expect((refusal as Error).message).toMatch(/acme-capped/);
    const anthropic = new Anthropic({ baseURL: h.url, apiKey: SECRETS.acmeCapped, maxRetries: 0, defaultHeaders: { 'x-tollgate-project': 'other' } });
    await expect(anthropic.messages.create({ model: 'gpt-4o-mini', max_tokens: 100, messages })).rejects.toBeInstanceOf(Anthropic.RateLimitError);
    const refused = (await h.ledger()).filter((row) => row.keyId && row.errorCode === 'budget_exceeded' && row.orgId === 'acme');
    expect(refused.length).toBeGreaterThanOrEqual(2);
    expect(refused.every((row) => row.projectId === 'capped')).toBe(true);
  });

  it('a key without attribution rights ignores x-tollgate-user, x-tollgate-tags and the body user/metadata', async () => {
    const locked = client(SECRETS.acmeLocked, { 'x-tollgate-user': 'alice', 'x-tollgate-tags': 'batch', 'x-tollgate-project': 'web' });
    for (let i = 0; i < 2; i += 1) {
      const { response } = await locked.chat.completions.create(ask({ user: 'alice', metadata: { user_id: 'alice', team: 'x' } })).withResponse();
      const row = await rowOf(response);
      expect(row).toMatchObject({ orgId: 'acme', projectId: 'locked', status: 200 });
      expect(row?.userId ?? null).toBeNull();
      expect(row?.tags).toEqual([]);
    }
    // Two requests named alice would have exhausted acme-alice had either counted as hers.
    const { response } = await client(SECRETS.acmeWeb, { 'x-tollgate-user': 'alice' }).chat.completions.create(ask()).withResponse();
    expect(await rowOf(response)).toMatchObject({ userId: 'alice', status: 200 });
  });

  it("user budgets are per org: acme's alice is charged to acme's alice budget and never blocked by beta's", async () => {
    // acme-alice had room for one request, used by the previous test: the next one is refused by acme's budget.
    const refusal = await client(SECRETS.acmeWeb).chat.completions.create(ask({ user: 'alice' })).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(OpenAI.RateLimitError);
    expect((refusal as Error).message).toMatch(/acme-alice/);
    // And a new acme user is not affected by beta's zero budget for its own alice, nor by beta's `batch` tag budget.
    const { response } = await client(SECRETS.acmeWeb, { 'x-tollgate-user': 'carol', 'x-tollgate-tags': 'batch' }).chat.completions.create(ask()).withResponse();
    expect(await rowOf(response)).toMatchObject({ orgId: 'acme', userId: 'carol', tags: ['batch'], status: 200 });
  });

  it('a key bound to a user keeps it, whatever the headers and body say', async () => {
    const { response } = await client(SECRETS.acmeBob, { 'x-tollgate-user': 'alice' }).chat.completions.create(ask({ user: 'alice' })).withResponse();
    expect(await rowOf(response)).toMatchObject({ orgId: 'acme', projectId: 'web', userId: 'bob', status: 200 });
  });

  it('budgets created through the admin API need an org for project scopes and only cover that org', async () => {
    const missing = await h.admin('/api/budgets', { method: 'POST', body: JSON.stringify({ id: 'web-any', scope: 'project', value: 'web', period: 'daily', limitUsd: 1 }) });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toMatch(/org/);
    const created = await h.admin('/api/budgets', { method: 'POST', body: JSON.stringify({ id: 'beta-web-zero', scope: 'project', org: 'beta', value: 'web', period: 'daily', limitUsd: NOTHING_USD, thresholds: block }) });
    expect(created.status).toBe(201);
    await expect(client(SECRETS.acmeWeb).chat.completions.create(ask())).resolves.toBeDefined();
  });
});

describe('tenancy: budget definitions name their org', () => {
  const base = { providers: { p: { kind: 'openai' as const, baseUrl: 'https://api.openai.com/v1' } } };
  it('a project, user or tag budget without an org is refused at load with the way to fix it', () => {
    for (const scope of ['project', 'user', 'tag'] as const) {
      expect(() => parseConfig({ ...base, budgets: [{ id: 'a', scope, value: 'web', period: 'daily', limitUsd: 5 }] }, {})).toThrow(/set org \(org: acme\) or write value as org\/name/);
    }
    expect(() => parseConfig({ ...base, budgets: [{ id: 'a', scope: 'global', org: 'acme', period: 'daily', limitUsd: 5 }] }, {})).toThrow(/org is not allowed/);
    expect(parseConfig({ ...base, budgets: [{ id: 'a', scope: 'model', value: 'gpt-4o', period: 'daily', limitUsd: 5 }] }, {}).budgets[0]?.org).toBeUndefined();
  });
});
