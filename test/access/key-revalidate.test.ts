import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createKeyCache } from '../../src/keys/key-cache.ts';
import { openStorage } from '../../src/storage/open-storage.ts';

/** The key cache's revalidation pass against the real SQLite key store (another writer revokes behind its back). */
describe('key cache revalidation', () => {
  it('drops exactly the cached keys revoked in the store since, in one batched query', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-revalidate-'));
    const storage = await openStorage({ dataDir: dir });
    try {
      const a = await storage.keys.create({ name: 'a', orgId: 'o', projectId: 'p', secret: 'tg-revalidate-a-000000000' });
      const b = await storage.keys.create({ name: 'b', orgId: 'o', projectId: 'p', secret: 'tg-revalidate-b-000000000' });
      let queries = 0;
      const store = { ...storage.keys, revokedAmong: (ids: readonly string[]) => ((queries += 1), storage.keys.revokedAmong(ids)) };
      const cache = createKeyCache(store, { ttlMs: 60_000, maxEntries: 100 });
      expect((await cache.lookup(a.secret))?.revokedAtMs).toBeNull();
      expect((await cache.lookup(b.secret))?.revokedAtMs).toBeNull();
      expect(await cache.revalidate()).toBe(0);

      // Another process (the CLI) revokes `a` directly in the database: the cache still serves it as active...
      const other = await openStorage({ dataDir: dir });
      await other.keys.revoke(a.key.id, 1234);
      await other.close();
      expect((await cache.lookup(a.secret))?.revokedAtMs).toBeNull();
      // ...until the next pass, which drops it (and only it).
      expect(await cache.revalidate()).toBe(1);
      expect((await cache.lookup(a.secret))?.revokedAtMs).toBe(1234);
      expect((await cache.lookup(b.secret))?.revokedAtMs).toBeNull();
      expect(queries).toBe(2);
      // Revoked entries are not re-checked; nothing cached, no query.
      expect(await cache.revalidate()).toBe(0);
      cache.invalidate();
      expect(await cache.revalidate()).toBe(0);
      expect(queries).toBe(3);
      expect(await storage.keys.revokedAmong([])).toEqual([]);
      expect(await storage.keys.revokedAmong([a.key.id, b.key.id, 'key_unknown', "x') OR 1=1 --"])).toEqual([a.key.id]);
    } finally {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
