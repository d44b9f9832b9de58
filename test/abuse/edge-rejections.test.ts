import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHarness, type Harness } from '../support/harness.ts';

/**
 * Issue #10 items 5 and 14: requests refused at the edge (no key, bad key, bad JSON, too large) cost
 * a metric and a sampled log line, never a ledger row; an address that keeps being refused gets a
 * 429 in its own envelope; a client that leaves mid-upload is a 499 row without a stack trace.
 */
describe('edge refusals with keys required', () => {
  let h: Harness;
  let secret: string;
  beforeAll(async () => {
    h = await startHarness({
      config: (input) => ({ ...input, server: { ...input.server, anonymous: undefined, rejectionRateLimit: { perSecond: 0.5, burst: 30 } } }),
    });
    const created = (await (await h.admin('/api/keys', { method: 'POST', body: JSON.stringify({ name: 'edge', project: 'p1' }) })).json()) as { secret: string };
    secret = created.secret;
  });
  afterAll(() => h.close());

  /** A POST from a chosen loopback address (127.0.0.x), as a distinct client would send it. */
  function postFrom(localAddress: string, path: string, body: string, headers: Record<string, string> = {}) {
    return new Promise<{ status: number; body: any; headers: Record<string, string | string[] | undefined> }>((resolve, reject) => {
      const url = new URL(path, h.url);
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', localAddress, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')), headers: res.headers }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  const chat = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });

  it('401s, bad JSON and 413s from a keyless client write no ledger rows and are counted', async () => {
    const before = (await h.ledger()).length;
    for (let index = 0; index < 10; index += 1) {
      const missing = await postFrom('127.0.0.2', '/v1/chat/completions', chat);
      expect(missing.status).toBe(401);
      expect(missing.body.error).toMatchObject({ type: 'authentication_error' });
      const bad = await postFrom('127.0.0.2', '/v1/messages', chat, { 'x-api-key': 'tg-not-a-real-key-0000000000' });
      expect(bad.status).toBe(401);
      expect(bad.body).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    }
    const badJson = await postFrom('127.0.0.2', '/v1/chat/completions', '{"model":', { authorization: `Bearer ${secret}` });
    expect(badJson.status).toBe(400);
    expect((await h.ledger()).length).toBe(before);
    const metrics = await h.server.gateway.runtime.deps.metrics.render();
    expect(metrics).toMatch(/tollgate_edge_rejections_total\{reason="unauthorized"\} 20/);
    expect(metrics).toMatch(/tollgate_edge_rejections_total\{reason="invalid_json"\} 1/);
  });

  it('an address that keeps being refused gets 429 with retry-after in its envelope; other addresses are unaffected', async () => {
    let limited: Awaited<ReturnType<typeof postFrom>> | undefined;
    for (let index = 0; index < 40 && !limited; index += 1) {
      const result = await postFrom('127.0.0.3', '/v1/messages', chat);
      if (result.status === 429) limited = result;
      else expect(result.status).toBe(401);
    }
    expect(limited?.body).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    expect(Number(limited?.headers['retry-after'])).toBeGreaterThan(0);
    // Even with a valid key the address waits (refusals are checked before any work is done)...
    expect((await postFrom('127.0.0.3', '/v1/chat/completions', chat, { authorization: `Bearer ${secret}` })).status).toBe(429);
    // ...while a well-behaved client elsewhere is served.
    const good = await postFrom('127.0.0.4', '/v1/chat/completions', chat, { authorization: `Bearer ${secret}` });
    expect(good.status).toBe(200);
    expect(await h.server.gateway.runtime.deps.metrics.render()).toMatch(/tollgate_edge_rejections_total\{reason="rate_limited"\} [1-9]/);
  });

  it('a client that disconnects mid-upload is a 499 row with no stack trace', async () => {
    const errors = vi.spyOn(console, 'error');
    const socket = connect({ port: Number(new URL(h.url).port), host: '127.0.0.1', localAddress: '127.0.0.5' });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${secret}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"model":"gpt-4o-mini","messages":[`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    socket.destroy();
    let row: Awaited<ReturnType<Harness['ledger']>>[number] | undefined;
    for (let attempt = 0; attempt < 50 && !row; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      row = (await h.ledger()).find((entry) => entry.status === 499);
    }
    expect(row).toMatchObject({ status: 499, errorCode: 'client_closed', projectId: 'p1' });
    expect(errors.mock.calls.filter((call) => String(call[0]).includes('internal error'))).toEqual([]);
    errors.mockRestore();
  });
});

describe('an oversized upload refused by its declared length', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: (input) => ({ ...input, server: { ...input.server, bodyLimitBytes: 1024 * 1024 } }) });
  });
  afterAll(() => h.close());

  it('gets its 413 and the connection is closed instead of the gateway reading the rest', async () => {
    const socket = connect({ port: Number(new URL(h.url).port), host: '127.0.0.1' });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
    socket.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write('POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10485760\r\n\r\n{"model":"gpt-4o-mini","x":"');
    // Keep uploading (slowly): only the gateway closing the connection ends this.
    const timer = setInterval(() => socket.writable && socket.write('x'.repeat(16_384)), 20);
    await closed;
    clearInterval(timer);
    expect(received).toMatch(/^HTTP\/1\.1 413/);
    expect(received.toLowerCase()).toContain('connection: close');
  }, 20_000);
});
