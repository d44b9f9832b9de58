/** Per-key request and token rates, in fixed one-minute windows. */
export const RATE_WINDOW_MS = 60_000;

export interface RateLimits {
  requestsPerMinute?: number | undefined;
  tokensPerMinute?: number | undefined;
}

export type RateDecision = { ok: true } | { ok: false; limit: 'requests' | 'tokens'; retryAfterMs: number };

export interface KeyRateLimiter {
  /** Counts one request of `tokens` against the key's current window, or refuses it (nothing is counted then). */
  take(keyId: string, tokens: number, limits: RateLimits, nowMs: number): Promise<RateDecision>;
  /** Corrects the tokens counted in a window (the real usage, known at settle); never below 0; a past window is left alone. */
  adjust(keyId: string, windowStartMs: number, deltaTokens: number): Promise<void>;
  close(): Promise<void>;
}

export function windowStart(nowMs: number): number {
  return Math.floor(nowMs / RATE_WINDOW_MS) * RATE_WINDOW_MS;
}

/** Which limit one more request of `tokens` would break, given what the window has counted. Pure. */
export function breaks(used: { requests: number; tokens: number }, tokens: number, limits: RateLimits): 'requests' | 'tokens' | undefined {
  if (limits.requestsPerMinute !== undefined && used.requests + 1 > limits.requestsPerMinute) return 'requests';
  if (limits.tokensPerMinute !== undefined && used.tokens + tokens > limits.tokensPerMinute) return 'tokens';
  return undefined;
}

/** In-process counters: one entry per key for its current window (older windows are dropped as they pass). */
export function createMemoryRateLimiter(options: { maxKeys?: number } = {}): KeyRateLimiter {
  const maxKeys = options.maxKeys ?? 100_000;
  const windows = new Map<string, { startMs: number; requests: number; tokens: number }>();
  return {
    async take(keyId, tokens, limits, nowMs) {
      const startMs = windowStart(nowMs);
      let entry = windows.get(keyId);
      if (!entry || entry.startMs !== startMs) {
        if (!entry && windows.size >= maxKeys) {
          for (const [id, old] of windows) if (old.startMs !== startMs) windows.delete(id);
        }
        entry = { startMs, requests: 0, tokens: 0 };
        windows.set(keyId, entry);
      }
      const broken = breaks(entry, tokens, limits);
      if (broken) return { ok: false, limit: broken, retryAfterMs: startMs + RATE_WINDOW_MS - nowMs };
      entry.requests += 1;
      entry.tokens += tokens;
      return { ok: true };
    },
    async adjust(keyId, windowStartMs, deltaTokens) {
      const entry = windows.get(keyId);
      if (entry && entry.startMs === windowStartMs) entry.tokens = Math.max(0, entry.tokens + Math.round(deltaTokens));
    },
    async close() {
      windows.clear();
    },
  };
}
