import { randomBytes } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../context.ts';

/** A sortable, unique request id: time prefix (ms, base36) + 64 random bits. */
export function createRequestId(nowMs: number): string {
  return `req_${nowMs.toString(36)}${randomBytes(8).toString('hex')}`;
}

/** Stamps every request with an id and its arrival time, and echoes the id on the response. */
export const requestId = (now: () => number): MiddlewareHandler<GatewayEnv> =>
  async function requestIdMiddleware(c, next) {
    const receivedAtMs = now();
    const id = createRequestId(receivedAtMs);
    c.set('requestId', id);
    c.set('receivedAtMs', receivedAtMs);
    c.set('wire', c.req.path.startsWith('/v1/messages') ? 'anthropic' : 'openai');
    await next();
    c.header('x-tollgate-request-id', id);
  };
