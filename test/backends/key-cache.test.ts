import { describe, expect, it } from 'vitest';
import { createKeyCache } from '../../src/keys/key-cache.ts';
import type { KeyStore, VirtualKey } from '../../src/keys/store.ts';

function countingStore(keys: Record<string, VirtualKey>) {
  const calls: string[] = [];
  const store: KeyStore = {
    async create() {
      throw new Error('unused');
    },
    async findBySecret(secret) {
      calls.push(secret);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return keys[secret];
    },
    async list() {
      return Object.values(keys);
    },
    async revoke() {
      return true;
    },
    async revokedAmong(ids) {
      return ids.filter((id) => Object.values(keys).some((k) => k.id === id && k.revokedAtMs !== null));
    },
  };
  return { store, calls };
}

const key = (id: string): VirtualKey => ({ id, name: id, orgId: 'o', projectId: 'p', userId: null, tags: [], allowAttributionHeaders: true, limits: {}, createdAtMs: 0, revokedAtMs: null, prefix: 'tg-' });

describe('key cache', () => {
  it('caches hits and misses for their TTLs and shares concurrent lookups', async () => {
    let now = 0;
    const { store, calls } = countingStore({ 'tg-a': key('a') });
    const cache = createKeyCache(store, { ttlMs: 1_000, missTtlMs: 100, maxEntries: 10, now: () => now });
    const results = await Promise.all([cache.lookup('tg-a'), cache.lookup('tg-a'), cache.lookup('tg-a')]);
    expect(results.map((r) => r?.id)).toEqual(['a', 'a', 'a']);
    expect(calls).toEqual(['tg-a']);
    expect(await cache.lookup('tg-missing')).toBeUndefined();
    await cache.lookup('tg-missing');
    expect(calls).toEqual(['tg-a', 'tg-missing']);
    now = 150;
    await cache.lookup('tg-missing');
    await cache.lookup('tg-a');
    expect(calls).toEqual(['tg-a', 'tg-missing', 'tg-missing']);
    now = 1_500;
    await cache.lookup('tg-a');
    expect(calls.filter((c) => c === 'tg-a')).toHaveLength(2);
  });

  it('invalidate() forgets everything at once; the LRU stays within its bound', async () => {
    const keys = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`tg-${i}`, key(String(i))]));
    const { store, calls } = countingStore(keys);
    const cache = createKeyCache(store, { ttlMs: 60_000, maxEntries: 5 });
    for (let i = 0; i < 20; i += 1) await cache.lookup(`tg-${i}`);
    await cache.lookup('tg-19');
    await cache.lookup('tg-0');
    expect(calls.filter((c) => c === 'tg-19')).toHaveLength(1);
    expect(calls.filter((c) => c === 'tg-0')).toHaveLength(2);
    cache.invalidate();
    await cache.lookup('tg-19');
    expect(calls.filter((c) => c === 'tg-19')).toHaveLength(2);
  });

  it('a lookup in flight during invalidate() is not cached, and later lookups still share one store call', async () => {
    const keys: Record<string, VirtualKey> = { 'tg-a': key('a') };
    const calls: string[] = [];
    // Reads the row when called (like a query), answers a little later.
    const store: KeyStore = {
      ...countingStore(keys).store,
      async findBySecret(secret) {
        calls.push(secret);
        const row = keys[secret];
        await new Promise((resolve) => setTimeout(resolve, 5));
        return row;
      },
    };
    const cache = createKeyCache(store, { ttlMs: 60_000, maxEntries: 10 });
    const stale = cache.lookup('tg-a');
    // Revoked while the first lookup is on its way.
    keys['tg-a'] = { ...key('a'), revokedAtMs: 5 };
    cache.invalidate();
    const fresh = [cache.lookup('tg-a'), cache.lookup('tg-a')];
    expect((await stale)?.revokedAtMs).toBeNull();
    // The stale load finishing must not break the sharing of the fresh one.
    const third = cache.lookup('tg-a');
    expect((await Promise.all([...fresh, third])).map((k) => k?.revokedAtMs)).toEqual([5, 5, 5]);
    expect(calls).toEqual(['tg-a', 'tg-a']);
    expect((await cache.lookup('tg-a'))?.revokedAtMs).toBe(5);
    expect(calls).toHaveLength(2);
  });

  it('misses are remembered for 5 s by default, hits for ttlMs; a store failure is not cached', async () => {
    let now = 0;
    const { store, calls } = countingStore({ 'tg-a': key('a') });
    const cache = createKeyCache(store, { ttlMs: 30_000, maxEntries: 10, now: () => now });
    await cache.lookup('tg-a');
    await cache.lookup('tg-nope');
    now = 4_999;
    await cache.lookup('tg-nope');
    expect(calls).toEqual(['tg-a', 'tg-nope']);
    now = 5_001;
    await cache.lookup('tg-nope');
    await cache.lookup('tg-a');
    expect(calls).toEqual(['tg-a', 'tg-nope', 'tg-nope']);

    let fail = true;
    const flaky: KeyStore = { ...store, findBySecret: async (secret) => (fail ? Promise.reject(new Error('down')) : store.findBySecret(secret)) };
    const second = createKeyCache(flaky, { ttlMs: 30_000, maxEntries: 10 });
    await expect(second.lookup('tg-a')).rejects.toThrow('down');
    fail = false;
    expect((await second.lookup('tg-a'))?.id).toBe('a');
  });
});
