import type { KeyLimits } from './key-limits.ts';

/** Who a request is attributed to. Resolved from a virtual key (or the anonymous/demo policy) at the edge. */
export interface Principal {
  /** Virtual key id (not the secret); undefined for anonymous access. */
  keyId: string | undefined;
  orgId: string;
  /** Always the key's (or `server.anonymous`'s) project: no header or body field changes it. */
  projectId: string;
  userId: string | undefined;
  tags: string[];
  /**
   * What request headers/body fields may refine: a user (only where the key binds none) and extra
   * tags (added to the key's own, never replacing them). `project` is ignored: a principal never
   * leaves its project (kept in the type for callers that still set it).
   */
  allow: { project?: boolean; user: boolean; tags: boolean };
  /** The key's own limits (rate, models, caps); absent for anonymous and internal principals. */
  limits?: KeyLimits | undefined;
  /** Body limit for this key's requests, when it sets one below the server's (read by the proxy route). */
  bodyLimitBytes?: number | undefined;
}

export interface AttributionHints {
  /** Accepted for compatibility and ignored: attribution never leaves the key's project. */
  project?: string | undefined;
  user?: string | undefined;
  tags?: string[] | undefined;
}

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/;
const MAX_EXTRA_TAGS = 16;

/**
 * Applies header/body hints within what the principal grants: a user where allowed, extra tags
 * where allowed. The org, the project, the key and the key's own user and tags never change, so
 * the budgets of the key's own scope always apply. Invalid names are ignored, never stored. Pure.
 */
export function refinePrincipal(principal: Principal, hints: AttributionHints): Principal {
  const user = principal.allow.user && principal.userId === undefined && typeof hints.user === 'string' && NAME_PATTERN.test(hints.user) ? hints.user : undefined;
  const extraTags = principal.allow.tags && Array.isArray(hints.tags) ? hints.tags.filter((tag) => typeof tag === 'string' && NAME_PATTERN.test(tag) && !principal.tags.includes(tag)).slice(0, MAX_EXTRA_TAGS) : [];
  if (!user && extraTags.length === 0) return principal;
  return {
    ...principal,
    userId: user ?? principal.userId,
    tags: extraTags.length ? [...new Set([...principal.tags, ...extraTags])] : principal.tags,
  };
}

/** Parses `x-tollgate-tags: a,b, c=d` into a tag list. */
export function parseTagsHeader(value: string | undefined | null): string[] {
  if (!value) return [];
  return value
    .split(',')
    .map((tag) => tag.trim())
    .filter(Boolean);
}
