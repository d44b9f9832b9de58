import { GatewayError } from '../domain/errors.ts';
import type { RejectionLimiter } from './rejection-limiter.ts';

/** The refusal for an address that has used up its allowance of edge refusals, or undefined when it may go on. */
export function edgeRefusal(limiter: RejectionLimiter, address: string): GatewayError | undefined {
  const waitMs = limiter.retryAfterMs(address);
  if (waitMs <= 0) return undefined;
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new GatewayError('rate_limited', `Too many rejected requests from this address; retry after ${seconds} s`, { headers: { 'retry-after': String(seconds) } });
}
