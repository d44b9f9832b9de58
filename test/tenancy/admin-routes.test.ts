import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TollgateConfigInput } from '../../src/config/schema.ts';
import { withMock } from '../../src/mock-provider/index.ts';
import { ROOT_KEY, VIEWER_KEY, startAccessGateway, type AccessGateway } from '../access/gateway.ts';

/**
 * Issue #10, the admin half: one real gateway with two orgs (acme, globex), several projects, keys
 * with and without attribution rights, budgets on every scope, traffic from both orgs, and the five
 * kinds of admin caller. Every admin route registered on the app is in ROUTES (a route added later
 * fails the coverage test until it is), and each is called by every role: viewers never change
 * anything, org admins never see or touch the other org, the operator sees both.
 */
const ADMINS = {
  operator: ROOT_KEY,
  operatorViewer: VIEWER_KEY,
  acmeAdmin: 'tenancy-acme-admin-secret-000000',
  acmeViewer: 'tenancy-acme-viewer-secret-00000',
  globexAdmin: 'tenancy-globex-admin-secret-0000',
} as const;
type Role = keyof typeof ADMINS;
const VIEWERS: Role[] = ['operatorViewer', 'acmeViewer'];
const CONFINED: Role[] = ['acmeAdmin', 'acmeViewer', 'globexAdmin'];

const VIRTUAL = {
  acmeWeb: 'tg-tenancy-acme-web-attrib-0000000',
  acmeApi: 'tg-tenancy-acme-api-locked-0000000',
  acmeAlice: 'tg-tenancy-acme-alice-batch-000000',
  globexWeb: 'tg-tenancy-globex-web-attrib-00000',
  globexAds: 'tg-tenancy-globex-ads-locked-00000',
} as const;

/** $1 per million tokens: one request (10 in, 100 out) costs $0.00011, 11% of these budgets, raising their 1% alert without blocking. */
const LIMIT_USD = 0.001;
const alertOnly = [{ percent: 1, action: 'alert' as const }];
const budget = (id: string, scope: string, value?: string, org?: string) => ({ id, scope, ...(value ? { value } : {}), ...(org ? { org } : {}), period: 'daily', limitUsd: LIMIT_USD, thresholds: alertOnly });

const ACME_BUDGETS = ['acme-org', 'acme-web', 'acme-alice', 'acme-batch', 'acme-model', 'acme-provider', 'acme-key'];
const GLOBEX_BUDGETS = ['globex-org', 'globex-web', 'globex-alice', 'globex-batch', 'globex-model', 'globex-provider', 'globex-key'];
const OPERATOR_BUDGETS = ['everything', 'any-model', 'any-provider'];

function tenancyConfig(input: TollgateConfigInput): TollgateConfigInput {
  return {
    ...input,
    server: { ...input.server, anonymous: undefined },
    pricing: { overrides: [{ model: 'gpt-4o-mini', inputPerMTokUsd: 1, outputPerMTokUsd: 1 }] },
    keys: [
      { name: 'acme-web', secret: VIRTUAL.acmeWeb, org: 'acme', project: 'web', allowAttributionHeaders: true },
      { name: 'acme-api', secret: VIRTUAL.acmeApi, org: 'acme', project: 'api' },
      { name: 'acme-alice', secret: VIRTUAL.acmeAlice, org: 'acme', project: 'web', user: 'alice', tags: ['batch'] },
      { name: 'globex-web', secret: VIRTUAL.globexWeb, org: 'globex', project: 'web', allowAttributionHeaders: true },
      { name: 'globex-ads', secret: VIRTUAL.globexAds, org: 'globex', project: 'ads', user: 'alice', tags: ['batch'] },
    ],
    budgets: [
      budget('everything', 'global'),
      budget('any-model', 'model', 'gpt-4o-mini'),
      budget('any-provider', 'provider', 'mock-openai'),
      ...(['acme', 'globex'] as const).flatMap((org) => [
        budget(`${org}-org`, 'org', org),
        budget(`${org}-web`, 'project', 'web', org),
        budget(`${org}-alice`, 'user', 'alice', org),
        budget(`${org}-batch`, 'tag', `${org}/batch`),
        budget(`${org}-model`, 'model', 'gpt-4o-mini', org),
        budget(`${org}-provider`, 'provider', 'mock-openai', org),
      ]),
    ] as TollgateConfigInput['budgets'],
    admin: {
      keys: [
        { name: 'acme-admin', secret: ADMINS.acmeAdmin, role: 'admin', org: 'acme' },
        { name: 'acme-viewer', secret: ADMINS.acmeViewer, role: 'viewer', org: 'acme' },
        { name: 'globex-admin', secret: ADMINS.globexAdmin, role: 'admin', org: 'globex' },
      ],
    },
  };
}

interface Ids {
  keys: Record<keyof typeof VIRTUAL, string>;
  requests: Record<keyof typeof VIRTUAL, string>;
}

/** One sample call per registered admin route: `write` (viewers may not), `org` (org-confined keys may call it). */
interface Probe {
  method: string;
  path: (ids: Ids) => string;
  body?: (ids: Ids) => unknown;
  write: boolean;
  org: boolean;
}

/** Every admin route, keyed as hono registers it. Bodies aim at globex, so an unguarded call would show. */
const ROUTES: Record<string, Probe> = {
  'GET /api/whoami': { method: 'GET', path: () => '/api/whoami', write: false, org: true },
  'GET /api/keys': { method: 'GET', path: () => '/api/keys', write: false, org: true },
  'POST /api/keys': { method: 'POST', path: () => '/api/keys', body: () => ({ name: 'intruder', org: 'globex' }), write: true, org: true },
  'DELETE /api/keys/:id': { method: 'DELETE', path: (ids) => `/api/keys/${ids.keys.globexWeb}`, write: true, org: true },
  'GET /api/report': { method: 'GET', path: () => '/api/report?by=org,project,key&org=globex', write: false, org: true },
  'GET /api/ledger': { method: 'GET', path: () => '/api/ledger?org=globex', write: false, org: true },
  'GET /api/cost/forecast': { method: 'GET', path: () => '/api/cost/forecast?org=globex&horizon=2d', write: false, org: true },
  'GET /api/cost/report': { method: 'GET', path: () => '/api/cost/report?by=org,project,key&org=globex', write: false, org: true },
  'GET /api/prices/:model{.+}': { method: 'GET', path: () => '/api/prices/gpt-4o-mini', write: false, org: true },
  'GET /api/budgets': { method: 'GET', path: () => '/api/budgets', write: false, org: true },
  'GET /api/budgets/:id': { method: 'GET', path: () => '/api/budgets/globex-org', write: false, org: true },
  'POST /api/budgets': { method: 'POST', path: () => '/api/budgets', body: () => budget('intruder', 'org', 'globex'), write: true, org: true },
  'PUT /api/budgets/:id': { method: 'PUT', path: () => '/api/budgets/globex-org', body: () => ({ scope: 'org', value: 'globex', period: 'daily', limitUsd: 1e-9 }), write: true, org: true },
  'PATCH /api/budgets/:id': { method: 'PATCH', path: () => '/api/budgets/globex-org', body: () => ({ limitUsd: 1e-9 }), write: true, org: true },
  'DELETE /api/budgets/:id': { method: 'DELETE', path: () => '/api/budgets/globex-org', write: true, org: true },
  'POST /api/budgets/:id/reset': { method: 'POST', path: () => '/api/budgets/globex-org/reset', write: true, org: true },
  'GET /api/alerts': { method: 'GET', path: () => '/api/alerts?budget=globex-org', write: false, org: true },
  'GET /api/cost/anomalies': { method: 'GET', path: () => '/api/cost/anomalies?org=globex', write: false, org: true },
  'POST /api/cost/anomalies/:id/acknowledge': { method: 'POST', path: () => '/api/cost/anomalies/anomaly-of-globex/acknowledge', write: true, org: true },
  'POST /api/cost/anomalies/:id/resolve': { method: 'POST', path: () => '/api/cost/anomalies/anomaly-of-globex/resolve', write: true, org: true },
  'GET /api/routing/catalogue': { method: 'GET', path: () => '/api/routing/catalogue', write: false, org: true },
  'GET /api/routing/breakers': { method: 'GET', path: () => '/api/routing/breakers', write: false, org: false },
  'GET /api/routing/analytics': { method: 'GET', path: () => '/api/routing/analytics?org=globex', write: false, org: false },
  'GET /api/experiments': { method: 'GET', path: () => '/api/experiments', write: false, org: false },
  'GET /api/experiments/:name': { method: 'GET', path: () => '/api/experiments/none', write: false, org: false },
  'POST /api/feedback': { method: 'POST', path: () => '/api/feedback', body: (ids) => ({ requestId: ids.requests.globexWeb, score: 0 }), write: true, org: false },
  'GET /api/feedback': { method: 'GET', path: () => '/api/feedback', write: false, org: false },
  'POST /api/optimize/batch': {
    method: 'POST',
    path: () => '/api/optimize/batch',
    body: () => ({ requests: [{ id: 'a', messages: [{ role: 'user', content: 'hi' }] }], budgetUsd: 1, minQuality: 0 }),
    write: false,
    org: true,
  },
  'GET /api/cache/stats': { method: 'GET', path: () => '/api/cache/stats?org=globex', write: false, org: false },
  'POST /api/cache/warm': { method: 'POST', path: () => '/api/cache/warm', body: () => ({}), write: true, org: false },
  'DELETE /api/cache/exact': { method: 'DELETE', path: () => '/api/cache/exact?namespace=org:globex', write: true, org: false },
  'DELETE /api/cache/semantic': { method: 'DELETE', path: () => '/api/cache/semantic?namespace=org:globex', write: true, org: false },
};

describe('tenancy: every admin route, every role, two orgs', () => {
  let g: AccessGateway;
  let ids: Ids;
  const call = (role: Role, path: string, init: { method?: string; body?: unknown } = {}) =>
    g.call(path, ADMINS[role], { method: init.method ?? 'GET', ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}) });
  const json = async <T = Record<string, unknown>>(role: Role, path: string) => {
    const response = await call(role, path);
    expect(response.status, `${role} GET ${path}`).toBe(200);
    return (await response.json()) as T;
  };
  const probe = (role: Role, route: string) => {
    const p = ROUTES[route]!;
    return call(role, p.path(ids), { method: p.method, body: p.body?.(ids) });
  };
  const ask = (secret: string, content: string) =>
    g.call('/v1/chat/completions', secret, {
      method: 'POST',
      body: JSON.stringify(withMock({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], max_tokens: 100 }, { text: 'ok', usage: { input: 10, output: 100 } })),
    });

  /**
   * Everything a refused call must leave as it was, as the operator sees it, once it is still:
   * settles, ledger rows and alerts land after the answers, so the "nothing changes" comparisons
   * wait out late bookkeeping of earlier calls (and would see a refused call's own, late or not).
   * Still means unchanged over 1.1 s: a budget's trailing alert check runs up to 1 s after its
   * last settle (AlertChecks' throttle), so a shorter wait could take a snapshot just before it.
   */
  const snapshot = async () => {
    let previous = JSON.stringify(await snapshotNow());
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const current = JSON.stringify(await snapshotNow());
      if (current === previous) break;
      previous = current;
    }
    return JSON.parse(previous) as Awaited<ReturnType<typeof snapshotNow>>;
  };
  const snapshotNow = async () => {
    const keys = await json<{ data: { id: string; revokedAtMs: number | null }[] }>('operator', '/api/keys');
    const budgets = await json<{ data: { id: string; limitUsd: string; usedUsd: string }[] }>('operator', '/api/budgets');
    const alerts = await json<{ data: { id: string }[] }>('operator', '/api/alerts?limit=1000');
    const feedback = await json<{ data: { id: string }[] }>('operator', '/api/feedback');
    const ledger = await json<{ data: { id: string }[] }>('operator', '/api/ledger?limit=10000');
    return {
      keys: keys.data.map((k) => `${k.id}:${k.revokedAtMs}`).sort(),
      budgets: budgets.data.map((b) => `${b.id}:${b.limitUsd}:${b.usedUsd}`).sort(),
      alerts: alerts.data.map((a) => a.id).sort(),
      feedback: feedback.data.map((f) => f.id).sort(),
      ledger: ledger.data.map((r) => r.id).sort(),
    };
  };

  let ledgerIds = new Set<string>();
  beforeAll(async () => {
    g = await startAccessGateway({ config: tenancyConfig });
    const listed = await json<{ data: { id: string; name: string }[] }>('operator', '/api/keys');
    const keyId = (name: string) => listed.data.find((k) => k.name === name)!.id;
    const keys = { acmeWeb: keyId('acme-web'), acmeApi: keyId('acme-api'), acmeAlice: keyId('acme-alice'), globexWeb: keyId('globex-web'), globexAds: keyId('globex-ads') };
    // Key budgets name a key id, known once the gateway has stored the config's keys.
    for (const [id, org, key] of [['acme-key', 'acme', keys.acmeWeb], ['globex-key', 'globex', keys.globexWeb]] as const) {
      expect((await call('operator', '/api/budgets', { method: 'POST', body: budget(id, 'key', key, org) })).status).toBe(201);
    }
    const requests = {} as Ids['requests'];
    for (const name of Object.keys(VIRTUAL) as (keyof typeof VIRTUAL)[]) {
      const response = await ask(VIRTUAL[name], `hello from ${name}`);
      expect(response.status, name).toBe(200);
      requests[name] = response.headers.get('x-tollgate-request-id')!;
    }
    ids = { keys, requests };
    // Feedback on both orgs' requests, and alerts raised on both orgs' budgets.
    for (const name of ['acmeWeb', 'globexWeb'] as const) {
      expect((await call('operator', '/api/feedback', { method: 'POST', body: { requestId: requests[name], score: 1 } })).status).toBe(201);
    }
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; ) {
      const alerts = await json<{ data: { budgetId: string }[] }>('operator', '/api/alerts?limit=1000');
      const raised = new Set(alerts.data.map((a) => a.budgetId));
      if (['acme-org', 'globex-org', 'acme-web', 'globex-web'].every((id) => raised.has(id))) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; ) {
      if (Object.values(requests).every((id) => ledgerIds.has(id))) break;
      ledgerIds = new Set((await json<{ data: { id: string }[] }>('operator', '/api/ledger?limit=10000')).data.map((r) => r.id));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
  afterAll(() => g?.close());

  it('covers every /api route the gateway registers, and no other', () => {
    const registered = new Set(g.server.gateway.app.routes.filter((r) => r.path.startsWith('/api/') && r.method !== 'ALL').map((r) => `${r.method} ${r.path}`));
    expect([...registered].sort()).toEqual(Object.keys(ROUTES).sort());
  });

  it('viewers (operator and org) get 403 on every change, and nothing changes', async () => {
    const before = await snapshot();
    for (const route of Object.keys(ROUTES).filter((r) => ROUTES[r]!.write)) {
      for (const role of VIEWERS) {
        const response = await probe(role, route);
        expect(response.status, `${role} ${route}`).toBe(403);
        expect(((await response.json()) as { error: { type: string } }).error.type).toBe('permission_error');
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it('org-confined keys get 403 on every operator-only route, and nothing changes', async () => {
    const before = await snapshot();
    for (const route of Object.keys(ROUTES).filter((r) => !ROUTES[r]!.org)) {
      for (const role of CONFINED) expect((await probe(role, route)).status, `${role} ${route}`).toBe(403);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('every read route answers the operator and its viewer, and the viewers see both orgs', async () => {
    for (const route of Object.keys(ROUTES).filter((r) => !ROUTES[r]!.write && r !== 'GET /api/experiments/:name')) {
      for (const role of ['operator', 'operatorViewer'] as Role[]) expect((await probe(role, route)).status, `${role} ${route}`).toBe(200);
    }
    expect((await probe('operator', 'GET /api/experiments/:name')).status).toBe(404);
    for (const role of ['operator', 'operatorViewer'] as Role[]) {
      const ledger = await json<{ data: { orgId: string }[] }>(role, '/api/ledger');
      expect(new Set(ledger.data.map((r) => r.orgId))).toEqual(new Set(['acme', 'globex']));
      const keys = await json<{ data: { orgId: string }[] }>(role, '/api/keys');
      expect(new Set(keys.data.map((k) => k.orgId))).toEqual(new Set(['acme', 'globex']));
      const budgets = await json<{ data: { id: string }[] }>(role, '/api/budgets');
      expect(budgets.data.map((b) => b.id).sort()).toEqual([...ACME_BUDGETS, ...GLOBEX_BUDGETS, ...OPERATOR_BUDGETS].sort());
      const alerts = await json<{ data: { budgetId: string }[] }>(role, '/api/alerts?limit=1000');
      expect(alerts.data.map((a) => a.budgetId)).toEqual(expect.arrayContaining(['acme-org', 'globex-org', 'everything']));
      const feedback = await json<{ data: { requestId: string }[] }>(role, '/api/feedback');
      expect(feedback.data.map((f) => f.requestId).sort()).toEqual([ids.requests.acmeWeb, ids.requests.globexWeb].sort());
      const report = await json<{ rows: { keys: { org: string } }[] }>(role, '/api/report?by=org');
      expect(report.rows.map((r) => r.keys.org).sort()).toEqual(['acme', 'globex']);
    }
  });

  it('each org key reads only its own org: keys, budgets, alerts, ledger, report', async () => {
    for (const [role, own, other] of [['acmeAdmin', 'acme', 'globex'], ['acmeViewer', 'acme', 'globex'], ['globexAdmin', 'globex', 'acme']] as const) {
      const ownBudgets = own === 'acme' ? ACME_BUDGETS : GLOBEX_BUDGETS;
      const otherBudgets = own === 'acme' ? GLOBEX_BUDGETS : ACME_BUDGETS;
      const keys = await json<{ data: { orgId: string }[] }>(role, '/api/keys');
      expect(keys.data.length).toBeGreaterThan(0);
      expect(new Set(keys.data.map((k) => k.orgId))).toEqual(new Set([own]));
      const budgets = await json<{ data: { id: string }[] }>(role, '/api/budgets');
      expect(budgets.data.map((b) => b.id).sort()).toEqual([...ownBudgets].sort());
      for (const id of [...otherBudgets, ...OPERATOR_BUDGETS]) expect((await call(role, `/api/budgets/${id}`)).status, `${role} ${id}`).toBe(404);
      for (const id of ownBudgets) expect((await call(role, `/api/budgets/${id}`)).status).toBe(200);
      const alerts = await json<{ data: { budgetId: string }[] }>(role, '/api/alerts?limit=1000');
      expect(alerts.data.length).toBeGreaterThan(0);
      expect(alerts.data.every((a) => ownBudgets.includes(a.budgetId))).toBe(true);
      for (const id of [...otherBudgets, ...OPERATOR_BUDGETS]) expect((await json<{ data: unknown[] }>(role, `/api/alerts?budget=${id}`)).data).toEqual([]);
      const ledger = await json<{ data: { orgId: string }[] }>(role, '/api/ledger?limit=10000');
      expect(ledger.data.length).toBeGreaterThan(0);
      expect(new Set(ledger.data.map((r) => r.orgId))).toEqual(new Set([own]));
      const report = await json(role, '/api/report?by=org,project,user,key,model,provider');
      expect(JSON.stringify(report)).not.toContain(other);
      expect((await call(role, `/api/ledger?org=${other}`)).status).toBe(404);
      expect((await call(role, `/api/report?org=${other}`)).status).toBe(404);
      const cost = await json<{ rows: { keys: { org: string } }[]; totals: { requests: number } }>(role, '/api/cost/report?by=org,project,user,key,model,provider,day');
      expect(cost.rows.length).toBeGreaterThan(0);
      expect(new Set(cost.rows.map((r) => r.keys.org))).toEqual(new Set([own]));
      expect(JSON.stringify(cost)).not.toContain(other);
      expect(await (await call(role, '/api/cost/report?by=org,tag&format=csv')).text()).not.toContain(other);
      expect((await call(role, `/api/cost/report?org=${other}`)).status).toBe(404);
      expect((await json(role, '/api/whoami')).org).toBe(own);
    }
  });

  it("no ledger filter reaches the other org's requests: by key, project, user, id", async () => {
    const otherIds = [ids.requests.globexWeb, ids.requests.globexAds];
    for (const role of ['acmeAdmin', 'acmeViewer'] as Role[]) {
      for (const query of [`key=${ids.keys.globexWeb}`, `key=${ids.keys.globexAds}`, 'project=ads', 'project=web', 'user=alice', `id=${ids.requests.globexWeb}`, 'provider=mock-openai', 'model=gpt-4o-mini']) {
        const ledger = await json<{ data: { id: string; orgId: string }[] }>(role, `/api/ledger?${query}`);
        expect(ledger.data.every((r) => r.orgId === 'acme' && !otherIds.includes(r.id)), query).toBe(true);
        const report = await json(role, `/api/report?by=org,project,key&${query}`);
        expect(JSON.stringify(report), query).not.toContain('globex');
      }
      expect((await json<{ data: unknown[] }>(role, `/api/ledger?key=${ids.keys.globexWeb}`)).data).toEqual([]);
      expect((await json<{ data: unknown[] }>(role, '/api/ledger?project=ads')).data).toEqual([]);
    }
  });

  it("an org admin cannot create keys or budgets in the other org (or operator budgets), nor revoke, change, reset or delete the other org's", async () => {
    const before = await snapshot();
    expect((await call('acmeAdmin', '/api/keys', { method: 'POST', body: { name: 'intruder', org: 'globex' } })).status).toBe(404);
    const crossRevoke = await call('acmeAdmin', `/api/keys/${ids.keys.globexWeb}`, { method: 'DELETE' });
    expect(crossRevoke.status).toBe(404);
    // Answered exactly like a key that does not exist: its existence is not revealed.
    const missing = await call('acmeAdmin', '/api/keys/key_doesnotexist', { method: 'DELETE' });
    expect(((await crossRevoke.json()) as { error: { message: string } }).error.message.replace(ids.keys.globexWeb, 'ID')).toBe(
      ((await missing.json()) as { error: { message: string } }).error.message.replace('key_doesnotexist', 'ID'),
    );
    // A viewer cannot revoke even its own org's key.
    expect((await call('acmeViewer', `/api/keys/${ids.keys.acmeWeb}`, { method: 'DELETE' })).status).toBe(403);
    expect((await call('globexAdmin', `/api/keys/${ids.keys.acmeWeb}`, { method: 'DELETE' })).status).toBe(404);
    for (const body of [
      budget('intruder', 'org', 'globex'),
      budget('intruder', 'project', 'web', 'globex'),
      budget('intruder', 'tag', 'globex/batch'),
      budget('intruder', 'user', 'alice', 'globex'),
      budget('intruder', 'key', ids.keys.globexWeb, 'globex'),
      budget('intruder', 'global'),
      budget('intruder', 'model', 'gpt-4o-mini'),
      budget('intruder', 'provider', 'mock-openai'),
      budget('intruder', 'key', ids.keys.globexWeb),
    ]) {
      expect((await call('acmeAdmin', '/api/budgets', { method: 'POST', body })).status, JSON.stringify(body)).toBe(403);
    }
    for (const id of [...GLOBEX_BUDGETS, ...OPERATOR_BUDGETS]) {
      expect((await call('acmeAdmin', `/api/budgets/${id}`, { method: 'PATCH', body: { limitUsd: 1e-9 } })).status, id).toBe(404);
      expect((await call('acmeAdmin', `/api/budgets/${id}`, { method: 'PUT', body: budget(id, 'org', 'acme') })).status, id).toBe(404);
      expect((await call('acmeAdmin', `/api/budgets/${id}`, { method: 'DELETE' })).status, id).toBe(404);
      expect((await call('acmeAdmin', `/api/budgets/${id}/reset`, { method: 'POST' })).status, id).toBe(404);
    }
    // Its own budget cannot be moved into the other org either.
    expect((await call('acmeAdmin', '/api/budgets/acme-web', { method: 'PATCH', body: { org: 'globex' } })).status).toBe(403);
    expect((await call('acmeAdmin', '/api/budgets/acme-org', { method: 'PUT', body: budget('acme-org', 'org', 'globex') })).status).toBe(403);
    // A taken id is a 409 whoever holds it; the other org's budget is untouched.
    expect((await call('acmeAdmin', '/api/budgets', { method: 'POST', body: budget('globex-org', 'org', 'acme') })).status).toBe(409);
    expect(await snapshot()).toEqual(before);
    // The other org's key still works.
    expect((await ask(VIRTUAL.globexWeb, 'still here')).status).toBe(200);
    // Its own budgets it may reset (audited), like the operator.
    expect((await call('acmeAdmin', '/api/budgets/acme-web/reset', { method: 'POST' })).status).toBe(200);
  });

  it('an org admin manages its own org: a key and a budget made, changed and removed', async () => {
    const created = await call('acmeAdmin', '/api/keys', { method: 'POST', body: { name: 'acme-new', project: 'web' } });
    expect(created.status).toBe(201);
    const { key } = (await created.json()) as { key: { id: string; orgId: string } };
    expect(key.orgId).toBe('acme');
    expect((await call('globexAdmin', '/api/keys')).status).toBe(200);
    expect((await json<{ data: { id: string }[] }>('globexAdmin', '/api/keys')).data.map((k) => k.id)).not.toContain(key.id);
    expect((await call('acmeAdmin', `/api/keys/${key.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await call('acmeAdmin', '/api/budgets', { method: 'POST', body: budget('acme-extra', 'project', 'api', 'acme') })).status).toBe(201);
    expect((await call('globexAdmin', '/api/budgets/acme-extra')).status).toBe(404);
    expect((await call('globexAdmin', '/api/budgets/acme-extra', { method: 'DELETE' })).status).toBe(404);
    expect((await call('acmeAdmin', '/api/budgets/acme-extra', { method: 'PATCH', body: { limitUsd: 2 } })).status).toBe(200);
    expect((await call('acmeAdmin', '/api/budgets/acme-extra', { method: 'DELETE' })).status).toBe(200);
  });

  it('the operator sees and manages both orgs', async () => {
    for (const name of ['acme-web', 'globex-web']) expect((await call('operator', `/api/budgets/${name}`, { method: 'PATCH', body: { limitUsd: 1 } })).status).toBe(200);
    expect((await call('operator', '/api/budgets/globex-org/reset', { method: 'POST' })).status).toBe(200);
    for (const org of ['acme', 'globex']) {
      const ledger = await json<{ data: { orgId: string }[] }>('operator', `/api/ledger?org=${org}`);
      expect(ledger.data.length).toBeGreaterThan(0);
      expect(new Set(ledger.data.map((r) => r.orgId))).toEqual(new Set([org]));
    }
  });

  it('virtual keys: /v1/tollgate/usage shows only the key itself; /v1/feedback on another org (or key) is a 404', async () => {
    const usage = await g.call('/v1/tollgate/usage', VIRTUAL.acmeWeb);
    expect(usage.status).toBe(200);
    const body = (await usage.json()) as { key: { id: string; org: string }; budgets: { id: string }[] };
    expect(body.key.id).toBe(ids.keys.acmeWeb);
    expect(JSON.stringify(body)).not.toContain('globex');
    expect(body.budgets.map((b) => b.id).sort()).toEqual(['acme-key', 'acme-org', 'acme-web'].sort());
    const alice = (await (await g.call('/v1/tollgate/usage', VIRTUAL.acmeAlice)).json()) as { budgets: { id: string }[] };
    expect(alice.budgets.map((b) => b.id).sort()).toEqual(['acme-alice', 'acme-batch', 'acme-org', 'acme-web'].sort());
    const before = await snapshot();
    for (const requestId of [ids.requests.globexWeb, ids.requests.globexAds, ids.requests.acmeApi, 'no-such-request']) {
      const response = await g.call('/v1/feedback', VIRTUAL.acmeWeb, { method: 'POST', body: JSON.stringify({ requestId, score: 0 }) });
      expect(response.status, requestId).toBe(404);
    }
    expect(await snapshot()).toEqual(before);
    expect((await g.call('/v1/feedback', VIRTUAL.acmeWeb, { method: 'POST', body: JSON.stringify({ requestId: ids.requests.acmeWeb, score: 1 }) })).status).toBe(201);
    // Admin keys are not virtual keys, and virtual keys are not admin keys.
    expect((await g.call('/v1/tollgate/usage', ADMINS.acmeAdmin)).status).toBe(401);
    expect((await g.call('/api/ledger', VIRTUAL.acmeWeb)).status).toBe(401);
  });

  it("a deleted budget's id cannot be taken by an org admin: its alerts and spend stay with the id", async () => {
    const globexAlerts = await json<{ data: { id: string }[] }>('globexAdmin', '/api/alerts?budget=globex-alice');
    expect(globexAlerts.data.length).toBeGreaterThan(0);
    // A config budget (a stored tombstone and alerts) and an API budget (no row left; alerts and spend under its id).
    expect((await call('globexAdmin', '/api/budgets/globex-alice', { method: 'DELETE' })).status).toBe(200);
    expect((await call('operator', '/api/budgets/globex-key', { method: 'DELETE' })).status).toBe(200);
    const quiet = { ...budget('globex-quiet', 'project', 'ads', 'globex'), limitUsd: 1000, thresholds: [{ percent: 90, action: 'alert' as const }] };
    expect((await call('globexAdmin', '/api/budgets', { method: 'POST', body: quiet })).status).toBe(201);
    expect((await ask(VIRTUAL.globexAds, 'below every threshold')).status).toBe(200);
    expect((await json<{ data: unknown[] }>('operator', '/api/alerts?budget=globex-quiet')).data).toEqual([]);
    expect((await call('globexAdmin', '/api/budgets/globex-quiet', { method: 'DELETE' })).status).toBe(200);
    for (const id of ['globex-alice', 'globex-key', 'globex-quiet']) {
      const response = await call('acmeAdmin', '/api/budgets', { method: 'POST', body: budget(id, 'org', 'acme') });
      expect(response.status, id).toBe(409);
      expect((await call('acmeAdmin', `/api/budgets/${id}`)).status, id).toBe(404);
    }
    const seen = await json<{ data: { id: string }[] }>('acmeAdmin', '/api/alerts?limit=1000');
    for (const alert of globexAlerts.data) expect(seen.data.map((a) => a.id)).not.toContain(alert.id);
    // A fresh id is fine.
    expect((await call('acmeAdmin', '/api/budgets', { method: 'POST', body: budget('acme-fresh', 'org', 'acme') })).status).toBe(201);
  });
});
