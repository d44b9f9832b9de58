import type { Context } from 'hono';
import { canWrite, seesOrg, type AdminPrincipal } from '../../domain/admin-principal.ts';
import { GatewayError } from '../../domain/errors.ts';
import type { GatewayEnv } from '../context.ts';

/** The admin caller of this request (set by admin authentication). */
export function adminOf(c: Context<GatewayEnv>): AdminPrincipal {
  return c.get('admin');
}

/** Throws 403 unless the caller may change things. */
export function requireWriter(c: Context<GatewayEnv>): AdminPrincipal {
  const admin = adminOf(c);
  if (!canWrite(admin)) throw new GatewayError('forbidden', 'This admin key is read-only (viewer role)');
  return admin;
}

/** Throws 404 (not 403: existence is not revealed) unless the caller may see `orgId`'s things. */
export function requireOrg(c: Context<GatewayEnv>, orgId: string | undefined, what: string): void {
  if (!seesOrg(adminOf(c), orgId)) throw new GatewayError('not_found', `${what} not found`);
}
