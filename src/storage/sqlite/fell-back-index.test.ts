import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ledgerRecord } from '../../../test/support/ledger-records.ts';
import { rawWhere } from '../sql/ledger-columns.ts';
import { createSqliteLedgerStore, dialect } from './ledger-store.ts';
import { openSqlite } from './open.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-fell-back-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fallback count (routing analytics) on SQLite', () => {
  it('reads the partial index of rows that called a fallback, and counts the same as the rows say', async () => {
    const db = openSqlite(dir);
    const params: unknown[] = [];
    const where = rawWhere({ fromMs: 0, fellBack: true, servedOnly: true }, dialect, params);
    const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT COUNT(*) AS n FROM ledger ${where}`).all(...params) as { detail: string }[];
    expect(plan.map((step) => step.detail).join('\n')).toMatch(/USING INDEX ledger_fell_back/);
    const ledger = createSqliteLedgerStore(db, { readInWorker: false });
    const route = (fallbacks: number) => ({ summary: `gpt-4o${' fallback:x'.repeat(fallbacks)}`, chosen: 'gpt-4o', fallbacks });
    await ledger.append([
      ledgerRecord({ id: 'a', timeMs: 1_000, route: route(1) }),
      ledgerRecord({ id: 'b', timeMs: 2_000, route: route(0) }),
      ledgerRecord({ id: 'c', timeMs: 3_000, route: route(2) }),
      ledgerRecord({ id: 'd', timeMs: 4_000, route: route(1), status: 502 }),
      ledgerRecord({ id: 'e', timeMs: 5_000 }),
    ]);
    expect(await ledger.count({ fellBack: true, servedOnly: true })).toBe(2);
    expect(await ledger.count({ fromMs: 2_000, fellBack: true, servedOnly: true })).toBe(1);
    expect(await ledger.count({ fellBack: true })).toBe(3);
    db.close();
  });
});
