/**
 * The floor for proxy overhead: hono + @hono/node-server + undici Pool, forwarding bytes with no
 * parsing, metering or auth. Run as a child process: `tsx bench/lib/bare-proxy.ts <port> <upstream>`.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { Pool } from 'undici';

const [portArg, upstreamArg] = process.argv.slice(2);
const upstream = new URL(upstreamArg ?? 'http://127.0.0.1:4010');
const pool = new Pool(upstream.origin, { connections: 128 });
const app = new Hono();

app.all('/v1/*', async (c) => {
  const body = c.req.method === 'GET' ? undefined : Buffer.from(await c.req.arrayBuffer());
  const response = await pool.request({
    method: c.req.method as 'POST',
    path: c.req.path,
    headers: { 'content-type': c.req.header('content-type') ?? 'application/json' },
    body,
  });
  const headers = new Headers();
  const type = response.headers['content-type'];
  if (typeof type === 'string') headers.set('content-type', type);
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      for await (const chunk of response.body) controller.enqueue(chunk as Uint8Array);
      controller.close();
    },
  });
  return new Response(stream, { status: response.statusCode, headers });
});

serve({ fetch: app.fetch, port: Number(portArg ?? 4020), hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`ready ${info.port}\n`);
});
