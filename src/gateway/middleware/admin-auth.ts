import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { AdminKeyConfig } from '../../config/schema.ts';
import { ROOT_ADMIN, ROOT_VIEWER, type AdminPrincipal } from '../../domain/admin-principal.ts';
import { GatewayError } from '../../domain/errors.ts';
import type { GatewayEnv } from '../context.ts';
import { presentedKey } from './authenticate.ts';

/** One admin API secret, kept only as its SHA-256 digest, and who presenting it makes you. */
export interface AdminCredential {
  digest: Buffer;
  principal: AdminPrincipal;
}

/** The operator's TOLLGATE_ADMIN_KEY (root admin), TOLLGATE_VIEWER_KEY (operator viewer) and the config's `admin.keys`. */
export function adminCredentials(input: { adminKey: string | undefined; viewerKey: string | undefined; keys: readonly AdminKeyConfig[] }): AdminCredential[] {
  const credentials: AdminCredential[] = [];
  if (input.adminKey) credentials.push({ digest: digestOf(input.adminKey), principal: ROOT_ADMIN });
  if (input.viewerKey) credentials.push({ digest: digestOf(input.viewerKey), principal: ROOT_VIEWER });
  for (const key of input.keys) credentials.push({ digest: digestOf(key.secret), principal: { role: key.role, orgId: key.org, name: key.name } });
  return credentials;
}

/**
 * Who a presented secret belongs to. Digests (always 32 bytes) are compared, so neither the
 * length nor the content of a configured secret shows in the timing; every credential is compared
 * whether or not an earlier one matched.
 */
export function resolveAdmin(credentials: readonly AdminCredential[], presented: string | undefined): AdminPrincipal | undefined {
  if (!presented) return undefined;
  const digest = digestOf(presented);
  let found: AdminPrincipal | undefined;
  for (const credential of credentials) {
    if (timingSafeEqual(digest, credential.digest) && found === undefined) found = credential.principal;
  }
  return found;
}

/** Guards `/api/*`: sets `c.get('admin')`. Without any admin or viewer key configured the admin API is closed. */
export const adminAuth = (credentials: readonly AdminCredential[]): MiddlewareHandler<GatewayEnv> =>
  async function adminAuthMiddleware(c, next) {
    if (credentials.length === 0) throw new GatewayError('forbidden', 'The admin API is closed: start Tollgate with TOLLGATE_ADMIN_KEY set');
    const admin = resolveAdmin(credentials, presentedKey(c.req.raw.headers));
    if (!admin) throw new GatewayError('unauthorized', 'A valid admin key is required (Authorization: Bearer <TOLLGATE_ADMIN_KEY>)');
    c.set('admin', admin);
    await next();
  };

function digestOf(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}
