/**
 * Provider prompt caching, simulated over a trace of block-hashed prompts (Mooncake's format: each
 * request lists the ids of its 512-token prefix blocks; equal ids mean an equal prefix). Pure.
 */
export interface PrefixRequest {
  timestampMs: number;
  inputTokens: number;
  blockIds: readonly number[];
}

export interface PrefixCachePolicy {
  /** Tokens per block id in the trace (Mooncake: 512). */
  blockTokens: number;
  /** A cached prefix is dropped this long after its last use (OpenAI and Anthropic: about 5 minutes). */
  ttlMs: number;
  /** Prompts shorter than this are never cached (OpenAI 1,024 tokens; Anthropic 1,024 for Sonnet-class models). */
  minTokens: number;
  /** Cached tokens are counted in multiples of this (OpenAI 128; Anthropic 1). */
  granularity: number;
  /** Whether the uncached rest of a cacheable prompt is billed as a cache write (Anthropic, with cache_control). */
  writes: boolean;
}

export interface PrefixUsage {
  cacheRead: number;
  cacheWrite: number;
}

export const OPENAI_PROMPT_CACHE: PrefixCachePolicy = { blockTokens: 512, ttlMs: 5 * 60_000, minTokens: 1_024, granularity: 128, writes: false };
export const ANTHROPIC_PROMPT_CACHE: PrefixCachePolicy = { blockTokens: 512, ttlMs: 5 * 60_000, minTokens: 1_024, granularity: 1, writes: true };

/** Per request (in trace order), how many input tokens a provider's prompt cache would read and write. */
export function simulatePrefixCache(requests: readonly PrefixRequest[], policy: PrefixCachePolicy): PrefixUsage[] {
  const lastUsed = new Map<number, number>();
  return requests.map((request) => {
    const now = request.timestampMs;
    let matched = 0;
    for (const id of request.blockIds) {
      const used = lastUsed.get(id);
      if (used === undefined || now - used > policy.ttlMs) break;
      matched += 1;
    }
    for (const id of request.blockIds) lastUsed.set(id, now);
    if (request.inputTokens < policy.minTokens) return { cacheRead: 0, cacheWrite: 0 };
    const cached = Math.min(matched * policy.blockTokens, request.inputTokens);
    const cacheRead = Math.floor(cached / policy.granularity) * policy.granularity;
    return { cacheRead, cacheWrite: policy.writes ? request.inputTokens - cacheRead : 0 };
  });
}
