import { toSafeNumber } from '../../domain/money.ts';
import type { LedgerRecord } from '../../ledger/record.ts';
import type { LedgerStore } from '../../ledger/store.ts';
import {
  LEDGER_COLUMNS, ROLLUP_KEYS, ROLLUP_SUMS, recordValues, rollupValues, rowToRecord, rawWhere, summarizeQuery, toSpendRow, type Dialect,
} from '../sql/ledger-columns.ts';
import type Database from 'better-sqlite3';
import type { SqliteDatabase } from './open.ts';

type Statement = Database.Statement<unknown[], unknown>;

const dialect: Dialect = {
  placeholder: () => '?',
  day: (column) => `strftime('%Y-%m-%d', ${column} / 1000, 'unixepoch')`,
  hour: (column) => `strftime('%Y-%m-%dT%H:00Z', ${column} / 1000, 'unixepoch')`,
  sum: (expression) => `COALESCE(SUM(${expression}), 0)`,
  hasTag: (placeholder) => `EXISTS (SELECT 1 FROM json_each(tags) WHERE json_each.value = ${placeholder})`,
};

/** Adds the increments of `values` into `group` unless a sum would leave the safe-integer range. */
function addInto(group: unknown[], values: unknown[], from: number): boolean {
  for (let index = from; index < values.length; index += 1) {
    if (!Number.isSafeInteger((group[index] as number) + (values[index] as number))) return false;
  }
  for (let index = from; index < values.length; index += 1) group[index] = (group[index] as number) + (values[index] as number);
  return true;
}

function exactNumbers(row: Record<string, unknown>): Record<string, unknown> {
  for (const [column, value] of Object.entries(row)) if (typeof value === 'bigint') row[column] = toSafeNumber(value);
  return row;
}

/** Statements of one database, prepared once per distinct SQL text (filters produce a handful of shapes). */
export function statementCache(db: SqliteDatabase, maxEntries = 256): (sql: string) => Statement {
  const statements = new Map<string, Statement>();
  return (sql) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      if (statements.size >= maxEntries) statements.delete(statements.keys().next().value!);
      statements.set(sql, statement);
    }
    return statement;
  };
}

/**
 * The ledger in SQLite: one row per record (`ledger`, primary key `id`) and an hourly rollup
 * (`ledger_hourly`, keyed by hour, org, project, user, key, model and provider, where `model` is
 * the served model, else the requested one, and '' stands for null). `append` inserts a batch in
 * one IMMEDIATE transaction with ON CONFLICT(id) DO NOTHING and adds to the rollup only the rows
 * actually inserted, so a replayed batch never double counts. Money columns are INTEGER and SQLite
 * sums integers exactly in 64 bits. `summarize` reads the rollup when the filter allows it (see
 * `rollupCanAnswer`: hour-aligned or absent bounds, no tag/model/served/excluded-provider filter).
 */
export function createSqliteLedgerStore(db: SqliteDatabase): LedgerStore {
  const prepare = statementCache(db);
  const insert = db.prepare(`INSERT INTO ledger (${LEDGER_COLUMNS.join(', ')}) VALUES (${LEDGER_COLUMNS.map(() => '?').join(', ')}) ON CONFLICT(id) DO NOTHING`);
  const rollup = db.prepare(
    `INSERT INTO ledger_hourly (${[...ROLLUP_KEYS, ...ROLLUP_SUMS].join(', ')}) VALUES (${[...ROLLUP_KEYS, ...ROLLUP_SUMS].map(() => '?').join(', ')})
     ON CONFLICT(${ROLLUP_KEYS.join(', ')}) DO UPDATE SET ${ROLLUP_SUMS.map((column) => `${column} = ${column} + excluded.${column}`).join(', ')}`,
  );
  const toInt = (value: boolean) => (value ? 1 : 0);
  const keyCount = ROLLUP_KEYS.length;
  const appendAll = db.transaction((records: readonly LedgerRecord[]) => {
    // Rows of one batch mostly share an hour and a few (project, user, key, model, provider)
    // tuples: sum them per rollup key first, then upsert each key once.
    const groups = new Map<string, unknown[]>();
    for (const record of records) {
      // Only a row actually inserted counts in the rollup: a replayed duplicate changes nothing.
      if (insert.run(recordValues(record, toInt)).changes !== 1) continue;
      const values = rollupValues(record);
      const key = JSON.stringify(values.slice(0, keyCount));
      const group = groups.get(key);
      if (!group) {
        groups.set(key, values);
      } else if (!addInto(group, values, keyCount)) {
        // A sum would pass 2^53 in JS: upsert what is summed so far and start again (exact either way).
        rollup.run(group);
        groups.set(key, values);
      }
    }
    for (const values of groups.values()) rollup.run(values);
  });

  return {
    backend: 'sqlite',
    async append(records) {
      if (records.length) appendAll.immediate(records);
    },
    async list(filter, limit = 1000) {
      const params: unknown[] = [];
      const where = rawWhere(filter, dialect, params);
      const rows = prepare(`SELECT * FROM (SELECT rowid AS rid, * FROM ledger ${where} ORDER BY time_ms DESC, rid DESC LIMIT ?) ORDER BY time_ms ASC, rid ASC`).all(...params, limit);
      return (rows as Record<string, unknown>[]).map(rowToRecord);
    },
    async count(filter = {}) {
      const params: unknown[] = [];
      const row = prepare(`SELECT COUNT(*) AS n FROM ledger ${rawWhere(filter, dialect, params)}`).get(...params) as { n: number };
      return row.n;
    },
    async summarize(dimensions, filter = {}) {
      const { sql, params } = summarizeQuery(dimensions, filter, dialect);
      // Sums come back as BigInt and are converted exactly: a total past 2^53 throws instead of rounding.
      const rows = prepare(sql).safeIntegers(true).all(...params) as Record<string, unknown>[];
      return rows.map((row) => toSpendRow(exactNumbers(row), dimensions)).filter((row) => row !== undefined);
    },
    async ping() {
      prepare('SELECT 1').get();
    },
    async close() {
      // The database handle is shared with the key store; `openStorage` closes it.
    },
  };
}
