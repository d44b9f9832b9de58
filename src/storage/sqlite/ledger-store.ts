import { toSafeNumber } from '../../domain/money.ts';
import type { LedgerRecord } from '../../ledger/record.ts';
import type { LedgerStore, ReadLane } from '../../ledger/store.ts';
import {
  DAILY_ROLLUP_KEYS, LEDGER_COLUMNS, NARROW_DAILY_ROLLUP_KEYS, NARROW_ROLLUP_KEYS, ROLLUP_KEYS, ROLLUP_SUMS, TAG_ROLLUP_KEYS, recordValues, rollupValues, rowToRecord, rawWhere, summarizeQuery, tagRollupValues,
  narrowValues, toSpendRow, type Dialect,
} from '../sql/ledger-columns.ts';
import type Database from 'better-sqlite3';
import type { SqliteDatabase } from './open.ts';
import { BACKGROUND_READ_WORKER_NICE, INTERACTIVE_READ_THREADS, READ_WORKER_NICE, createReadPool, createReadWorker } from './read-worker.ts';

type Statement = Database.Statement<unknown[], unknown>;
const DAY_MS = 86_400_000;

/** SQLite's SQL for the shared query builder (exported for the tests of its indexes). */
export const dialect: Dialect = {
  placeholder: () => '?',
  day: (column) => `strftime('%Y-%m-%d', ${column} / 1000, 'unixepoch')`,
  hour: (column) => `strftime('%Y-%m-%dT%H:00Z', ${column} / 1000, 'unixepoch')`,
  sum: (expression) => `COALESCE(SUM(${expression}), 0)`,
  hasTag: (placeholder) => `EXISTS (SELECT 1 FROM json_each(tags) WHERE json_each.value = ${placeholder})`,
  tagJoin: 'LEFT JOIN json_each(ledger.tags) AS tag_each',
  tagValue: 'tag_each.value',
  // The served target of the structured decision, else its summary (the `route` column): as `routeTarget` in JS.
  routeTarget: () =>
    "CASE WHEN json_valid(route_decision) THEN COALESCE(json_extract(route_decision, '$.chosen'), json_extract(route_decision, '$.target'), route, '') ELSE COALESCE(route, '') END",
  fellBack: () => "(route_decision IS NOT NULL AND CASE WHEN json_valid(route_decision) AND json_type(route_decision, '$.fallbacks') IN ('integer', 'real') THEN json_extract(route_decision, '$.fallbacks') > 0 ELSE 0 END)",
  routeStrategy: (placeholder) => `(route_decision IS NOT NULL AND json_valid(route_decision) AND json_extract(route_decision, '$.strategy') = ${placeholder})`,
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
 * sums integers exactly in 64 bits. `summarize` reads a rollup when the grouping allows it (see
 * `summarySource`); a row's tags go to the tag rollup (`ledger_hourly_tags`). Reads of a file
 * database run in worker threads (read-worker.ts), so a long report never blocks proxied calls, one thread per
 * read lane (`inLane`, two for the interactive lane), so background reads never delay the admin API's.
 */
export function createSqliteLedgerStore(db: SqliteDatabase, options: { readInWorker?: boolean } = {}): LedgerStore {
  const prepare = statementCache(db);
  // Reads of a database file go to worker threads with their own read-only connections (see read-worker.ts), one
  // per lane: a background read (the anomaly catch-up scanning two weeks of rollups) never queues ahead of the
  // dashboard's. Each thread starts on first use. An in-memory database has no file to share, so it is read here.
  const inWorker = options.readInWorker ?? !db.memory;
  const workers = inWorker
    ? { interactive: createReadPool(db.name, { nice: READ_WORKER_NICE, size: INTERACTIVE_READ_THREADS }), background: createReadWorker(db.name, { nice: BACKGROUND_READ_WORKER_NICE }) }
    : undefined;
  const readerOf = (lane: ReadLane) => async (sql: string, params: readonly unknown[]): Promise<Record<string, unknown>[]> =>
    workers ? workers[lane].all(sql, params) : (prepare(sql).safeIntegers(true).all(...params) as Record<string, unknown>[]);
  const insert = db.prepare(`INSERT INTO ledger (${LEDGER_COLUMNS.join(', ')}) VALUES (${LEDGER_COLUMNS.map(() => '?').join(', ')}) ON CONFLICT(id) DO NOTHING`);
  const upsert = (table: string, keys: readonly string[]) =>
    db.prepare(
      `INSERT INTO ${table} (${[...keys, ...ROLLUP_SUMS].join(', ')}) VALUES (${[...keys, ...ROLLUP_SUMS].map(() => '?').join(', ')})
       ON CONFLICT(${keys.join(', ')}) DO UPDATE SET ${ROLLUP_SUMS.map((column) => `${column} = ${column} + excluded.${column}`).join(', ')}`,
    );
  const rollup = upsert('ledger_hourly', ROLLUP_KEYS);
  const tagRollup = upsert('ledger_hourly_tags', TAG_ROLLUP_KEYS);
  const dailyRollup = upsert('ledger_daily', DAILY_ROLLUP_KEYS);
  const narrowRollup = upsert('ledger_hourly_narrow', NARROW_ROLLUP_KEYS);
  const narrowDailyRollup = upsert('ledger_daily_narrow', NARROW_DAILY_ROLLUP_KEYS);
  const toInt = (value: boolean) => (value ? 1 : 0);
  const appendAll = db.transaction((records: readonly LedgerRecord[]) => {
    // Rows of one batch mostly share an hour and a few (project, user, key, model, provider)
    // tuples: sum them per rollup key first, then upsert each key once.
    const groups = new Map<string, unknown[]>();
    const tagGroups = new Map<string, unknown[]>();
    const dailyGroups = new Map<string, unknown[]>();
    const narrowGroups = new Map<string, unknown[]>();
    const narrowDailyGroups = new Map<string, unknown[]>();
    const accumulate = (into: Map<string, unknown[]>, statement: Statement, keyCount: number, values: unknown[]) => {
      const key = JSON.stringify(values.slice(0, keyCount));
      const group = into.get(key);
      if (!group) {
        into.set(key, values);
      } else if (!addInto(group, values, keyCount)) {
        // A sum would pass 2^53 in JS: upsert what is summed so far and start again (exact either way).
        statement.run(group);
        into.set(key, values);
      }
    };
    for (const record of records) {
      // Only a row actually inserted counts in the rollups: a replayed duplicate changes nothing.
      if (insert.run(recordValues(record, toInt)).changes !== 1) continue;
      const values = rollupValues(record);
      // A copy with the day in place of the hour (the rollups' increments are the same).
      const daily = [Math.floor(record.timeMs / DAY_MS) * DAY_MS, ...values.slice(1)];
      accumulate(dailyGroups, dailyRollup, ROLLUP_KEYS.length, daily);
      accumulate(groups, rollup, ROLLUP_KEYS.length, values);
      accumulate(narrowGroups, narrowRollup, NARROW_ROLLUP_KEYS.length, narrowValues(values));
      accumulate(narrowDailyGroups, narrowDailyRollup, NARROW_ROLLUP_KEYS.length, narrowValues(daily));
      for (const tagValues of tagRollupValues(record, values.slice(ROLLUP_KEYS.length))) accumulate(tagGroups, tagRollup, TAG_ROLLUP_KEYS.length, tagValues);
    }
    for (const values of groups.values()) rollup.run(values);
    for (const values of tagGroups.values()) tagRollup.run(values);
    for (const values of dailyGroups.values()) dailyRollup.run(values);
    for (const values of narrowGroups.values()) narrowRollup.run(values);
    for (const values of narrowDailyGroups.values()) narrowDailyRollup.run(values);
  });

  const storeIn = (lane: ReadLane): LedgerStore => {
    const read = readerOf(lane);
    return {
      backend: 'sqlite',
      async append(records) {
        if (records.length) appendAll.immediate(records);
      },
      async list(filter, limit = 1000) {
        const params: unknown[] = [];
        const where = rawWhere(filter, dialect, params);
        // A lookup by id is one primary-key probe: answered here rather than queued behind a long report in the worker.
        const run = filter.id !== undefined ? async (sql: string, values: readonly unknown[]) => prepare(sql).all(...values) as Record<string, unknown>[] : read;
        const rows = await run(`SELECT * FROM (SELECT rowid AS rid, * FROM ledger ${where} ORDER BY time_ms DESC, rid DESC LIMIT ?) ORDER BY time_ms ASC, rid ASC`, [...params, limit]);
        return rows.map(rowToRecord);
      },
      async page(filter, limit, before) {
        const params: unknown[] = [];
        let where = rawWhere(filter, dialect, params);
        if (before) {
          params.push(before.timeMs, before.timeMs, before.id);
          const older = '(time_ms < ? OR (time_ms = ? AND id < ?))';
          where = where ? `${where} AND ${older}` : `WHERE ${older}`;
        }
        // One row more than asked tells whether an older page exists.
        const rows = (await read(`SELECT * FROM ledger ${where} ORDER BY time_ms DESC, id DESC LIMIT ?`, [...params, limit + 1])).map(rowToRecord);
        const more = rows.length > limit;
        const page = rows.slice(0, limit);
        const last = page.at(-1);
        return { rows: page.reverse(), next: more && last ? { timeMs: last.timeMs, id: last.id } : null };
      },
      async count(filter = {}) {
        const params: unknown[] = [];
        const [row] = await read(`SELECT COUNT(*) AS n FROM ledger ${rawWhere(filter, dialect, params)}`, params);
        return Number(row?.n ?? 0);
      },
      async summarize(dimensions, filter = {}) {
        const { sql, params } = summarizeQuery(dimensions, filter, dialect);
        // Sums come back as BigInt and are converted exactly: a total past 2^53 throws instead of rounding.
        const rows = await read(sql, params);
        return rows.map((row) => toSpendRow(exactNumbers(row), dimensions)).filter((row) => row !== undefined);
      },
      inLane: (other) => stores[other],
      async ping() {
        prepare('SELECT 1').get();
      },
      async close() {
        // The database handle is shared with the key store; `openStorage` closes it. The read workers are the ledger's own.
        await Promise.all([workers?.interactive.close(), workers?.background.close()]);
      },
    };
  };
  const stores: Record<ReadLane, LedgerStore> = { interactive: storeIn('interactive'), background: storeIn('background') };
  return stores.interactive;
}
