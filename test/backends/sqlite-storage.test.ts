import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStorage } from '../../src/storage/open-storage.ts';
import { summarizeQuery, type Dialect } from '../../src/storage/sql/ledger-columns.ts';
import { ledgerRecord } from '../support/ledger-records.ts';
import { runStorageContract } from './storage-contract.ts';

runStorageContract('SQLite', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-sqlite-'));
  const storage = await openStorage({ dataDir: dir });
  return {
    storage,
    async cleanup() {
      // The database file never holds a key secret (only SHA-256 hashes): check the bytes.
      for (const name of readdirSync(dir)) {
        const bytes = readFileSync(path.join(dir, name));
        if (bytes.includes('tg-seeded-0123456789abcdef')) throw new Error(`${name} contains a key secret`);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('summarize query planning', () => {
  const dialect: Dialect = { placeholder: () => '?', day: (c) => `day(${c})`, hour: (c) => `hour(${c})`, sum: (e) => `SUM(${e})`, hasTag: (p) => `tag(${p})`, tagJoin: 'JOIN tags', tagValue: 'tag_value', routeTarget: () => 'target(route)', fellBack: () => 'fell_back(route)', routeStrategy: (p) => `strategy(${p})` };
  const table = (...args: Parameters<typeof summarizeQuery>) => {
    const sql = summarizeQuery(...args).sql;
    return sql.includes('FROM ledger_hourly_tags') ? 'tags' : sql.includes('FROM ledger_hourly') ? 'rollup' : sql.includes('FROM ledger_daily') ? 'daily' : 'raw';
  };
  const HOUR = 3_600_000;

  it('reads the hourly rollup when every filter is a rollup column and the bounds are hour-aligned', () => {
    expect(table(['project', 'model', 'day'], {}, dialect)).toBe('daily');
    expect(table(['project', 'hour'], {}, dialect)).toBe('rollup');
    expect(table(['project'], { fromMs: 10 * HOUR }, dialect)).toBe('rollup');
    expect(table(['project'], { fromMs: 24 * HOUR, toMs: 48 * HOUR }, dialect)).toBe('daily');
    expect(table(['hour', 'user', 'key', 'provider', 'org'], { fromMs: 10 * HOUR, toMs: 20 * HOUR, projectId: 'p', userId: 'u', keyId: 'k', provider: 'x', orgId: 'o' }, dialect)).toBe('rollup');
  });

  it('reads the raw table for unaligned bounds and for filters the rollup cannot answer', () => {
    expect(table(['project'], { fromMs: 10 * HOUR + 1 }, dialect)).toBe('raw');
    expect(table(['project'], { toMs: 10 * HOUR - 1 }, dialect)).toBe('raw');
    expect(table(['project'], { model: 'gpt-4o' }, dialect)).toBe('raw');
    expect(table(['route'], { routeStrategy: 'learned' }, dialect)).toBe('raw');
    expect(table(['project'], { tag: 'batch' }, dialect)).toBe('tags');
    expect(table(['tag', 'day'], { orgId: 'o', fromMs: 10 * HOUR }, dialect)).toBe('tags');
    expect(table(['tag', 'user'], {}, dialect)).toBe('raw');
    expect(table(['project'], { tag: 'batch', userId: 'u' }, dialect)).toBe('raw');
    expect(table(['route', 'cache', 'origin', 'model'], { reportedModel: 'm' }, dialect)).toBe('daily');
    expect(table(['project'], { servedOnly: true }, dialect)).toBe('raw');
    expect(table(['project'], { excludeProviders: ['local'] }, dialect)).toBe('raw');
  });
});

describe('SQLite hourly rollup', () => {
  it('sums a batch per rollup key exactly, even where a JS sum would pass 2^53', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-sqlite-'));
    const storage = await openStorage({ dataDir: dir });
    try {
      const hour = Date.parse('2026-11-23T14:00:00Z');
      const big = Array.from({ length: 3 }, (_, index) => ledgerRecord({ timeMs: hour + index, costNanoUsd: 4_000_000_000_000_001 + index }));
      const small = Array.from({ length: 400 }, (_, index) => ledgerRecord({ timeMs: hour + 10 + index, projectId: index % 2 ? 'a' : 'b', costNanoUsd: 1_000 + index }));
      await storage.ledger.append([...big, ...small]);
      await storage.ledger.append([...big, ...small.slice(0, 100)]);
      const db = new Database(path.join(dir, 'tollgate.db'), { readonly: true });
      db.defaultSafeIntegers(true);
      try {
        const rows = db.prepare('SELECT project_id, requests, cost_nano FROM ledger_hourly ORDER BY project_id').all() as Array<{ project_id: string; requests: bigint; cost_nano: bigint }>;
        const expected = (records: typeof small) => records.reduce((sum, r) => sum + BigInt(r.costNanoUsd), 0n);
        expect(rows).toEqual([
          { project_id: 'a', requests: 200n, cost_nano: expected(small.filter((r) => r.projectId === 'a')) },
          { project_id: 'b', requests: 200n, cost_nano: expected(small.filter((r) => r.projectId === 'b')) },
          { project_id: 'search', requests: 3n, cost_nano: expected(big) },
        ]);
      } finally {
        db.close();
      }
    } finally {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
