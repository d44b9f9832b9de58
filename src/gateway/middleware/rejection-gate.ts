import type { MiddlewareHandler } from 'hono';
import { GatewayError } from '../../domain/errors.ts';
import { clientAddress } from '../client-address.ts';
import type { GatewayEnv } from '../context.ts';
import type { RejectionLimiter } from '../rejection-limiter.ts';

/** Refuses, before any work, a client address that has used up its allowance of edge refusals. */
export const rejectionGate = (limiter: RejectionLimiter): MiddlewareHandler<GatewayEnv> =>
  async function rejectionGateMiddleware(c, next) {
    const waitMs = limiter.retryAfterMs(clientAddress(c));
    if (waitMs > 0) {
      const seconds = Math.max(1, Math.ceil(waitMs / 1000));
      throw new GatewayError('rate_limited', `Too many rejected requests from this address; retry after ${seconds} s`, { headers: { 'retry-after': String(seconds) } });
    }
    await next();
  };
