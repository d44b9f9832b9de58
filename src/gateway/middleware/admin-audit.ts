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
    log(`admin audit: ${who} ${method} ${escapeControls(c.req.path)} -> ${c.res.status}`);
  };

/**
 * The path as the caller sent it is percent-decoded: `%0A` would start a new line, and a viewer
 * could write a forged audit line (`… root (admin) DELETE …`). Control characters are shown escaped.
 */
function escapeControls(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
