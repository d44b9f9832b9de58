import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { drainHttpServer } from '../../src/drain-http-server.ts';

/** A server whose `/slow` answers when the test says so; every other path answers at once. */
function startServer(): Promise<{ server: Server; port: number; release: () => void }> {
  const waiting: Array<() => void> = [];
  const server = createServer((req, res) => {
    if (req.url === '/slow') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('part 1;');
      waiting.push(() => res.end('part 2'));
    } else {
      res.end('fast');
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port, release: () => waiting.splice(0).forEach((end) => end()) })),
  );
}

/** GET with a keep-alive agent-less socket; resolves with the body, or 'cut' if the connection dies mid-body. */
function get(port: number, path: string, onFirstChunk?: () => void): Promise<string> {
  return new Promise((resolve) => {
    const req = request({ port, host: '127.0.0.1', path, headers: { connection: 'keep-alive' } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        if (!body) onFirstChunk?.();
        body += chunk.toString();
      });
      res.on('end', () => resolve(body));
      res.on('error', () => resolve('cut'));
      res.on('aborted', () => resolve('cut'));
    });
    req.on('error', () => resolve('cut'));
    req.end();
  });
}

describe('drainHttpServer', () => {
  let servers: Server[] = [];
  afterEach(() => {
    for (const server of servers) server.closeAllConnections();
    servers = [];
  });

  it('stops accepting at once, lets a request in flight finish, and closes idle keep-alive connections', async () => {
    const { server, port, release } = await startServer();
    servers.push(server);
    let started!: () => void;
    const streaming = new Promise<void>((resolve) => (started = resolve));
    const slow = get(port, '/slow', started);
    await streaming;
    const drained = drainHttpServer(server, 60_000);
    // The listener is closed: a new connection is refused while the old request still runs.
    expect(await get(port, '/fast')).toBe('cut');
    release();
    expect(await slow).toBe('part 1;part 2');
    expect(await drained).toMatchObject({ cut: 0 });
  });

  it('cuts what is still running at the deadline', async () => {
    const { server, port } = await startServer();
    servers.push(server);
    let started!: () => void;
    const streaming = new Promise<void>((resolve) => (started = resolve));
    const slow = get(port, '/slow', started);
    await streaming;
    const result = await drainHttpServer(server, 50);
    expect(result.cut).toBe(1);
    expect(await slow).toBe('cut');
    expect(server.listening).toBe(false);
  });

  it('resolves for a server with no connections, and for one already closed', async () => {
    const { server } = await startServer();
    expect(await drainHttpServer(server, 1_000)).toMatchObject({ cut: 0 });
    expect(await drainHttpServer(server, 1_000)).toMatchObject({ cut: 0 });
  });
});
