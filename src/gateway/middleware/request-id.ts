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

/**
 * Stamps every request with an id and its arrival time, and echoes the id on the response.
 *
 * The header is set before the route runs, so hono builds it into the response the route makes
 * (`c.json`, `c.body`, ...). Set afterwards, it made hono rebuild every finished response: a web
 * Response around the body, copied, then read back through a ReadableStream on the gateway's
 * thread (about 1 ms per admin call, more for a report of a few hundred KB). A response the route
 * built apart (a `new Response`, an error) is stamped afterwards as before.
 */
export const requestId = (now: () => number): MiddlewareHandler<GatewayEnv> =>
  async function requestIdMiddleware(c, next) {
    const receivedAtMs = now();
    const id = createRequestId(receivedAtMs);
    const path = c.req.path;
    c.set('requestId', id);
    c.set('receivedAtMs', receivedAtMs);
    c.set('wire', wireOfPath(path));
    // Proxy responses (success and error) already carry the id: stamping them again would force hono to rebuild the response.
    const stamp = !PROXY_OPERATIONS.has(path);
    if (stamp) c.header('x-tollgate-request-id', id);
    await next();
    if (stamp && c.res.headers.get('x-tollgate-request-id') !== id) c.header('x-tollgate-request-id', id);
  };
