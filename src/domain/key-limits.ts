/**
 * What one virtual key may do, stored with the key. Every field is optional: absent means "no
 * limit of this kind". Pure data, shared by the key store, the edge and the pipeline.
 */
export interface KeyLimits {
  /** Requests admitted per minute (fixed one-minute windows). */
  requestsPerMinute?: number | undefined;
  /** Tokens admitted per minute: estimated input plus the output bound (max_tokens × n), per request. */
  tokensPerMinute?: number | undefined;
  /** Epoch ms after which the key is refused (401). */
  expiresAtMs?: number | undefined;
  /** Model names or globs (`gpt-4o*`, `*@local`, `tollgate/*`) the key may ask for and be routed to. */
  allowedModels?: string[] | undefined;
  /** Cap on max_tokens / max_completion_tokens; requests without a cap get this one. */
  maxTokens?: number | undefined;
  /** Cap on `n` and `best_of`. */
  maxN?: number | undefined;
  /** Request body limit for this key, below the server's. */
  bodyLimitBytes?: number | undefined;
}

export const KEY_LIMIT_FIELDS = ['requestsPerMinute', 'tokensPerMinute', 'expiresAtMs', 'allowedModels', 'maxTokens', 'maxN', 'bodyLimitBytes'] as const;

/** Drops absent fields so stored JSON and API answers carry only what is set. */
export function compactLimits(limits: KeyLimits | undefined | null): KeyLimits {
  const out: KeyLimits = {};
  if (!limits || typeof limits !== 'object') return out;
  for (const field of KEY_LIMIT_FIELDS) {
    const value = limits[field];
    if (value === undefined || value === null) continue;
    if (field === 'allowedModels') {
      if (Array.isArray(value) && value.length > 0) out.allowedModels = value.filter((item): item is string => typeof item === 'string');
    } else if (typeof value === 'number' && Number.isFinite(value)) {
      out[field] = value;
    }
  }
  return out;
}
