import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage } from '../../src/storage/open-storage.ts';
import { NO_POSTGRES_BINARIES, postgresAvailable, startPostgresCluster, type PostgresCluster } from '../support/postgres-cluster.ts';
import { skipUnless } from '../support/skip-unless.ts';

type Storage = Awaited<ReturnType<typeof openStorage>>;

/** Key limits and attribution rights are stored with the key in both backends; keys from before the limits column keep working. */
function keyStoreLimits(name: string, open: () => Promise<{ storage: Storage; insertLegacy(): Promise<void>; cleanup(): Promise<void> }>) {
  describe(`key limits in ${name}`, () => {
    let storage: Storage;
    let context: Awaited<ReturnType<typeof open>>;
    beforeAll(async () => {
      context = await open();
      storage = context.storage;
    });
    afterAll(async () => {
      await storage.close();
      await context.cleanup();
    });

    it('limits round-trip; attribution rights default to off', async () => {
      const limits = { requestsPerMinute: 5, tokensPerMinute: 10_000, expiresAtMs: 4_102_444_800_000, allowedModels: ['gpt-4o*', 'tollgate/*'], maxTokens: 512, maxN: 2, bodyLimitBytes: 1_000_000 };
      const created = await storage.keys.create({ name: 'limited', orgId: 'acme', projectId: 'web', limits });
      expect(created.key).toMatchObject({ limits, allowAttributionHeaders: false });
      expect((await storage.keys.findBySecret(created.secret))?.limits).toEqual(limits);
      const plain = await storage.keys.create({ name: 'plain', orgId: 'acme', projectId: 'web' });
      expect(plain.key.limits).toEqual({});
    });

    it('re-seeding a secret keeps the id and takes the new limits and rights', async () => {
      const secret = 'tg-seeded-limits-0123456789abcdef';
      const first = await storage.keys.create({ name: 'seed', orgId: 'acme', projectId: 'web', secret, limits: { requestsPerMinute: 1 } });
      const again = await storage.keys.create({ name: 'seed', orgId: 'acme', projectId: 'web', secret, allowAttributionHeaders: true, limits: { maxTokens: 9 } });
      expect(again.key.id).toBe(first.key.id);
      expect(again.key).toMatchObject({ allowAttributionHeaders: true, limits: { maxTokens: 9 } });
      expect(again.key.limits.requestsPerMinute).toBeUndefined();
    });

    it('a key stored before limits existed (NULL column) is found, listed and has no limits', async () => {
      await context.insertLegacy();
      const legacy = await storage.keys.findBySecret('tg-legacy-key-0000000000000000');
      expect(legacy).toMatchObject({ name: 'legacy', orgId: 'acme', allowAttributionHeaders: true, limits: {} });
      expect((await storage.keys.list()).map((key) => key.name)).toContain('legacy');
    });
  });
}

const LEGACY_HASH = (await import('../../src/keys/secret.ts')).hashSecret('tg-legacy-key-0000000000000000');

keyStoreLimits('SQLite', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-keys-'));
  const storage = await openStorage({ dataDir, databaseUrl: undefined });
  return {
    storage,
    async insertLegacy() {
      const { default: Database } = await import('better-sqlite3');
      const db = new Database(join(dataDir, 'tollgate.db'));
      db.prepare(
        `INSERT INTO virtual_keys (id, secret_hash, prefix, name, org_id, project_id, user_id, tags, allow_attribution, created_at_ms) VALUES ('key_legacy', ?, 'tg-legacy-', 'legacy', 'acme', 'web', NULL, '[]', 1, 1)`,
      ).run(LEGACY_HASH);
      db.close();
    },
    async cleanup() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
});

skipUnless(postgresAvailable, NO_POSTGRES_BINARIES)('PostgreSQL', () => {
  let cluster: PostgresCluster;
  beforeAll(() => {
    cluster = startPostgresCluster();
  });
  afterAll(() => cluster?.destroy());
  keyStoreLimits('PostgreSQL', async () => {
    const storage = await openStorage({ dataDir: '/nonexistent', databaseUrl: cluster.url });
    return {
      storage,
      async insertLegacy() {
        const client = new pg.Client({ connectionString: cluster.url });
        await client.connect();
        await client.query(
          `INSERT INTO virtual_keys (id, secret_hash, prefix, name, org_id, project_id, user_id, tags, allow_attribution, created_at_ms) VALUES ('key_legacy', $1, 'tg-legacy-', 'legacy', 'acme', 'web', NULL, '[]', true, 1)`,
          [LEGACY_HASH],
        );
        await client.end();
      },
      async cleanup() {},
    };
  });
});
