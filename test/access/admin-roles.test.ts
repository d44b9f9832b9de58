import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_KEY, VIEWER_KEY, startAccessGateway, type AccessGateway } from './gateway.ts';

const ACME_ADMIN = 'acme-org-admin-secret-0123456789';
const ACME_VIEWER = 'acme-org-viewer-secret-0123456789';
const ACME_KEY = 'tg-acme-virtual-key-0000000000000';
const GLOBEX_KEY = 'tg-globex-virtual-key-000000000000';

/** Viewer and org-scoped admin keys against a real gateway: what each may read and change. */
describe('admin roles: operator, viewer, org-scoped admin', () => {
  let g: AccessGateway;
  const logged: string[] = [];

  beforeAll(async () => {
    g = await startAccessGateway({
      config: (input) => ({
        ...input,
        server: { ...input.server, anonymous: undefined },
        keys: [
          { name: 'acme-app', secret: ACME_KEY, org: 'acme', project: 'search' },
          { name: 'globex-app', secret: GLOBEX_KEY, org: 'globex', project: 'ads' },
        ],
        admin: {
          keys: [
            { name: 'acme-admin', secret: ACME_ADMIN, role: 'admin', org: 'acme' },
            { name: 'acme-viewer', secret: ACME_VIEWER, role: 'viewer', org: 'acme' },
          ],
        },
      }),
      gateway: { log: (line) => logged.push(line) },
    });
    for (const key of [ACME_KEY, GLOBEX_KEY]) {
      const response = await g.call('/v1/chat/completions', key, { method: 'POST', body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `hi from ${key}` }] }) });
      expect(response.status).toBe(200);
    }
  });
  afterAll(() => g.close());

  it('tells each key who it is', async () => {
    expect(await (await g.call('/api/whoami', ROOT_KEY)).json()).toEqual({ name: 'root', role: 'admin', org: null });
    expect(await (await g.call('/api/whoami', VIEWER_KEY)).json()).toEqual({ name: 'viewer', role: 'viewer', org: null });
    expect(await (await g.call('/api/whoami', ACME_ADMIN)).json()).toEqual({ name: 'acme-admin', role: 'admin', org: 'acme' });
  });

  it('refuses unknown keys, near misses and virtual keys with 401 in the OpenAI envelope', async () => {
    for (const key of [undefined, 'nope', `${ROOT_KEY}x`, ROOT_KEY.slice(0, -1), ACME_KEY, '']) {
      const response = await g.call('/api/report', key);
      expect(response.status).toBe(401);
      const body = (await response.json()) as { error: { type: string } };
      expect(body.error.type).toBe('authentication_error');
    }
  });

  it('the operator viewer reads everything and changes nothing', async () => {
    const ledger = (await (await g.call('/api/ledger', VIEWER_KEY)).json()) as { data: { orgId: string }[] };
    expect(new Set(ledger.data.map((row) => row.orgId))).toEqual(new Set(['acme', 'globex']));
    expect((await g.call('/api/cache/stats', VIEWER_KEY)).status).toBe(200);
    const create = await g.call('/api/keys', VIEWER_KEY, { method: 'POST', body: JSON.stringify({ name: 'sneaky', org: 'acme' }) });
    expect(create.status).toBe(403);
    expect(((await create.json()) as { error: { type: string } }).error.type).toBe('permission_error');
    const keys = (await (await g.call('/api/keys', ROOT_KEY)).json()) as { data: { name: string; id: string }[] };
    expect(keys.data.map((k) => k.name)).not.toContain('sneaky');
    const acme = keys.data.find((k) => k.name === 'acme-app')!;
    expect((await g.call(`/api/keys/${acme.id}`, VIEWER_KEY, { method: 'DELETE' })).status).toBe(403);
    expect((await g.call('/api/cache/semantic', VIEWER_KEY, { method: 'DELETE' })).status).toBe(403);
    expect((await g.call('/api/budgets', VIEWER_KEY, { method: 'POST', body: JSON.stringify({ id: 'b', scope: 'global', period: 'daily', limitUsd: 1 }) })).status).toBe(403);
    expect((await g.call('/api/cache/warm', VIEWER_KEY, { method: 'POST', body: '{}' })).status).toBe(403);
    expect((await g.call('/api/feedback', VIEWER_KEY, { method: 'POST', body: '{}' })).status).toBe(403);
    // The acme key still works: the viewer's DELETE changed nothing.
    const still = await g.call('/v1/chat/completions', ACME_KEY, { method: 'POST', body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'still here' }] }) });
    expect(still.status).toBe(200);
  });

  it('a viewer may run the read-only batch optimiser (a POST that changes nothing)', async () => {
    const response = await g.call('/api/optimize/batch', VIEWER_KEY, {
      method: 'POST',
      body: JSON.stringify({ requests: [{ id: 'a', messages: [{ role: 'user', content: 'hi' }] }], budgetUsd: 1, minQuality: 0 }),
    });
    expect(response.status).toBe(200);
  });

  it('an org admin sees only its own org in the ledger and reports, and another org is a 404', async () => {
    const ledger = (await (await g.call('/api/ledger', ACME_ADMIN)).json()) as { data: { orgId: string }[] };
    expect(ledger.data.length).toBeGreaterThan(0);
    expect(new Set(ledger.data.map((row) => row.orgId))).toEqual(new Set(['acme']));
    const report = (await (await g.call('/api/report?by=org', ACME_ADMIN)).json()) as { rows: { org?: string }[] } & Record<string, unknown>;
    expect(JSON.stringify(report)).not.toContain('globex');
    expect(JSON.stringify(report)).toContain('acme');
    expect((await g.call('/api/ledger?org=globex', ACME_ADMIN)).status).toBe(404);
    expect((await g.call('/api/report?by=project&org=globex', ACME_VIEWER)).status).toBe(404);
    expect((await g.call('/api/ledger?org=acme', ACME_VIEWER)).status).toBe(200);
  });

  it('global views and global writes are the operator’s', async () => {
    for (const path of ['/api/cache/stats', '/api/routing/analytics', '/api/feedback']) {
      const response = await g.call(path, ACME_ADMIN);
      expect(response.status, path).toBe(403);
    }
    expect((await g.call('/api/cache/semantic', ACME_ADMIN, { method: 'DELETE' })).status).toBe(403);
    expect((await g.call('/api/cache/warm', ACME_ADMIN, { method: 'POST', body: '{}' })).status).toBe(403);
    // Prices and the catalogue hold no tenant data.
    expect((await g.call('/api/prices/gpt-4o-mini', ACME_VIEWER)).status).toBe(200);
    expect((await g.call('/api/routing/catalogue', ACME_VIEWER)).status).toBe(200);
  });

  it('an org viewer cannot write even inside its org', async () => {
    const response = await g.call('/api/keys', ACME_VIEWER, { method: 'POST', body: JSON.stringify({ name: 'x', org: 'acme' }) });
    expect(response.status).toBe(403);
  });

  it('every attempted change is audited with who made it and how it ended; reads are not', async () => {
    logged.length = 0;
    await g.call('/api/report', ACME_ADMIN);
    await g.call('/api/keys', ACME_VIEWER, { method: 'POST', body: JSON.stringify({ name: 'x', org: 'acme' }) });
    const created = await g.call('/api/keys', ROOT_KEY, { method: 'POST', body: JSON.stringify({ name: 'audited', org: 'acme' }) });
    expect(created.status).toBe(201);
    expect(logged).toEqual(['admin audit: acme-viewer (viewer, org acme) POST /api/keys -> 403', 'admin audit: root (admin) POST /api/keys -> 201']);
    expect(logged.join('\n')).not.toContain(((await created.json()) as { secret: string }).secret);
  });
});

describe('/metrics protection and a closed admin API', () => {
  it('metricsRequireKey: no key 401, org-confined 403, operator viewer 200', async () => {
    const g = await startAccessGateway({
      config: (input) => ({ ...input, admin: { metricsRequireKey: true, keys: [{ name: 'acme-admin', secret: ACME_ADMIN, org: 'acme' }] } }),
    });
    try {
      expect((await g.call('/metrics', undefined)).status).toBe(401);
      expect((await g.call('/metrics', 'wrong-key')).status).toBe(401);
      expect((await g.call('/metrics', ACME_ADMIN)).status).toBe(403);
      const ok = await g.call('/metrics', VIEWER_KEY);
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('tollgate_');
      expect((await g.call('/healthz', undefined)).status).toBe(200);
    } finally {
      await g.close();
    }
  });

  it('metrics stay open by default; with no admin key at all the admin API is closed', async () => {
    const g = await startAccessGateway({ gateway: { adminKey: undefined, viewerKey: undefined } });
    try {
      expect((await g.call('/metrics', undefined)).status).toBe(200);
      expect((await g.call('/api/report', ROOT_KEY)).status).toBe(403);
    } finally {
      await g.close();
    }
  });
});
