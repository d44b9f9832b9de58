/**
 * Bulk load of a SQLite ledger for `bench:reports`: the schema from the real migrations, raw rows
 * through one prepared INSERT in transactions of 100k rows (no journal, no fsync while loading),
 * the ledger's secondary indexes dropped during the load and rebuilt after it from their own SQL,
 * and the rollup rows computed by `bulkRollups` (the writer's own functions) inserted as they close.
 * The file ends up in WAL mode like one the gateway wrote.
 */
import type { LedgerRecord } from '../../src/ledger/record.ts';
import { openSqlite } from '../../src/storage/sqlite/open.ts';
import { DAILY_ROLLUP_KEYS, LEDGER_COLUMNS, NARROW_DAILY_ROLLUP_KEYS, NARROW_ROLLUP_KEYS, ROLLUP_KEYS, ROLLUP_SUMS, TAG_ROLLUP_KEYS, recordValues } from '../../src/storage/sql/ledger-columns.ts';
import { bulkRollups, type RollupTable } from './bulk-rollups.ts';

const KEYS: Record<RollupTable, readonly string[]> = { ledger_hourly: ROLLUP_KEYS, ledger_daily: DAILY_ROLLUP_KEYS, ledger_hourly_narrow: NARROW_ROLLUP_KEYS, ledger_daily_narrow: NARROW_DAILY_ROLLUP_KEYS, ledger_hourly_tags: TAG_ROLLUP_KEYS };
const TRANSACTION_ROWS = 100_000;

export function bulkLoadSqlite(dataDir: string, rows: Iterable<LedgerRecord>, progress: (done: number) => void = () => {}): number {
  const db = openSqlite(dataDir);
  try {
    // The rollback journal in memory (better-sqlite3's defensive mode refuses none at all) and no fsync while loading (a failed build is thrown away), one lock for the whole load.
    db.pragma('journal_mode = DELETE');
    if (db.pragma('journal_mode = MEMORY', { simple: true }) !== 'memory') throw new Error('could not keep the journal in memory for the bulk load');
    db.pragma('synchronous = OFF');
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('cache_size = -262144');
    const indexes = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ledger' AND sql IS NOT NULL").all() as Array<{ name: string; sql: string }>;
    for (const index of indexes) db.exec(`DROP INDEX ${index.name}`);
    const insert = db.prepare(`INSERT INTO ledger (${LEDGER_COLUMNS.join(', ')}) VALUES (${LEDGER_COLUMNS.map(() => '?').join(', ')})`);
    const rollupInsert = Object.fromEntries(
      (Object.keys(KEYS) as RollupTable[]).map((table) => {
        const columns = [...KEYS[table], ...ROLLUP_SUMS];
        return [table, db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`)];
      }),
    ) as Record<RollupTable, ReturnType<typeof db.prepare>>;
    const rollups = bulkRollups((table, row) => rollupInsert[table].run(row));
    const toInt = (value: boolean) => (value ? 1 : 0);
    let done = 0;
    // Rows go straight from the generator into the open transaction (buffering 100k records would
    // promote them all to the old generation and make the collector the bottleneck).
    db.exec('BEGIN');
    for (const record of rows) {
      insert.run(recordValues(record, toInt));
      rollups.add(record);
      done += 1;
      if (done % TRANSACTION_ROWS === 0) {
        db.exec('COMMIT');
        progress(done);
        db.exec('BEGIN');
      }
    }
    rollups.finish();
    db.exec('COMMIT');
    for (const index of indexes) db.exec(index.sql);
    db.pragma('locking_mode = NORMAL');
    db.pragma('journal_mode = WAL');
    return done;
  } finally {
    db.close();
  }
}
