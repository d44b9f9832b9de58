import type { LedgerRecord } from '../../ledger/record.ts';
import type { LedgerStore } from '../../ledger/store.ts';
import {
  LEDGER_COLUMNS, ROLLUP_KEYS, ROLLUP_SUMS, recordValues, rollupValues, rowToRecord, rawWhere, summarizeQuery, toSpendRow, type Dialect,
} from '../sql/ledger-columns.ts';
import type { SqliteDatabase } from './open.ts';

const dialect: Dialect = {
  placeholder: () => '?',
  day: (column) => `strftime('%Y-%m-%d', ${column} / 1000, 'unixepoch')`,
  hour: (column) => `strftime('%Y-%m-%dT%H:00Z', ${column} / 1000, 'unixepoch')`,
  sum: (expression) => `COALESCE(SUM(${expression}), 0)`,
  hasTag: (placeholder) => `EXISTS (SELECT 1 FROM json_each(tags) WHERE json_each.value = ${placeholder})`,
};

/** The ledger in SQLite: idempotent batched inserts that maintain the hourly rollup in the same transaction. */
export function createSqliteLedgerStore(db: SqliteDatabase): LedgerStore {
  const insert = db.prepare(`INSERT INTO ledger (${LEDGER_COLUMNS.join(', ')}) VALUES (${LEDGER_COLUMNS.map(() => '?').join(', ')}) ON CONFLICT(id) DO NOTHING`);
  const rollup = db.prepare(
    `INSERT INTO ledger_hourly (${[...ROLLUP_KEYS, ...ROLLUP_SUMS].join(', ')}) VALUES (${[...ROLLUP_KEYS, ...ROLLUP_SUMS].map(() => '?').join(', ')})
     ON CONFLICT(${ROLLUP_KEYS.join(', ')}) DO UPDATE SET ${ROLLUP_SUMS.map((column) => `${column} = ${column} + excluded.${column}`).join(', ')}`,
  );
  const toInt = (value: boolean) => (value ? 1 : 0);
  const appendAll = db.transaction((records: readonly LedgerRecord[]) => {
    for (const record of records) {
      // Only a row actually inserted counts in the rollup: a replayed duplicate changes nothing.
      if (insert.run(recordValues(record, toInt)).changes === 1) rollup.run(rollupValues(record));
    }
  });

  return {
    backend: 'sqlite',
    async append(records) {
      if (records.length) appendAll.immediate(records);
    },
    async list(filter, limit = 1000) {
      const params: unknown[] = [];
      const where = rawWhere(filter, dialect, params);
      const rows = db.prepare(`SELECT * FROM (SELECT rowid AS rid, * FROM ledger ${where} ORDER BY time_ms DESC, rid DESC LIMIT ?) ORDER BY time_ms ASC, rid ASC`).all(...params, limit);
      return (rows as Record<string, unknown>[]).map(rowToRecord);
    },
    async count(filter = {}) {
      const params: unknown[] = [];
      const row = db.prepare(`SELECT COUNT(*) AS n FROM ledger ${rawWhere(filter, dialect, params)}`).get(...params) as { n: number };
      return row.n;
    },
    async summarize(dimensions, filter = {}) {
      const { sql, params } = summarizeQuery(dimensions, filter, dialect);
      const rows = db.prepare(sql).all(...params) as Record<string, unknown>[];
      return rows.map((row) => toSpendRow(row, dimensions)).filter((row) => row !== undefined);
    },
    async ping() {
      db.prepare('SELECT 1').get();
    },
    async close() {
      // The database handle is shared with the key store; `openStorage` closes it.
    },
  };
}
