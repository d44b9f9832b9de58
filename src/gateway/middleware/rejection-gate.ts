import type { MiddlewareHandler } from 'hono';
import { clientAddress } from '../client-address.ts';
import type { GatewayEnv } from '../context.ts';
import { edgeRefusal } from '../rejection-gate-check.ts';
import type { RejectionLimiter } from '../rejection-limiter.ts';

/** Refuses, before any work, a client address that has used up its allowance of edge refusals. */
export const rejectionGate = (limiter: RejectionLimiter): MiddlewareHandler<GatewayEnv> =>
  async function rejectionGateMiddleware(c, next) {
    const refusal = edgeRefusal(limiter, clientAddress(c));
    if (refusal) throw refusal;
    await next();
  };
