import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.ts';

/**
 * `server.maxRequestsPerSocket`: the last request a connection may carry is answered with
 * `Connection: close` and the connection is then closed. Node on its own only sends the header and
 * answers every later request on that socket with a bare 503, so a load driver or proxy that ignores
 * the header saw nothing but 503s after maxRequestsPerSocket × connections requests.
 */
describe('maxRequestsPerSocket', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ config: (input) => ({ ...input, server: { ...input.server, maxRequestsPerSocket: 3 } }) });
  });
  afterAll(() => h.close());

  /** Sends `request` on one connection `times` times, each after the previous answer, ignoring `Connection: close`. */
  async function sendSequentially(request: string, times: number): Promise<{ statuses: number[]; connectionHeaders: (string | undefined)[]; closedAfter: number }> {
    const { port } = new URL(h.url);
    const socket: Socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const statuses: number[] = [];
    const connectionHeaders: (string | undefined)[] = [];
    let buffer = '';
    let closed = false;
    let wake: () => void = () => {};
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      wake();
    });
    socket.on('close', () => {
      closed = true;
      wake();
    });
    socket.on('error', () => {});
    for (let sent = 0; sent < times; sent++) {
      if (closed) break;
      socket.write(request);
      // One whole answer: headers, then content-length bytes of body.
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n');
        const length = end >= 0 ? Number(/\r\ncontent-length: *(\d+)/i.exec(buffer.slice(0, end))?.[1] ?? 0) : 0;
        if (end >= 0 && buffer.length >= end + 4 + length) {
          const head = buffer.slice(0, end);
          statuses.push(Number(head.split(' ')[1]));
          connectionHeaders.push(/\r\nconnection: *([^\r]*)/i.exec(head)?.[1]?.toLowerCase());
          buffer = buffer.slice(end + 4 + length);
          break;
        }
        if (closed) break;
        await new Promise<void>((resolve) => (wake = resolve));
      }
      // Give the server the moment a real client would take before its next request.
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    socket.destroy();
    return { statuses, connectionHeaders, closedAfter: statuses.length };
  }

  it('closes the connection after its last request instead of answering later ones with 503 (proxy route)', async () => {
    const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    const request = `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const result = await sendSequentially(request, 5);
    expect(result.statuses).toEqual([200, 200, 200]);
    expect(result.connectionHeaders[2]).toBe('close');
  });

  it('does the same on the admin and health routes (answered through hono)', async () => {
    const result = await sendSequentially('GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n', 5);
    expect(result.statuses).toEqual([200, 200, 200]);
    expect(result.connectionHeaders[2]).toBe('close');
  });

  it('a client that honours the header just opens a new connection: every request succeeds', async () => {
    for (let i = 0; i < 8; i++) {
      const response = await fetch(`${h.url}/healthz`);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
  });
});
