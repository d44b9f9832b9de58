import { Redis } from 'ioredis';
import { matchesPurge, type CachedAnswer, type ExactCacheStore } from './exact-store.ts';

/** The exact cache in Redis, shared by every instance (keys expire with their TTL). */
export function createRedisExactStore(url: string, prefix = 'tg:cache:'): ExactCacheStore {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 });
  redis.on('error', () => undefined);
  return {
    kind: 'redis',
    async get(key) {
      const text = await redis.get(`${prefix}${key}`).catch(() => null);
      return text ? (JSON.parse(text) as CachedAnswer) : undefined;
    },
    async set(key, answer, ttlMs) {
      await redis.set(`${prefix}${key}`, JSON.stringify(answer), 'PX', ttlMs).catch(() => undefined);
    },
    async delete(key) {
      return (await redis.del(`${prefix}${key}`).catch(() => 0)) > 0;
    },
    async purge(filter) {
      // SCAN (never KEYS: it blocks Redis) in pages; entries are read to match the filter unless it is empty.
      let cursor = '0';
      let purged = 0;
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 500);
        cursor = next;
        if (keys.length === 0) continue;
        let doomed = keys;
        if (filter.namespace !== undefined || filter.model !== undefined) {
          const texts = await redis.mget(...keys);
          doomed = keys.filter((_, i) => {
            const text = texts[i];
            if (!text) return false;
            try {
              return matchesPurge(JSON.parse(text) as CachedAnswer, filter);
            } catch {
              return false;
            }
          });
        }
        if (doomed.length > 0) purged += await redis.del(...doomed);
      } while (cursor !== '0');
      return purged;
    },
    stats: () => ({ entries: -1, bytes: -1 }),
    async close() {
      redis.disconnect();
    },
  };
}

/** A literal prefix for a SCAN MATCH pattern. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
