import type { MiddlewareHandler } from 'hono';
import { GatewayError } from '../../domain/errors.ts';
import { parseTagsHeader, refinePrincipal, type AttributionHints, type Principal } from '../../domain/principal.ts';
import { compactLimits } from '../../domain/key-limits.ts';
import type { VirtualKey } from '../../keys/store.ts';
import type { GatewayEnv } from '../context.ts';

export interface AuthOptions {
  lookupKey: (secret: string) => Promise<VirtualKey | undefined>;
  /** Clock for key expiry. */
  now?: () => number;
  /** When set, requests without a Tollgate key are accepted and attributed here. */
  anonymous: { org: string; project: string } | undefined;
}

/** Virtual keys start with this; anything else in anonymous mode is a client placeholder (SDKs insist on some key). */
export const KEY_PREFIX = 'tg-';

/** Reads one request header (lower-case name) from whatever the front end holds: web `Headers` or Node's incoming headers. */
export type HeaderReader = (name: string) => string | null | undefined;

/** The presented key: `Authorization: Bearer …` (OpenAI SDK) or `x-api-key` (Anthropic SDK). */
export function presentedKey(headers: Headers): string | undefined {
  return presentedKeyFrom((name) => headers.get(name));
}

export function presentedKeyFrom(header: HeaderReader): string | undefined {
  const authorization = header('authorization');
  if (authorization) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (match?.[1]) return match[1].trim();
  }
  return header('x-api-key')?.trim() || undefined;
}

/**
 * The principal a key grants. Attribution rights come only from `allowAttributionHeaders`: with
 * it, headers and body fields may name a user (where the key binds none) and add tags; without it,
 * nothing the client sends changes attribution. The project never changes.
 */
export function principalFromKey(key: VirtualKey): Principal {
  const allow = key.allowAttributionHeaders;
  const limits = compactLimits(key.limits);
  return {
    keyId: key.id,
    orgId: key.orgId,
    projectId: key.projectId,
    userId: key.userId ?? undefined,
    tags: key.tags,
    allow: { project: false, user: allow && key.userId === null, tags: allow },
    limits,
    ...(limits.bodyLimitBytes !== undefined ? { bodyLimitBytes: limits.bodyLimitBytes } : {}),
  };
}

/**
 * Resolves the caller to a principal. A key that looks like a Tollgate key but is unknown or
 * revoked is always a 401, even where anonymous access is allowed. Shared by the hono middleware
 * and the Node fast path for the proxy routes.
 */
export async function resolvePrincipal(header: HeaderReader, options: AuthOptions): Promise<Principal> {
  const secret = presentedKeyFrom(header);
  let principal: Principal;
  if (secret && (secret.startsWith(KEY_PREFIX) || !options.anonymous)) {
    const key = await options.lookupKey(secret);
    if (!key) throw new GatewayError('unauthorized', 'Invalid API key provided. Use a Tollgate virtual key (tg-…).');
    if (key.revokedAtMs !== null) throw new GatewayError('unauthorized', `The API key ${key.prefix}… has been revoked`);
    const expiresAtMs = key.limits?.expiresAtMs;
    if (expiresAtMs !== undefined && expiresAtMs !== null && (options.now ?? Date.now)() >= expiresAtMs) {
      throw new GatewayError('unauthorized', `The API key ${key.prefix}… expired at ${new Date(expiresAtMs).toISOString()}`);
    }
    principal = principalFromKey(key);
  } else if (options.anonymous) {
    principal = {
      keyId: undefined,
      orgId: options.anonymous.org,
      projectId: options.anonymous.project,
      userId: undefined,
      tags: [],
      allow: { project: false, user: true, tags: true },
    };
  } else {
    throw new GatewayError('unauthorized', 'Missing API key: send a Tollgate virtual key as a Bearer token or in x-api-key');
  }
  return refinePrincipal(principal, headerHints(header));
}

export const authenticate = (options: AuthOptions): MiddlewareHandler<GatewayEnv> =>
  async function authenticateMiddleware(c, next) {
    const headers = c.req.raw.headers;
    c.set('principal', await resolvePrincipal((name) => headers.get(name), options));
    await next();
  };

/** `x-tollgate-project` is not read: attribution never leaves the key's (or anonymous) project. */
function headerHints(header: HeaderReader): AttributionHints {
  return {
    user: header('x-tollgate-user') ?? undefined,
    tags: parseTagsHeader(header('x-tollgate-tags') ?? null),
  };
}

/** Body fields that refine attribution: OpenAI `user` and `metadata`, Anthropic `metadata.user_id`. */
export function bodyHints(body: Record<string, unknown>): AttributionHints {
  const metadata = body.metadata && typeof body.metadata === 'object' && !Array.isArray(body.metadata) ? (body.metadata as Record<string, unknown>) : undefined;
  const user = typeof body.user === 'string' ? body.user : typeof metadata?.user_id === 'string' ? metadata.user_id : undefined;
  const tags = metadata
    ? Object.entries(metadata)
        .filter(([key, value]) => key !== 'user_id' && typeof value === 'string')
        .map(([key, value]) => `${key}:${value as string}`)
    : [];
  return { user, tags };
}
