/**
 * Bulk load of a SQLite ledger for `bench:reports`: the schema from the real migrations, raw rows
 * through one prepared INSERT in transactions of 100k rows (no journal, no fsync while loading),
 * the ledger's secondary indexes dropped during the load and rebuilt after it from their own SQL,
 * and the rollup rows computed by `bulkRollups` (the writer's own functions) inserted as they close.
 * The file ends up in WAL mode like one the gateway wrote.
 */
import type { LedgerRecord } from '../../src/ledger/record.ts';
import { openSqlite } from '../../src/storage/sqlite/open.ts';
import { DAILY_ROLLUP_KEYS, LEDGER_COLUMNS, ROLLUP_KEYS, ROLLUP_SUMS, TAG_ROLLUP_KEYS, recordValues } from '../../src/storage/sql/ledger-columns.ts';
import { bulkRollups, type RollupTable } from './bulk-rollups.ts';

const KEYS: Record<RollupTable, readonly string[]> = { ledger_hourly: ROLLUP_KEYS, ledger_daily: DAILY_ROLLUP_KEYS, ledger_hourly_tags: TAG_ROLLUP_KEYS };
const TRANSACTION_ROWS = 100_000;

export function bulkLoadSqlite(dataDir: string, rows: Iterable<LedgerRecord>, progress: (done: number) => void = () => {}): number {
  const db = openSqlite(dataDir);
  try {
    db.pragma('journal_mode = DELETE');
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
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
    let pending: LedgerRecord[] = [];
    const write = db.transaction((records: LedgerRecord[]) => {
      for (const record of records) {
        insert.run(recordValues(record, toInt));
        rollups.add(record);
      }
    });
    for (const record of rows) {
      pending.push(record);
      if (pending.length === TRANSACTION_ROWS) {
        write(pending);
        done += pending.length;
        pending = [];
        progress(done);
      }
    }
    db.transaction(() => {
      write(pending);
      rollups.finish();
    })();
    done += pending.length;
    for (const index of indexes) db.exec(index.sql);
    db.pragma('journal_mode = WAL');
    return done;
  } finally {
    db.close();
  }
}
