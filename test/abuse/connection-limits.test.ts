import { connect, type Socket } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withMock } from '../../src/mock-provider/index.ts';
import { startHarness, type Harness } from '../support/harness.ts';

/**
 * Issue #10 item 4: headers and uploads have deadlines, connections are capped per client address,
 * and none of that cuts a long streamed answer.
 */
describe('connection deadlines and caps', () => {
  let h: Harness;
  let port: number;
  beforeAll(async () => {
    h = await startHarness({
      config: (input) => ({ ...input, server: { ...input.server, headersTimeoutMs: 1_000, bodyTimeoutMs: 1_500, maxConnectionsPerAddress: 5 } }),
    });
    port = Number(new URL(h.url).port);
  });
  afterAll(() => h.close());

  function open(localAddress: string): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1', localAddress });
      socket.once('connect', () => resolve(socket));
      socket.once('error', reject);
    });
  }

  /** Everything the server sends until it closes the socket. */
  function untilClosed(socket: Socket): Promise<string> {
    return new Promise((resolve) => {
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
      socket.on('error', () => undefined);
      socket.once('close', () => resolve(received));
    });
  }

  it('a client dribbling its headers is cut off at the headers deadline', async () => {
    const socket = await open('127.0.0.7');
    const closed = untilClosed(socket);
    socket.write('POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n');
    const timer = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 200);
    const received = await closed;
    clearInterval(timer);
    expect(received === '' || received.startsWith('HTTP/1.1 408')).toBe(true);
  }, 15_000);

  it('a client that never finishes its upload is cut off at the body deadline', async () => {
    const socket = await open('127.0.0.8');
    const closed = untilClosed(socket);
    socket.write('POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"model":');
    const timer = setInterval(() => socket.writable && socket.write(' '), 200);
    await closed;
    clearInterval(timer);
    expect(socket.destroyed).toBe(true);
  }, 15_000);

  it('connections over the per-address cap are dropped; other addresses are served', async () => {
    const held = await Promise.all(Array.from({ length: 5 }, () => open('127.0.0.9')));
    const extra = await open('127.0.0.9');
    const received = await untilClosed(extra);
    expect(received).toBe('');
    const response = await fetch(`${h.url}/healthz`);
    expect(response.status).toBe(200);
    for (const socket of held) socket.destroy();
    expect(await h.server.gateway.runtime.deps.metrics.render()).toMatch(/tollgate_edge_rejections_total\{reason="connection_limit"\} [1-9]/);
  });

  it('a streamed answer that lasts longer than the body deadline is not cut', async () => {
    const openai = h.openai();
    const stream = await openai.chat.completions.create(withMock({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'count slowly' }] }, { chunks: 6, chunkDelayMs: 500, text: 'one two three four five six' }));
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text.replace(/\s+/g, ' ').trim()).toBe('one two three four five six');
  }, 15_000);
});
