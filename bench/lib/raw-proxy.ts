/**
 * The second floor for proxy overhead: `node:http` + undici Pool and nothing else (no framework, no
 * web Request/Response objects), forwarding bytes with no parsing, metering or auth. The gap
 * between this floor and the hono one is the hono adapter's own cost.
 * Run as a child process: `tsx bench/lib/raw-proxy.ts <port> <upstream>`.
 */
import { createServer } from 'node:http';
import { Pool } from 'undici';

const [portArg, upstreamArg] = process.argv.slice(2);
const upstream = new URL(upstreamArg ?? 'http://127.0.0.1:4010');
const pool = new Pool(upstream.origin, { connections: 128 });

const server = createServer(async (req, res) => {
  try {
    let body: Buffer | undefined;
    if (req.method !== 'GET') {
      const parts: Buffer[] = [];
      for await (const part of req) parts.push(part as Buffer);
      body = parts.length === 1 ? parts[0] : Buffer.concat(parts);
    }
    const response = await pool.request({
      method: req.method as 'POST',
      path: req.url ?? '/',
      headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
      body,
    });
    const type = response.headers['content-type'];
    res.writeHead(response.statusCode, typeof type === 'string' ? { 'content-type': type } : {});
    for await (const chunk of response.body) if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
    res.end();
  } catch {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  }
});

server.listen(Number(portArg ?? 4021), '127.0.0.1', () => {
  process.stdout.write(`ready ${(server.address() as { port: number }).port}\n`);
});
