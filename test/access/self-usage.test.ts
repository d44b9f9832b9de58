import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_KEY, startAccessGateway, type AccessGateway } from './gateway.ts';

const ACME = 'tg-self-usage-acme-0000000000000';
const ACME_OTHER = 'tg-self-usage-acme-other-000000';
const GLOBEX = 'tg-self-usage-globex-00000000000';

interface Usage {
  key: { name: string; org: string; project: string };
  today: { requests: number; costUsd: string; errors: number };
  month: { requests: number; costUsd: string };
  budgets: { id: string; scope: string; limitUsd: string; usedUsd: string; remainingUsd: string }[];
}

/** `GET /v1/tollgate/usage`: a virtual key reads its own spend and the budgets that cover it, nothing else. */
describe('self-service usage for virtual keys', () => {
  let g: AccessGateway;
  const client = (apiKey: string, headers: Record<string, string> = {}) => new OpenAI({ baseURL: `${g.url}/v1`, apiKey, maxRetries: 0, defaultHeaders: headers });

  beforeAll(async () => {
    g = await startAccessGateway({
      config: (input) => ({
        ...input,
        server: { ...input.server, anonymous: { org: 'anon', project: 'anon' } },
        keys: [
          { name: 'acme-search', secret: ACME, org: 'acme', project: 'search', tags: ['team-red'] },
          { name: 'acme-other', secret: ACME_OTHER, org: 'acme', project: 'search' },
          { name: 'globex-ads', secret: GLOBEX, org: 'globex', project: 'ads' },
        ],
        budgets: [
          { id: 'everyone', scope: 'global', period: 'monthly', limitUsd: 1000 },
          { id: 'acme-monthly', scope: 'org', value: 'acme', period: 'monthly', limitUsd: 50 },
          { id: 'search-daily', scope: 'project', org: 'acme', value: 'search', period: 'daily', limitUsd: 5 },
          { id: 'red-team', scope: 'tag', org: 'acme', value: 'team-red', period: 'daily', limitUsd: 2 },
          { id: 'globex-monthly', scope: 'org', value: 'globex', period: 'monthly', limitUsd: 70 },
          { id: 'ads-daily', scope: 'project', org: 'globex', value: 'ads', period: 'daily', limitUsd: 7 },
          { id: 'mini-model', scope: 'model', value: 'gpt-4o-mini', period: 'daily', limitUsd: 9 },
        ],
      }),
    });
  });
  afterAll(() => g.close());

  it('returns the key’s own spend and only the budgets that cover it by who it is', async () => {
    const acme = client(ACME);
    for (let i = 0; i < 3; i += 1) await acme.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `question ${i}` }] });
    await client(ACME_OTHER).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'a dearer call by a colleague' }] });
    await client(GLOBEX).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'globex call' }] });
    await g.server.gateway.runtime.flushLedger();

    const usage = (await acme.get('/tollgate/usage')) as Usage;
    expect(usage.key).toMatchObject({ name: 'acme-search', org: 'acme', project: 'search' });
    expect(usage.today.requests).toBe(3);
    expect(usage.month.requests).toBe(3);
    expect(Number(usage.today.costUsd)).toBeGreaterThan(0);
    // Budgets by identity only: its org, project and tag; not the global, model or other orgs' budgets.
    expect(usage.budgets.map((b) => b.id).sort()).toEqual(['acme-monthly', 'red-team', 'search-daily']);
    const tag = usage.budgets.find((b) => b.id === 'red-team')!;
    expect(tag.limitUsd).toBe('2');
    expect(Number(tag.usedUsd) + Number(tag.remainingUsd)).toBeCloseTo(2, 9);
    expect(Number(tag.usedUsd)).toBeCloseTo(Number(usage.today.costUsd), 9);
    const body = JSON.stringify(usage);
    for (const foreign of ['globex', 'ads', 'everyone', 'mini-model', 'acme-other']) expect(body).not.toContain(foreign);
  });

  it('attribution headers cannot borrow another project’s budget view', async () => {
    const usage = (await client(ACME, { 'x-tollgate-project': 'ads', 'x-tollgate-tags': 'x' }).get('/tollgate/usage')) as Usage;
    expect(usage.key.project).toBe('search');
    expect(usage.budgets.map((b) => b.id)).not.toContain('ads-daily');
  });

  it('anonymous, unknown and revoked callers get a 401 in the OpenAI envelope', async () => {
    const anonymous = await fetch(`${g.url}/v1/tollgate/usage`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { type: string } }).error.type).toBe('authentication_error');
    await expect(client('tg-not-a-real-key-000000000000').get('/tollgate/usage')).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const keys = (await (await g.call('/api/keys', ROOT_KEY)).json()) as { data: { id: string; name: string }[] };
    const other = keys.data.find((k) => k.name === 'acme-other')!;
    expect((await g.call(`/api/keys/${other.id}`, ROOT_KEY, { method: 'DELETE' })).status).toBe(200);
    await expect(client(ACME_OTHER).get('/tollgate/usage')).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });
});
