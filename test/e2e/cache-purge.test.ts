import Anthropic from '@anthropic-ai/sdk';
import { Hono } from 'hono';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminPrincipal } from '../../src/domain/admin-principal.ts';
import { toGatewayError } from '../../src/domain/errors.ts';
import { registerCacheRoutes } from '../../src/gateway/admin/cache.ts';
import type { GatewayEnv } from '../../src/gateway/context.ts';
import { errorResponse } from '../../src/gateway/error-response.ts';
import { withMock } from '../../src/mock-provider/index.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { NO_REDIS, redisAvailable, startRedisServer, type RedisServer } from '../support/redis-server.ts';
import { skipUnless } from '../support/skip-unless.ts';

const ACME = 'tg-purge-acme-key-00000000000000';
const BETA = 'tg-purge-beta-key-00000000000000';

/** Issue #11.9: the exact cache can be purged, a namespace is an org id, and hits and errors name their provider. */
describe('cache purges and provider headers', () => {
  let h: Harness;
  const client = (key: string) => new OpenAI({ baseURL: `${h.url}/v1`, apiKey: key, maxRetries: 0 });

  beforeAll(async () => {
    h = await startHarness({
      config: (input) => ({
        ...input,
        server: { ...input.server, anonymous: undefined },
        cache: { semantic: { enabled: true } },
        keys: [
          { name: 'acme', secret: ACME, org: 'acme', project: 'p' },
          { name: 'beta', secret: BETA, org: 'beta', project: 'p' },
        ],
      }),
    });
  });
  afterAll(() => h.close());

  const status = async (key: string, model: string, content: string) => {
    const { response } = await client(key).chat.completions.create({ model, temperature: 0, messages: [{ role: 'user', content }] }).withResponse();
    return response.headers.get('x-tollgate-cache');
  };
  const fill = async () => {
    for (const key of [ACME, BETA]) for (const model of ['gpt-4o-mini', 'gpt-4o']) await status(key, model, 'Name a prime number.');
  };
  const statuses = async () => {
    const out: Record<string, string | null> = {};
    for (const [org, key] of [['acme', ACME], ['beta', BETA]] as const) for (const model of ['gpt-4o-mini', 'gpt-4o']) out[`${org}/${model}`] = await status(key, model, 'Name a prime number.');
    return out;
  };
  const purge = async (path: string) => (await h.admin(path, { method: 'DELETE' })).json() as Promise<{ purged?: number; evicted?: number }>;

  it('DELETE /api/cache/exact purges one org and one model, then everything', async () => {
    await fill();
    // The semantic layer would answer the purged exact entries: it is purged for the same scope first.
    expect(await purge('/api/cache/semantic?namespace=acme&model=gpt-4o')).toMatchObject({ evicted: 1 });
    expect(await purge('/api/cache/exact?namespace=acme&model=gpt-4o')).toMatchObject({ purged: 1 });
    expect(await statuses()).toEqual({ 'acme/gpt-4o-mini': 'hit', 'acme/gpt-4o': 'miss', 'beta/gpt-4o-mini': 'hit', 'beta/gpt-4o': 'hit' });
    expect(await purge('/api/cache/semantic')).toMatchObject({ evicted: 4 });
    expect(await purge('/api/cache/exact')).toMatchObject({ purged: 4 });
    expect(await statuses()).toEqual({ 'acme/gpt-4o-mini': 'miss', 'acme/gpt-4o': 'miss', 'beta/gpt-4o-mini': 'miss', 'beta/gpt-4o': 'miss' });
  });

  it('the semantic namespace is the org id: namespace=acme evicts acme\'s entries only (a prefix of it evicts nothing)', async () => {
    await purge('/api/cache/exact');
    await purge('/api/cache/semantic');
    await fill();
    expect(await purge('/api/cache/semantic?namespace=acm')).toMatchObject({ evicted: 0 });
    expect(await purge('/api/cache/semantic?namespace=acme')).toMatchObject({ evicted: 2 });
    expect(await purge('/api/cache/semantic?namespace=org:beta')).toMatchObject({ evicted: 2 });
  });

  it('an org admin purges only its own org; a viewer cannot purge (403)', async () => {
    // The routes behind an admin principal as the access layer sets it (`c.get('admin')`).
    const app = new Hono<GatewayEnv>();
    app.use('/api/*', async (c, next) => {
      c.set('admin', JSON.parse(c.req.header('x-test-admin')!) as AdminPrincipal);
      await next();
    });
    registerCacheRoutes(app, h.server.gateway.runtime);
    app.onError((error) => errorResponse(toGatewayError(error), 'openai'));
    const as = (admin: AdminPrincipal, path: string) => app.request(path, { method: 'DELETE', headers: { 'x-test-admin': JSON.stringify(admin) } });
    const acmeAdmin: AdminPrincipal = { role: 'admin', orgId: 'acme', name: 'acme-admin' };

    await purge('/api/cache/exact');
    await purge('/api/cache/semantic');
    await fill();
    for (const path of ['/api/cache/exact', '/api/cache/semantic']) {
      expect((await as({ role: 'viewer', orgId: undefined, name: 'v' }, path)).status).toBe(403);
      expect((await as(acmeAdmin, `${path}?namespace=beta`)).status).toBe(404);
    }
    expect(await (await as(acmeAdmin, '/api/cache/semantic')).json()).toMatchObject({ evicted: 2, namespace: 'org:acme' });
    expect(await (await as(acmeAdmin, '/api/cache/exact?namespace=acme')).json()).toMatchObject({ purged: 2, namespace: 'org:acme' });
    expect(await statuses()).toEqual({ 'acme/gpt-4o-mini': 'miss', 'acme/gpt-4o': 'miss', 'beta/gpt-4o-mini': 'hit', 'beta/gpt-4o': 'hit' });

    // Stats: an org admin sees its own org's rows, not the live stores every org shares; warming is a write.
    const get = (admin: AdminPrincipal, path: string, init: RequestInit = {}) => app.request(path, { ...init, headers: { 'x-test-admin': JSON.stringify(admin), 'content-type': 'application/json' } });
    const stats = (await (await get(acmeAdmin, '/api/cache/stats')).json()) as { requests: number; store: unknown; semantic: unknown; markedWrong: unknown };
    expect(stats).toMatchObject({ store: null, semantic: null, markedWrong: null });
    expect(stats.requests).toBe((await h.ledger()).filter((row) => row.orgId === 'acme').length);
    expect((await get(acmeAdmin, '/api/cache/stats?org=beta')).status).toBe(404);
    expect((await get({ role: 'viewer', orgId: undefined, name: 'v' }, '/api/cache/warm', { method: 'POST', body: '{}' })).status).toBe(403);
    expect(await (await h.admin('/api/cache/semantic?namespace=__proto__', { method: 'DELETE' })).json()).toMatchObject({ evicted: 0 });
  });

  it('cache hits name the provider that answered; upstream errors name the provider and model', async () => {
    const openai = client(ACME);
    const ask = { model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user' as const, content: 'What is 2 + 2?' }] };
    await openai.chat.completions.create(ask);
    const hit = await openai.chat.completions.create(ask).withResponse();
    expect(hit.response.headers.get('x-tollgate-cache')).toBe('hit');
    expect(hit.response.headers.get('x-tollgate-provider')).toBe('mock-openai');
    const semantic = await openai.chat.completions.create({ ...ask, messages: [{ role: 'user', content: 'what is 2+2' }] }).withResponse();
    expect(semantic.response.headers.get('x-tollgate-cache')).toBe('semantic-hit');
    expect(semantic.response.headers.get('x-tollgate-provider')).toBe('mock-openai');

    const anthropic = new Anthropic({ baseURL: h.url, apiKey: ACME, maxRetries: 0 });
    const params = { model: 'claude-3-5-haiku-latest', max_tokens: 20, temperature: 0, messages: [{ role: 'user' as const, content: 'Hi' }] };
    await anthropic.messages.create(params);
    const anthropicHit = await anthropic.messages.create(params).withResponse();
    expect(anthropicHit.response.headers.get('x-tollgate-provider')).toBe('mock-anthropic');

    for (const failStatus of [400, 503]) {
      const error = await openai.chat.completions.create(withMock({ ...ask, temperature: 0.5 }, { fail: { status: failStatus } })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.APIError);
      const headers = (error as InstanceType<typeof OpenAI.APIError>).headers!;
      expect(headers.get('x-tollgate-provider')).toBe('mock-openai');
      expect(headers.get('x-tollgate-model')).toBe('gpt-4o-mini');
    }
    const anthropicError = await anthropic.messages.create(withMock(params, { fail: { status: 429 } })).catch((e: unknown) => e);
    expect((anthropicError as InstanceType<typeof Anthropic.APIError>).headers?.get('x-tollgate-provider')).toBe('mock-anthropic');
    // Refused before any provider was involved: no provider header.
    const invalid = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [] }).catch((e: unknown) => e);
    expect((invalid as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect((invalid as InstanceType<typeof OpenAI.APIError>).headers?.get('x-tollgate-provider')).toBeNull();
  });
});

skipUnless(redisAvailable, NO_REDIS)('exact-cache purge with Redis', () => {
  let redis: RedisServer;
  let a: Harness;
  let b: Harness;
  beforeAll(async () => {
    redis = await startRedisServer();
    // Exact cache only: what is measured is the shared Redis store.
    a = await startHarness({ redisUrl: redis.url, config: (input) => ({ ...input, cache: { semantic: { enabled: false } } }) });
    b = await startHarness({ redisUrl: redis.url, config: (input) => ({ ...input, cache: { semantic: { enabled: false } } }) });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await redis.stop();
  });

  it('a purge on one instance empties the shared store for every instance, by model or all', async () => {
    const onA = new OpenAI({ baseURL: `${a.url}/v1`, apiKey: 'none', maxRetries: 0 });
    const onB = new OpenAI({ baseURL: `${b.url}/v1`, apiKey: 'none', maxRetries: 0 });
    const ask = (model: string) => ({ model, temperature: 0, messages: [{ role: 'user' as const, content: 'Name a colour.' }] });
    const cacheOn = async (client: OpenAI, model: string) => (await client.chat.completions.create(ask(model)).withResponse()).response.headers.get('x-tollgate-cache');
    await cacheOn(onA, 'gpt-4o-mini');
    await cacheOn(onA, 'gpt-4o');
    expect(await cacheOn(onB, 'gpt-4o-mini')).toBe('hit');
    expect(await (await a.admin('/api/cache/exact?model=gpt-4o-mini', { method: 'DELETE' })).json()).toMatchObject({ purged: 1 });
    expect(await cacheOn(onB, 'gpt-4o-mini')).toBe('miss');
    expect(await cacheOn(onB, 'gpt-4o')).toBe('hit');
    expect(await (await a.admin('/api/cache/exact', { method: 'DELETE' })).json()).toMatchObject({ purged: 2 });
    expect(await cacheOn(onB, 'gpt-4o')).toBe('miss');
  });
});
