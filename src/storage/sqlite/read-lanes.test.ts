import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerIn } from '../../ledger/read-lane.ts';
import type { LedgerStore } from '../../ledger/store.ts';
import { createSqliteLedgerStore } from './ledger-store.ts';
import { openSqlite, type SqliteDatabase } from './open.ts';

/**
 * Read lanes on a real database file: a long background read (a tag filter over every raw row, as a
 * catch-up scan would be) must not hold up an interactive one. The control runs the same two reads in one
 * lane, where the short read does wait: the test can tell the difference.
 */
const ROWS = 100_000;
let dir: string;
let db: SqliteDatabase;
let ledger: LedgerStore;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tollgate-read-lanes-'));
  db = openSqlite(dir);
  // Rows written straight into the raw table (the rollups are not read here): fast enough for a test.
  db.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROWS})
    INSERT INTO ledger (id, time_ms, org_id, project_id, tags, operation, wire, stream, requested_model, input_tokens, cache_read_tokens,
      cache_write_tokens, output_tokens, reasoning_tokens, units, input_cost_nano, output_cost_nano, cost_nano, priced, estimated, latency_ms, status, saved_nano)
    SELECT 'r' || i, 1764547200000 + i * 1000, 'demo', 'p' || (i % 4), '["alpha","beta","gamma"]', 'chat', 'openai', 0, 'gpt-4o-mini', 10, 0, 0, 5, 0, '{}', 1, 1, 2, 1, 0, 100, 200, 0 FROM n`);
  ledger = createSqliteLedgerStore(db, { readInWorker: true });
}, 60_000);

afterAll(async () => {
  await ledger?.close();
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts a long read in `slowLane`, then a one-row read in `fastLane`; the order in which they answer. */
async function race(slowLane: 'interactive' | 'background', fastLane: 'interactive' | 'background'): Promise<string[]> {
  const order: string[] = [];
  const slow = ledgerIn(ledger, slowLane).count({ tag: 'no-such-tag' }).then((n) => order.push(`long ${slowLane} read (${n})`));
  const fast = ledgerIn(ledger, fastLane).page({}, 1).then((page) => order.push(`short ${fastLane} read (${page.rows.length})`));
  await Promise.all([slow, fast]);
  return order;
}

describe('ledger read lanes (SQLite)', () => {
  it('answers the same in both lanes', async () => {
    // Served-only reads the raw rows (the rows were written without their rollups).
    const [interactive, background] = await Promise.all([ledger.summarize(['project'], { servedOnly: true }), ledgerIn(ledger, 'background').summarize(['project'], { servedOnly: true })]);
    expect(background).toEqual(interactive);
    expect(interactive.reduce((sum, row) => sum + row.requests, 0)).toBe(ROWS);
    expect(ledgerIn(ledger, 'background')).not.toBe(ledger);
    expect(ledgerIn(ledger, 'background').inLane?.('interactive')).toBe(ledger);
  });

  it('does not queue an interactive read behind a long background read', async () => {
    expect(await race('background', 'interactive')).toEqual(['short interactive read (1)', 'long background read (0)']);
  });

  it('control: in the background lane the short read waits for the long one (its reads run one at a time, in order)', async () => {
    expect(await race('background', 'background')).toEqual(['long background read (0)', 'short background read (1)']);
  });

  it('the interactive lane has two read threads: a short read does not wait for a long one in the same lane', async () => {
    // Two reads at once start the second thread (a thread starts on its first query; booting it takes longer than the long read).
    await Promise.all([ledger.page({}, 1), ledger.page({}, 1)]);
    expect(await race('interactive', 'interactive')).toEqual(['short interactive read (1)', 'long interactive read (0)']);
  });
});
