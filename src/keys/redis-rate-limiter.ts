import { Redis } from 'ioredis';
import { RATE_WINDOW_MS, createMemoryRateLimiter, windowStart, type KeyRateLimiter } from './rate-limiter.ts';

/**
 * Checks both of a key's windows and counts the request in both, or in neither, in one script:
 * Redis runs scripts one at a time, so every gateway instance shares one count per key.
 * Returns 0 (admitted), 1 (requests per minute reached) or 2 (tokens per minute reached).
 */
const TAKE = `
local rpm, tpm, tokens, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local requests = tonumber(redis.call('GET', KEYS[1]) or '0')
local used = tonumber(redis.call('GET', KEYS[2]) or '0')
if rpm >= 0 and requests + 1 > rpm then return 1 end
if tpm >= 0 and used + tokens > tpm then return 2 end
redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('INCRBY', KEYS[2], tokens)
redis.call('PEXPIRE', KEYS[2], ttl)
return 0`;

/** Adds a (possibly negative) correction to a window's token count, floored at 0; a window that has gone is left alone. */
const ADJUST = `
local value = redis.call('GET', KEYS[1])
if not value then return 0 end
local corrected = tonumber(value) + tonumber(ARGV[1])
if corrected < 0 then corrected = 0 end
redis.call('SET', KEYS[1], string.format('%.0f', corrected), 'KEEPTTL')
return 1`;

/**
 * Per-key rate limits shared by every instance through Redis (REDIS_URL). While Redis is
 * unreachable each instance falls back to its own in-process window (limits hold per instance,
 * not globally) and says so once in the log, rather than refusing every request.
 */
export function createRedisRateLimiter(url: string, options: { log?: (line: string) => void } = {}): KeyRateLimiter {
  const redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 });
  redis.on('error', () => undefined);
  // The first requests after start-up wait (briefly) for the first connection instead of counting locally.
  const firstConnection = new Promise<void>((resolve) => {
    redis.once('ready', () => resolve());
    setTimeout(resolve, 2_000).unref();
  });
  const fallback = createMemoryRateLimiter();
  let degraded = false;
  return {
    async take(keyId, tokens, limits, nowMs) {
      const startMs = windowStart(nowMs);
      const base = `tollgate:rate:{${keyId}}:${startMs}`;
      try {
        await firstConnection;
        const result = Number(
          await redis.eval(TAKE, 2, `${base}:requests`, `${base}:tokens`, limits.requestsPerMinute ?? -1, limits.tokensPerMinute ?? -1, Math.max(0, Math.ceil(tokens)), RATE_WINDOW_MS * 2),
        );
        degraded = false;
        if (result === 0) return { ok: true };
        return { ok: false, limit: result === 1 ? 'requests' : 'tokens', retryAfterMs: startMs + RATE_WINDOW_MS - nowMs };
      } catch (error) {
        if (!degraded) options.log?.(`key rate limits: Redis unreachable (${(error as Error).message}); counting per instance until it is back`);
        degraded = true;
        return fallback.take(keyId, tokens, limits, nowMs);
      }
    },
    async adjust(keyId, windowStartMs, deltaTokens) {
      if (degraded) return fallback.adjust(keyId, windowStartMs, deltaTokens);
      await redis.eval(ADJUST, 1, `tollgate:rate:{${keyId}}:${windowStartMs}:tokens`, Math.round(deltaTokens)).catch(() => undefined);
    },
    async close() {
      await fallback.close();
      redis.disconnect();
    },
  };
}
