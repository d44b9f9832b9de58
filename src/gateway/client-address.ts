import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';

/** The peer address of the connection (never a forwarded header, which any client can forge). */
export function clientAddress(c: Context): string {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'unknown';
}
