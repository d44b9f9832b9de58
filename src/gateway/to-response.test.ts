import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import type { PipelineResult } from '../pipeline/types.ts';
import { safeHeaders, toResponse, writeResult } from './to-response.ts';

describe('response headers echoing upstream text', () => {
  it('drops values with CR/LF, NUL or non-ASCII and cuts long ones, so building the response cannot throw', () => {
    const headers = { 'x-tollgate-model': 'evil\r\nset-cookie: a=b', 'x-tollgate-route': 'r'.repeat(5_000), 'x-tollgate-cost-usd': '0.000001', 'x-other': 'caf\u00e9\u0000' };
    expect(() => new Response('{}', { headers })).toThrow();
    const safe = safeHeaders(headers);
    expect(safe).toEqual({ 'x-tollgate-route': 'r'.repeat(1_024), 'x-tollgate-cost-usd': '0.000001' });
    const response = toResponse({ kind: 'json', status: 200, headers, body: '{}' });
    expect(response.headers.get('x-tollgate-model')).toBeNull();
    expect(response.headers.get('x-tollgate-cost-usd')).toBe('0.000001');
  });

  it('returns the same object when every header is fine (no copy on the hot path)', () => {
    const headers = { 'x-tollgate-model': 'gpt-4o-mini' };
    expect(safeHeaders(headers)).toBe(headers);
  });
});

describe('writing a stream straight to Node\'s response', () => {
  async function serve(result: PipelineResult, onResponse?: (outgoing: ServerResponse) => void): Promise<{ url: string; close: () => Promise<void> }> {
    const server = createServer((_incoming, outgoing) => {
      onResponse?.(outgoing);
      writeResult(result, outgoing);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
  }

  it('waits for drain on a slow client, sends every byte, and leaves no listener behind per wait', async () => {
    const piece = Buffer.alloc(256 * 1024, 'a');
    const count = 40;
    let maxListeners = 0;
    let outgoing: ServerResponse | undefined;
    const stream = (async function* () {
      for (let index = 0; index < count; index += 1) {
        if (outgoing) maxListeners = Math.max(maxListeners, outgoing.listenerCount('drain'), outgoing.listenerCount('close'));
        yield index === count - 1 ? 'end' : piece;
      }
    })();
    const server = await serve({ kind: 'stream', status: 200, headers: { 'content-type': 'text/event-stream' }, stream }, (response) => {
      outgoing = response;
    });
    try {
      const response = await request(server.url);
      let received = 0;
      let last = '';
      for await (const chunk of response.body) {
        received += (chunk as Buffer).length;
        last = (chunk as Buffer).toString('latin1').slice(-3);
        // A slow reader: the server's writes back up and it waits for 'drain'.
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      expect(received).toBe(piece.length * (count - 1) + 3);
      expect(last).toBe('end');
      expect(outgoing!.listenerCount('drain')).toBe(0);
      // The server's own 'close' listeners and at most one of the drain wait's.
      expect(maxListeners).toBeLessThanOrEqual(outgoing!.listenerCount('close') + 1);
    } finally {
      await server.close();
    }
  });

  it('writes a JSON answer with one head: content type first, the safe headers in order (unsafe dropped, long cut), then the length', async () => {
    const headers = { 'x-tollgate-request-id': 'r1', 'x-tollgate-model': 'evil\r\nset-cookie: a=b', 'x-tollgate-route': 'r'.repeat(5_000), 'content-type': 'bad\u0000', 'x-tollgate-cost-usd': '0.000001' };
    const body = '{"answer":"café"}';
    const server = await serve({ kind: 'json', status: 201, headers, body });
    try {
      const response = await request(server.url);
      expect(response.statusCode).toBe(201);
      expect(await response.body.text()).toBe(body);
      const raw = response.headers;
      const names = Object.keys(raw).filter((name) => name === 'content-type' || name === 'content-length' || name.startsWith('x-'));
      expect(names).toEqual(['content-type', 'x-tollgate-request-id', 'x-tollgate-route', 'x-tollgate-cost-usd', 'content-length']);
      expect(raw['content-type']).toBe('application/json');
      expect(raw['x-tollgate-route']).toBe('r'.repeat(1_024));
      expect(raw['content-length']).toBe(String(Buffer.byteLength(body)));
      expect(raw['x-tollgate-model']).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('a client leaving mid-stream stops the stream (its finally runs: the request is metered and the upstream released)', async () => {
    let finished: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => {
      finished = resolve;
    });
    const stream = (async function* () {
      try {
        for (;;) {
          yield 'data: x\n\n';
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
      } finally {
        finished();
      }
    })();
    const server = await serve({ kind: 'stream', status: 200, headers: {}, stream });
    try {
      const response = await request(server.url);
      for await (const _chunk of response.body) break;
      await stopped;
    } finally {
      await server.close();
    }
  });
});
