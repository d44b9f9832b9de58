import { compactLimits, type KeyLimits } from '../domain/key-limits.ts';

/** Key limits as config, the admin API and the CLI write them (`expiresAt` ISO 8601). */
export interface KeyLimitsInput {
  requestsPerMinute?: number | undefined;
  tokensPerMinute?: number | undefined;
  expiresAt?: string | undefined;
  allowedModels?: string[] | undefined;
  maxTokens?: number | undefined;
  maxN?: number | undefined;
  bodyLimitBytes?: number | undefined;
}

/** The stored form: `expiresAt` becomes `expiresAtMs`; absent fields are dropped. Pure. */
export function keyLimitsFromInput(input: KeyLimitsInput): KeyLimits {
  const expiresAtMs = input.expiresAt !== undefined ? Date.parse(input.expiresAt) : undefined;
  return compactLimits({
    requestsPerMinute: input.requestsPerMinute,
    tokensPerMinute: input.tokensPerMinute,
    expiresAtMs: expiresAtMs !== undefined && Number.isFinite(expiresAtMs) ? expiresAtMs : undefined,
    allowedModels: input.allowedModels,
    maxTokens: input.maxTokens,
    maxN: input.maxN,
    bodyLimitBytes: input.bodyLimitBytes,
  });
}
