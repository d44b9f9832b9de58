/** Who a request is attributed to. Resolved from a virtual key (or the anonymous/demo policy) at the edge. */
export interface Principal {
  /** Virtual key id (not the secret); undefined for anonymous access. */
  keyId: string | undefined;
  orgId: string;
  projectId: string;
  userId: string | undefined;
  tags: string[];
  /** What request headers/fields may refine. A key pinned to a project cannot be re-attributed by a header. */
  allow: { project: boolean; user: boolean; tags: boolean };
}

export interface AttributionHints {
  project?: string | undefined;
  user?: string | undefined;
  tags?: string[] | undefined;
}

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/;

/** Applies header/body hints where the key allows it. Invalid names are ignored, never stored. */
export function refinePrincipal(principal: Principal, hints: AttributionHints): Principal {
  const project = principal.allow.project && hints.project && NAME_PATTERN.test(hints.project) ? hints.project : undefined;
  const user = principal.allow.user && hints.user && NAME_PATTERN.test(hints.user) ? hints.user : undefined;
  const extraTags = principal.allow.tags ? (hints.tags ?? []).filter((tag) => NAME_PATTERN.test(tag)).slice(0, 16) : [];
  if (!project && !user && extraTags.length === 0) return principal;
  return {
    ...principal,
    projectId: project ?? principal.projectId,
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
