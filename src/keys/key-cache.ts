import { hashSecret } from './secret.ts';
import type { KeyStore, VirtualKey } from './store.ts';

export interface KeyCache {
  lookup(secret: string): Promise<VirtualKey | undefined>;
  invalidate(): void;
  /**
   * Asks the store, in one batched query, whether any active key held here has been revoked since
   * (by another instance, or by the CLI writing the database directly) and drops those entries.
   * Run every few hundred ms, it bounds how long a revoked key keeps working anywhere.
   */
  revalidate(): Promise<number>;
}

interface Entry {
  key: VirtualKey | undefined;
  expiresAtMs: number;
}

/**
 * The hot path's key lookup: hits are cached for `ttlMs`, misses for `missTtlMs` (a key created
 * a moment ago works within seconds), by SHA-256 so no secret is held; bounded LRU; concurrent
 * lookups of one secret share one store call. `invalidate()` after a local revoke makes it
 * immediate; `revalidate()`, run on a short interval, catches revokes made elsewhere.
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
    async revalidate() {
      const ids = new Set<string>();
      for (const entry of entries.values()) if (entry.key && entry.key.revokedAtMs === null) ids.add(entry.key.id);
      if (ids.size === 0) return 0;
      const revoked = new Set(await store.revokedAmong([...ids]));
      if (revoked.size === 0) return 0;
      // A load that began before the revoke may still land an active copy: the next pass drops it.
      generation += 1;
      loading.clear();
      let dropped = 0;
      for (const [hash, entry] of entries) {
        if (entry.key && revoked.has(entry.key.id)) {
          entries.delete(hash);
          dropped += 1;
        }
      }
      return dropped;
    },
  };
}
