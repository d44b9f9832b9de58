import { Redis } from 'ioredis';
import type { CachedAnswer, ExactCacheStore } from './exact-store.ts';

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
    stats: () => ({ entries: -1, bytes: -1 }),
    async close() {
      redis.disconnect();
    },
  };
}
