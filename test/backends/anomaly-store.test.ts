import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Anomaly } from '../../src/analytics/anomalies/types.ts';
import { openStorage, type Storage } from '../../src/storage/open-storage.ts';
import { freshDatabase, NO_TEST_DATABASE, testDatabaseUrl } from '../support/fresh-database.ts';
import { skipUnless } from '../support/skip-unless.ts';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-20T00:00:00Z');

function anomaly(overrides: Partial<Anomaly>): Anomaly {
  return {
    id: 'a1', kind: 'spike', severity: 'high', orgId: 'acme', series: { dimension: 'project', value: 'web' }, startMs: T0, endMs: null, detectedMs: T0 + HOUR + 60_000,
    lastSeenMs: T0, observed: 4_000_000_000, expected: 500_000_000, atStakeNanoUsd: 3_500_000_000, score: 12.5,
    rootCause: [{ dimension: 'key', value: 'k-2', share: 0.97, deltaNanoUsd: 3_400_000_000 }], status: 'open', message: 'Project web spiked', updatedMs: T0 + HOUR,
    ...overrides,
  };
}

/** The same behaviour from both stores: round trip (money exact, JSON root cause), update, and every listing filter. */
function contract(name: string, open: () => Promise<{ storage: Storage; cleanup(): Promise<void> }>) {
  describe(`${name} anomaly store`, () => {
    let storage: Storage;
    let cleanup: () => Promise<void>;
    beforeAll(async () => {
      ({ storage, cleanup } = await open());
    });
    afterAll(async () => {
      await storage?.close();
      await cleanup?.();
    });

    it('stores, updates and lists anomalies by status, org, time and ongoing', async () => {
      const store = storage.anomalies;
      await store.insertAnomaly(anomaly({}));
      await store.insertAnomaly(anomaly({ id: 'a2', orgId: 'globex', kind: 'outage', startMs: T0 + 5 * HOUR, lastSeenMs: T0 + 6 * HOUR, endMs: T0 + 7 * HOUR, atStakeNanoUsd: 9_007_199_254 }));
      await store.insertAnomaly(anomaly({ id: 'a3', orgId: null, kind: 'new-model', series: { dimension: 'model', value: 'm-xl' }, startMs: T0 + 10 * HOUR, endMs: T0 + 11 * HOUR, status: 'resolved' }));
      expect(await store.getAnomaly('a1')).toEqual(anomaly({}));
      expect(await store.getAnomaly('missing')).toBeUndefined();
      expect((await store.getAnomaly('a2'))!.atStakeNanoUsd).toBe(9_007_199_254);

      const ids = async (query: Parameters<typeof store.listAnomalies>[0]) => (await store.listAnomalies(query)).map((a) => a.id);
      expect(await ids({})).toEqual(['a3', 'a2', 'a1']);
      expect(await ids({ status: 'open' })).toEqual(['a2', 'a1']);
      expect(await ids({ orgId: 'acme' })).toEqual(['a1']);
      expect(await ids({ ongoing: true })).toEqual(['a1']);
      expect(await ids({ fromMs: T0 + 8 * HOUR })).toEqual(['a3', 'a1']); // a2 ended before
      expect(await ids({ toMs: T0 + 5 * HOUR })).toEqual(['a1']);
      expect(await ids({ limit: 1 })).toEqual(['a3']);

      const updated = anomaly({ kind: 'level-shift', status: 'acknowledged', endMs: T0 + 8 * HOUR, lastSeenMs: T0 + 7 * HOUR, atStakeNanoUsd: 20_000_000_000, rootCause: [], message: 'shifted' });
      await store.updateAnomaly(updated);
      expect(await store.getAnomaly('a1')).toEqual(updated);
      expect(await ids({ ongoing: true })).toEqual([]);
    });
  });
}

contract('SQLite', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-anomaly-store-'));
  return { storage: await openStorage({ dataDir: dir }), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});

skipUnless(testDatabaseUrl !== undefined, NO_TEST_DATABASE)('PostgreSQL', () => {
  contract('PostgreSQL', async () => {
    const database = await freshDatabase(testDatabaseUrl!);
    return { storage: await openStorage({ dataDir: '/nonexistent', databaseUrl: database.url }), cleanup: () => database.drop() };
  });
});
