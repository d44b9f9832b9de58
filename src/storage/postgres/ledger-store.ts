import type pg from 'pg';
import type { LedgerStore, ReadLane } from '../../ledger/store.ts';
import { DAILY_ROLLUP_KEYS, LEDGER_COLUMNS, NARROW_DAILY_ROLLUP_KEYS, NARROW_ROLLUP_KEYS, ROLLUP_KEYS, ROLLUP_SUMS, TAG_ROLLUP_KEYS, recordValues, rowToRecord, rawWhere, summarizeQuery, toSpendRow, type Dialect } from '../sql/ledger-columns.ts';

const dialect: Dialect = {
  placeholder: (index) => `$${index}`,
  day: (column) => `to_char(to_timestamp(${column} / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')`,
  hour: (column) => `to_char(to_timestamp(${column} / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24":00Z"')`,
  sum: (expression) => `COALESCE(SUM(${expression}), 0)::BIGINT`,
  hasTag: (placeholder) => `tags @> jsonb_build_array(${placeholder}::text)`,
  tagJoin: 'LEFT JOIN LATERAL jsonb_array_elements_text(ledger.tags) AS tag_each(value) ON TRUE',
  tagValue: 'tag_each.value',
  // The served target of the structured decision, else its summary (the `route` column): as `routeTarget` in JS.
  routeTarget: () => "COALESCE(route_decision->>'chosen', route_decision->>'target', route, '')",
  fellBack: () => "(CASE WHEN jsonb_typeof(route_decision->'fallbacks') = 'number' THEN (route_decision->>'fallbacks')::numeric > 0 ELSE FALSE END)",
  routeStrategy: (placeholder) => `(route_decision->>'strategy') = ${placeholder}`,
};

const TYPES: Record<(typeof LEDGER_COLUMNS)[number], string> = {
  id: 'text', time_ms: 'bigint', org_id: 'text', project_id: 'text', user_id: 'text', key_id: 'text', tags: 'jsonb', operation: 'text',
  wire: 'text', stream: 'boolean', requested_model: 'text', served_model: 'text', provider: 'text', input_tokens: 'bigint',
  cache_read_tokens: 'bigint', cache_write_tokens: 'bigint', output_tokens: 'bigint', reasoning_tokens: 'bigint', units: 'jsonb',
  input_cost_nano: 'bigint', output_cost_nano: 'bigint', cost_nano: 'bigint', priced: 'boolean', estimated: 'boolean', latency_ms: 'bigint',
  ttft_ms: 'bigint', status: 'integer', error_code: 'text', cache_status: 'text', saved_nano: 'bigint', route: 'text', budget_action: 'text',
  quality: 'double precision', cache_key: 'text', prompt: 'text', request_body: 'text', route_decision: 'jsonb', origin: 'text', request_count: 'bigint',
};

const SUMS_SELECT = [
  'SUM(request_count)', 'SUM(input_tokens)', 'SUM(cache_read_tokens)', 'SUM(cache_write_tokens)', 'SUM(output_tokens)',
  'SUM(reasoning_tokens)', 'SUM(cost_nano)', 'SUM(saved_nano)', 'SUM(CASE WHEN status >= 400 THEN request_count ELSE 0 END)',
  'SUM(CASE WHEN NOT priced AND status < 400 THEN request_count ELSE 0 END)', 'SUM(CASE WHEN estimated THEN request_count ELSE 0 END)', 'SUM(latency_ms)',
];
const ROLLUP_SELECT = [
  '(time_ms / 3600000) * 3600000', 'org_id', 'project_id', "COALESCE(user_id, '')", "COALESCE(key_id, '')", 'COALESCE(served_model, requested_model)',
  "COALESCE(provider, '')", "COALESCE(cache_status, '')", dialect.routeTarget(), "COALESCE(origin, 'gateway')", ...SUMS_SELECT,
];
/** The rollup's select without the user and key columns (the narrow rollups'). */
const NARROW_ROLLUP_SELECT = [ROLLUP_SELECT[0]!, ROLLUP_SELECT[1]!, ROLLUP_SELECT[2]!, ...ROLLUP_SELECT.slice(5)];
const TAG_ROLLUP_SELECT = ['(time_ms / 3600000) * 3600000', 'org_id', 'project_id', "COALESCE(tag_value, '')", ...SUMS_SELECT];
const upsertSet = (table: string) => ROLLUP_SUMS.map((column) => `${column} = ${table}.${column} + excluded.${column}`).join(', ');
const positions = (count: number) => Array.from({ length: count }, (_, index) => index + 1).join(', ');

/**
 * One statement per batch (so one implicit transaction): the rows arrive as one JSON array, are
 * inserted with ON CONFLICT DO NOTHING (idempotent replays), and only the rows actually inserted
 * (the CTE's RETURNING) are added to the hourly, daily, narrow and tag rollups. Rollup rows are upserted in key order,
 * so instances appending at once lock them in the same order and cannot deadlock each other.
 * The rollup's `model` is the served model, else the requested one (as in SQLite). Counts are weighted by
 * `request_count` (an imported usage bucket stands for many requests).
 */
const APPEND_SQL = `
WITH input AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(${LEDGER_COLUMNS.map((column) => `${column} ${TYPES[column]}`).join(', ')})
), inserted AS (
  INSERT INTO ledger (${LEDGER_COLUMNS.join(', ')}) SELECT ${LEDGER_COLUMNS.join(', ')} FROM input
  ON CONFLICT (id) DO NOTHING RETURNING *
), hourly AS (
  INSERT INTO ledger_hourly (${[...ROLLUP_KEYS, ...ROLLUP_SUMS].join(', ')})
  SELECT ${ROLLUP_SELECT.join(', ')} FROM inserted GROUP BY ${positions(ROLLUP_KEYS.length)} ORDER BY ${positions(ROLLUP_KEYS.length)}
  ON CONFLICT (${ROLLUP_KEYS.join(', ')}) DO UPDATE SET ${upsertSet('ledger_hourly')}
), daily AS (
  INSERT INTO ledger_daily (${[...DAILY_ROLLUP_KEYS, ...ROLLUP_SUMS].join(', ')})
  SELECT ${['(time_ms / 86400000) * 86400000', ...ROLLUP_SELECT.slice(1)].join(', ')} FROM inserted GROUP BY ${positions(ROLLUP_KEYS.length)} ORDER BY ${positions(ROLLUP_KEYS.length)}
  ON CONFLICT (${DAILY_ROLLUP_KEYS.join(', ')}) DO UPDATE SET ${upsertSet('ledger_daily')}
), hourly_narrow AS (
  INSERT INTO ledger_hourly_narrow (${[...NARROW_ROLLUP_KEYS, ...ROLLUP_SUMS].join(', ')})
  SELECT ${NARROW_ROLLUP_SELECT.join(', ')} FROM inserted GROUP BY ${positions(NARROW_ROLLUP_KEYS.length)} ORDER BY ${positions(NARROW_ROLLUP_KEYS.length)}
  ON CONFLICT (${NARROW_ROLLUP_KEYS.join(', ')}) DO UPDATE SET ${upsertSet('ledger_hourly_narrow')}
), daily_narrow AS (
  INSERT INTO ledger_daily_narrow (${[...NARROW_DAILY_ROLLUP_KEYS, ...ROLLUP_SUMS].join(', ')})
  SELECT ${['(time_ms / 86400000) * 86400000', ...NARROW_ROLLUP_SELECT.slice(1)].join(', ')} FROM inserted GROUP BY ${positions(NARROW_ROLLUP_KEYS.length)} ORDER BY ${positions(NARROW_ROLLUP_KEYS.length)}
  ON CONFLICT (${NARROW_DAILY_ROLLUP_KEYS.join(', ')}) DO UPDATE SET ${upsertSet('ledger_daily_narrow')}
)
INSERT INTO ledger_hourly_tags (${[...TAG_ROLLUP_KEYS, ...ROLLUP_SUMS].join(', ')})
SELECT ${TAG_ROLLUP_SELECT.join(', ')}
FROM inserted LEFT JOIN LATERAL (SELECT DISTINCT value AS tag_value FROM jsonb_array_elements_text(inserted.tags) AS tag_each(value)) tagged ON TRUE
GROUP BY ${positions(TAG_ROLLUP_KEYS.length)} ORDER BY ${positions(TAG_ROLLUP_KEYS.length)}
ON CONFLICT (${TAG_ROLLUP_KEYS.join(', ')}) DO UPDATE SET ${upsertSet('ledger_hourly_tags')}`;

/**
 * Reads go through the pool; background reads (`inLane('background')`) one at a time, so however many
 * the anomaly monitor or a rebuild queues, they hold at most one pooled connection and the admin API's
 * reads find the others free.
 */
export function createPostgresLedgerStore(pool: pg.Pool): LedgerStore {
  const oneAtATime = serialQueue();
  const queries: Record<ReadLane, (sql: string, params: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>> = {
    interactive: (sql, params) => pool.query(sql, params),
    background: (sql, params) => oneAtATime(() => pool.query(sql, params)),
  };
  const storeIn = (lane: ReadLane): LedgerStore => {
    const query = queries[lane];
    return {
      backend: 'postgres',
      async append(records) {
        if (!records.length) return;
        const rows = records.map((record) => {
          const values = recordValues(record, (value) => value);
          const row: Record<string, unknown> = {};
          LEDGER_COLUMNS.forEach((column, index) => {
            const value = values[index];
            row[column] = (column === 'tags' || column === 'units' || column === 'route_decision') && value !== null ? JSON.parse(value as string) : value;
          });
          return row;
        });
        await pool.query(APPEND_SQL, [JSON.stringify(rows)]);
      },
      inLane: (other) => stores[other],
      async list(filter, limit = 1000) {
        const params: unknown[] = [];
        const where = rawWhere(filter, dialect, params);
        params.push(limit);
        const { rows } = await query(`SELECT * FROM (SELECT * FROM ledger ${where} ORDER BY time_ms DESC, id DESC LIMIT $${params.length}) t ORDER BY time_ms ASC, id ASC`, params);
        return rows.map(rowToRecord);
      },
      async page(filter, limit, before) {
        const params: unknown[] = [];
        let where = rawWhere(filter, dialect, params);
        if (before) {
          params.push(before.timeMs, before.id);
          const older = `(time_ms, id) < ($${params.length - 1}, $${params.length})`;
          where = where ? `${where} AND ${older}` : `WHERE ${older}`;
        }
        params.push(limit + 1);
        const { rows } = await query(`SELECT * FROM ledger ${where} ORDER BY time_ms DESC, id DESC LIMIT $${params.length}`, params);
        const records = rows.map(rowToRecord);
        const page = records.slice(0, limit);
        const last = page.at(-1);
        return { rows: page.reverse(), next: records.length > limit && last ? { timeMs: last.timeMs, id: last.id } : null };
      },
      async count(filter = {}) {
        const params: unknown[] = [];
        const { rows } = await query(`SELECT COUNT(*)::BIGINT AS n FROM ledger ${rawWhere(filter, dialect, params)}`, params);
        return Number(rows[0]?.n ?? 0);
      },
      async summarize(dimensions, filter = {}) {
        const { sql, params } = summarizeQuery(dimensions, filter, dialect);
        const { rows } = await query(sql, params);
        return rows.map((row) => toSpendRow(row, dimensions)).filter((row) => row !== undefined);
      },
      async ping() {
        await pool.query('SELECT 1');
      },
      async close() {
        // The pool is shared with the key store; `openStorage` ends it.
      },
    };
  };
  const stores: Record<ReadLane, LedgerStore> = { interactive: storeIn('interactive'), background: storeIn('background') };
  return stores.interactive;
}

/** Runs the tasks handed to it one after another, in order (a failed task does not stop the next). */
function serialQueue(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (task) => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}
