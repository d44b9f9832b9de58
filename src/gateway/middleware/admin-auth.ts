import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { ROOT_ADMIN } from '../../domain/admin-principal.ts';
import { GatewayError } from '../../domain/errors.ts';
import type { GatewayEnv } from '../context.ts';
import { presentedKey } from './authenticate.ts';

/** Guards `/api/*` with the operator's admin key; without one configured the admin API is closed. */
export const adminAuth = (adminKey: string | undefined): MiddlewareHandler<GatewayEnv> =>
  async function adminAuthMiddleware(c, next) {
    if (!adminKey) throw new GatewayError('forbidden', 'The admin API is closed: start Tollgate with TOLLGATE_ADMIN_KEY set');
    const presented = presentedKey(c.req.raw.headers);
    if (!presented || !constantTimeEqual(presented, adminKey)) {
      throw new GatewayError('unauthorized', 'A valid admin key is required (Authorization: Bearer <TOLLGATE_ADMIN_KEY>)');
    }
    c.set('admin', ROOT_ADMIN);
    await next();
  };

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
