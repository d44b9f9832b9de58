import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../context.ts';

/**
 * One audit line per admin call that tries to change something (any method but GET/HEAD), allowed
 * or refused: who (the key's name, role and org), what, and the resulting status.
 */
export const adminAudit = (log: (line: string) => void): MiddlewareHandler<GatewayEnv> =>
  async function adminAuditMiddleware(c, next) {
    await next();
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD') return;
    const admin = c.get('admin');
    const who = `${admin.name} (${admin.role}${admin.orgId === undefined ? '' : `, org ${admin.orgId}`})`;
    log(`admin audit: ${who} ${method} ${c.req.path} -> ${c.res.status}`);
  };
