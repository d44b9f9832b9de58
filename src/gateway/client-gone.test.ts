import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientGone } from './client-gone.ts';

describe('ClientGone', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it('runs each listener once, drops removed ones, and reports the reason', () => {
    const signal = new ClientGone();
    const calls: string[] = [];
    const removed = () => calls.push('removed');
    signal.addEventListener('abort', () => calls.push('kept'));
    signal.addEventListener('abort', removed);
    signal.removeEventListener('abort', removed);
    signal.abort('gone');
    signal.abort('again');
    expect(calls).toEqual(['kept']);
    expect(signal).toMatchObject({ aborted: true, reason: 'gone' });
  });

  it('cancels a real undici call in flight, as an AbortSignal does', async () => {
    let upstreamClosed!: () => void;
    const closed = new Promise<void>((resolve) => (upstreamClosed = resolve));
    server = createServer((request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: first\n\n');
      request.socket.once('close', upstreamClosed);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const pool = new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const signal = new ClientGone();
    const response = await pool.request({ method: 'GET', path: '/', signal: signal as unknown as AbortSignal });
    const reading = response.body.text();
    signal.abort('Client connection prematurely closed.');
    await expect(reading).rejects.toBeDefined();
    await closed;
    await pool.close();
  });
});
