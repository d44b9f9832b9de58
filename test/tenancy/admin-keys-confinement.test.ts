import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminPrincipal } from '../../src/domain/admin-principal.ts';
import { GatewayError, toGatewayError } from '../../src/domain/errors.ts';
import { registerKeyRoutes } from '../../src/gateway/admin/keys.ts';
import type { GatewayEnv } from '../../src/gateway/context.ts';
import { errorResponse } from '../../src/gateway/error-response.ts';
import { startHarness, type Harness } from '../support/harness.ts';

/**
 * The keys admin routes against the admin authorisation contract (`c.get('admin')`, requireWriter,
 * requireOrg). This branch has only the root admin key, so the routes are mounted on their own
 * HTTP server whose authentication maps test tokens to the principals the viewer and org-admin
 * keys produce; the routes, runtime and store are the real gateway's.
 */
const PRINCIPALS: Record<string, AdminPrincipal> = {
  operator: { role: 'admin', orgId: undefined, name: 'operator' },
  'acme-admin': { role: 'admin', orgId: 'acme', name: 'acme-admin' },
  'acme-viewer': { role: 'viewer', orgId: 'acme', name: 'acme-viewer' },
  'beta-admin': { role: 'admin', orgId: 'beta', name: 'beta-admin' },
};

describe('tenancy: the keys admin routes stay inside the caller org and role', () => {
  let h: Harness;
  let server: ServerType;
  let base: string;
  const call = (who: string, path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, { ...init, headers: { authorization: `Bearer ${who}`, 'content-type': 'application/json', ...init.headers } });
  const create = (who: string, body: Record<string, unknown>) => call(who, '/api/keys', { method: 'POST', body: JSON.stringify(body) });
  const listIds = async (who: string) => ((await (await call(who, '/api/keys')).json()) as { data: Array<{ id: string; orgId: string }> }).data;

  beforeAll(async () => {
    h = await startHarness({ config: (input) => ({ ...input, server: { ...input.server, anonymous: undefined } }) });
    const app = new Hono<GatewayEnv>();
    app.use('/api/*', async (c, next) => {
      const token = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1] ?? '';
      const principal = PRINCIPALS[token];
      if (!principal) throw new GatewayError('unauthorized', 'unknown admin key');
      c.set('admin', principal);
      await next();
    });
    registerKeyRoutes(app, h.server.gateway.runtime);
    app.onError((error) => errorResponse(toGatewayError(error), 'openai'));
    await new Promise<void>((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
        base = `http://127.0.0.1:${info.port}`;
        resolve();
      });
    });
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await h.close();
  });

  it('an org admin creates keys only in its own org (default: its org); another org is "not found"', async () => {
    const own = await create('acme-admin', { name: 'acme-bot', project: 'web' });
    expect(own.status).toBe(201);
    expect(((await own.json()) as { key: { orgId: string } }).key.orgId).toBe('acme');
    const foreign = await create('acme-admin', { name: 'sneaky', org: 'beta', project: 'web' });
    expect(foreign.status).toBe(404);
    expect((await listIds('operator')).some((key) => key.orgId === 'beta')).toBe(false);
  });

  it('lists show only the caller org; the operator sees every org', async () => {
    expect((await create('beta-admin', { name: 'beta-bot', project: 'web' })).status).toBe(201);
    expect((await listIds('acme-admin')).every((key) => key.orgId === 'acme')).toBe(true);
    expect((await listIds('acme-viewer')).map((key) => key.orgId)).toEqual(['acme']);
    expect(new Set((await listIds('operator')).map((key) => key.orgId))).toEqual(new Set(['acme', 'beta']));
  });

  it("a viewer cannot create or revoke; an org admin cannot revoke another org's key, which keeps working", async () => {
    expect((await create('acme-viewer', { name: 'viewer-made' })).status).toBe(403);
    const betaResponse = await create('beta-admin', { name: 'beta-kept', project: 'web' });
    const { key, secret } = (await betaResponse.json()) as { key: { id: string }; secret: string };
    const [acmeKey] = await listIds('acme-admin');
    expect((await call('acme-viewer', `/api/keys/${acmeKey!.id}`, { method: 'DELETE' })).status).toBe(403);
    const crossRevoke = await call('acme-admin', `/api/keys/${key.id}`, { method: 'DELETE' });
    expect(crossRevoke.status).toBe(404);
    // Same answer as a key that does not exist: existence is not revealed.
    const missing = await call('acme-admin', '/api/keys/key_doesnotexist', { method: 'DELETE' });
    expect(((await crossRevoke.json()) as { error: { message: string } }).error.message.replace(key.id, 'ID')).toBe(
      ((await missing.json()) as { error: { message: string } }).error.message.replace('key_doesnotexist', 'ID'),
    );
    const client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: secret, maxRetries: 0 });
    await expect(client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })).resolves.toBeDefined();
    expect((await call('beta-admin', `/api/keys/${key.id}`, { method: 'DELETE' })).status).toBe(200);
  });
});
