import { hashSecret } from './secret.ts';
import type { KeyStore, VirtualKey } from './store.ts';

export interface KeyCache {
  lookup(secret: string): Promise<VirtualKey | undefined>;
  invalidate(): void;
}

interface Entry {
  key: VirtualKey | undefined;
  expiresAtMs: number;
}

/**
 * The hot path's key lookup: hits are cached for `ttlMs`, misses for `missTtlMs` (a key created
 * a moment ago works within seconds), by SHA-256 so no secret is held; bounded LRU; concurrent
 * lookups of one secret share one store call. `invalidate()` after a revoke makes it immediate.
 */
export function createKeyCache(store: KeyStore, options: { ttlMs: number; missTtlMs?: number; maxEntries: number; now?: () => number }): KeyCache {
  const now = options.now ?? Date.now;
  const missTtl = options.missTtlMs ?? Math.min(options.ttlMs, 5_000);
  const entries = new Map<string, Entry>();
  const loading = new Map<string, Promise<VirtualKey | undefined>>();
  let generation = 0;

  return {
    async lookup(secret) {
      const hash = hashSecret(secret);
      const entry = entries.get(hash);
      if (entry && entry.expiresAtMs > now()) {
        entries.delete(hash);
        entries.set(hash, entry);
        return entry.key;
      }
      const pending = loading.get(hash);
      if (pending) return pending;
      const started = generation;
      const promise = store
        .findBySecret(secret)
        .then((key) => {
          if (started === generation) {
            entries.delete(hash);
            entries.set(hash, { key, expiresAtMs: now() + (key ? options.ttlMs : missTtl) });
            if (entries.size > options.maxEntries) entries.delete(entries.keys().next().value!);
          }
          return key;
        })
        .finally(() => {
          // Only our own entry: after invalidate(), a newer load of the same secret may be pending.
          if (loading.get(hash) === promise) loading.delete(hash);
        });
      loading.set(hash, promise);
      return promise;
    },
    invalidate() {
      generation += 1;
      entries.clear();
      loading.clear();
    },
  };
}
