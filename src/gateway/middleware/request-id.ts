import { randomBytes } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../context.ts';
import { PROXY_OPERATIONS, wireOfPath } from '../proxy-paths.ts';

/** 64 random bits per process: ids stay unique across instances and restarts without a random draw per request. */
const PROCESS_PREFIX = randomBytes(8).toString('hex');
let counter = 0;

/** A sortable, unique request id: time (ms, base36) + process prefix + per-process counter. */
export function createRequestId(nowMs: number): string {
  counter = (counter + 1) % 0x7fffffff;
  return `req_${nowMs.toString(36)}${PROCESS_PREFIX}${counter.toString(36)}`;
}

/** Stamps every request with an id and its arrival time, and echoes the id on the response. */
export const requestId = (now: () => number): MiddlewareHandler<GatewayEnv> =>
  async function requestIdMiddleware(c, next) {
    const receivedAtMs = now();
    const id = createRequestId(receivedAtMs);
    const path = c.req.path;
    c.set('requestId', id);
    c.set('receivedAtMs', receivedAtMs);
    c.set('wire', wireOfPath(path));
    await next();
    // Proxy responses (success and error) already carry the id: stamping them again would force hono to rebuild the response.
    if (!PROXY_OPERATIONS.has(path)) c.header('x-tollgate-request-id', id);
  };
