import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { LEDGER_COLUMNS, recordValues } from '../../src/storage/sql/ledger-columns.ts';
import { SQLITE_MIGRATIONS } from '../../src/storage/sqlite/migrations.ts';
import { openStorage } from '../../src/storage/open-storage.ts';
import { ledgerRecord, seededRandom } from '../support/ledger-records.ts';

const HOUR = 3_600_000;

describe('reports migration on an existing SQLite ledger', () => {
  it('rebuilds the hourly, daily and tag rollups from the raw rows, exactly', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-migrate-'));
    try {
      // A database as it was before the reports migration, with rows in it.
      const old = new Database(path.join(dir, 'tollgate.db'));
      old.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)');
      // Every migration before the reports one (found by content: others are appended after it).
      const before = SQLITE_MIGRATIONS.findIndex((migration) => migration.includes('ledger_hourly_next'));
      for (let index = 0; index < before; index += 1) old.exec(SQLITE_MIGRATIONS[index]!);
      old.prepare('INSERT INTO schema_version (version) VALUES (?)').run(before);
      const random = seededRandom(9);
      const records = Array.from({ length: 1_500 }, (_, index) =>
        ledgerRecord({
          timeMs: Date.parse('2026-11-01T00:00:00Z') + Math.floor(random() * 96 * HOUR),
          projectId: ['a', 'b', 'c'][index % 3]!,
          userId: index % 2 ? `u${index % 9}` : null,
          tags: index % 4 === 0 ? ['x', 'y'] : index % 4 === 1 ? ['x'] : [],
          cacheStatus: index % 3 === 0 ? 'hit' : null,
          route: index % 5 === 0 ? { summary: 'cheapest:cheap', chosen: 'cheap' } : index % 5 === 1 ? { summary: 'fallback' } : null,
          costNanoUsd: Math.floor(random() * 9_000_000_000),
          status: index % 50 === 0 ? 500 : 200,
          latencyMs: index,
        }),
      );
      // The columns the ledger had then (the import migration, after this one, adds origin and request_count).
      const kept = LEDGER_COLUMNS.map((column, index) => [column, index] as const).filter(([column]) => column !== 'origin' && column !== 'request_count');
      const insert = old.prepare(`INSERT INTO ledger (${kept.map(([column]) => column).join(', ')}) VALUES (${kept.map(() => '?').join(', ')})`);
      old.transaction(() =>
        records.forEach((record) => {
          const values = recordValues(record, (value) => (value ? 1 : 0));
          insert.run(kept.map(([, index]) => values[index]));
        }),
      )();
      old.close();

      const storage = await openStorage({ dataDir: dir });
      try {
        const check = async (dimensions: Parameters<typeof storage.ledger.summarize>[0], filter = {}) => {
          const rollup = await storage.ledger.summarize(dimensions, filter);
          const raw = await storage.ledger.summarize(dimensions, { ...filter, fromMs: 1 });
          const byKey = (rows: typeof raw) => new Map(rows.map((row) => [JSON.stringify(row.keys), row]));
          expect(rollup.length).toBeGreaterThan(0);
          expect(byKey(rollup)).toEqual(byKey(raw));
        };
        await check(['project', 'day', 'route', 'cache']);
        await check(['hour', 'user']);
        await check(['hour', 'project', 'model']);
        await check(['tag', 'project']);
        await check(['day'], { tag: 'x' });
        const total = (await storage.ledger.summarize([]))[0]!;
        expect(BigInt(total.costNanoUsd)).toBe(records.reduce((sum, r) => sum + BigInt(r.costNanoUsd), 0n));
        expect(total.latencyMsTotal).toBe(records.reduce((sum, r) => sum + r.latencyMs, 0));
      } finally {
        await storage.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
