import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { GatewayEnv } from '../context.ts';
import { requestId } from './request-id.ts';

/** A bare app with the middleware and routes that build their responses in each way a route can. */
function testApp() {
  const built = new Map<string, Response>();
  const keep = (path: string, response: Response) => (built.set(path, response), response);
  const bytes = new TextEncoder().encode('{"rows":[1,2,3]}');
  const app = new Hono<GatewayEnv>();
  app.use('*', requestId(() => 1_700_000_000_000));
  app.get('/api/json', (c) => keep('/api/json', c.json({ a: 1 })));
  app.get('/api/bytes', (c) => keep('/api/bytes', c.body(bytes, 200, { 'content-type': 'application/json' })));
  app.get('/api/raw', () => new Response('raw', { headers: { 'content-type': 'text/plain' } }));
  app.get('/api/throws', () => {
    throw new Error('boom');
  });
  app.onError((_error, c) => new Response('failed', { status: 500, headers: { 'x-seen-id': c.get('requestId') } }));
  return { app, built, bytes };
}

describe('requestId middleware', () => {
  it('stamps the id on a response the route builds without hono rebuilding it (the same object leaves, body untouched)', async () => {
    const { app, built, bytes } = testApp();
    for (const path of ['/api/json', '/api/bytes']) {
      const response = await app.request(path);
      // Set after the route, the header made hono wrap the finished response in a new one and re-read its body.
      expect(response, path).toBe(built.get(path));
      expect(response.headers.get('x-tollgate-request-id'), path).toMatch(/^req_/);
    }
    expect(new Uint8Array(await (await app.request('/api/bytes')).arrayBuffer())).toEqual(bytes);
    expect(await (await app.request('/api/json')).text()).toBe('{"a":1}');
  });

  it('stamps responses built apart from hono (a raw Response, the error handler, not found), once', async () => {
    const { app } = testApp();
    for (const path of ['/api/raw', '/api/throws', '/nowhere']) {
      const response = await app.request(path);
      const id = response.headers.get('x-tollgate-request-id');
      expect(id, path).toMatch(/^req_[0-9a-z]+$/);
      if (path === '/api/throws') expect(response.headers.get('x-seen-id')).toBe(id);
    }
    expect(await (await app.request('/api/raw')).text()).toBe('raw');
  });

  it('each request gets its own id, and the id on the response is the one the route saw', async () => {
    const { app } = testApp();
    const seen: string[] = [];
    app.get('/api/seen', (c) => {
      seen.push(c.get('requestId'));
      return c.text('ok');
    });
    const first = await app.request('/api/seen');
    const second = await app.request('/api/seen');
    expect(first.headers.get('x-tollgate-request-id')).toBe(seen[0]);
    expect(second.headers.get('x-tollgate-request-id')).toBe(seen[1]);
    expect(seen[0]).not.toBe(seen[1]);
  });

  it('leaves proxy responses alone (they carry their own id)', async () => {
    const app = new Hono<GatewayEnv>();
    app.use('*', requestId(() => 0));
    app.post('/v1/chat/completions', () => new Response('{}', { headers: { 'x-tollgate-request-id': 'req_own' } }));
    const response = await app.request('/v1/chat/completions', { method: 'POST' });
    expect(response.headers.get('x-tollgate-request-id')).toBe('req_own');
  });
});
