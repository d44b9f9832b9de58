/**
 * Bulk load of a PostgreSQL ledger for `bench:reports`: the schema from the real migrations
 * (`openStorage`), then COPY ... FROM STDIN through `psql` (pg-copy-streams is not installed; psql
 * ships with the server binaries the tests already use), one psql per table fed in parallel. The
 * ledger's secondary indexes are dropped during the load and rebuilt from their own definitions
 * afterwards, and the tables are ANALYZEd (as autovacuum would have done on a ledger that grew).
 * The rollup rows come from `bulkRollups` (the writer's own functions).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import pg from 'pg';
import type { LedgerRecord } from '../../src/ledger/record.ts';
import { openStorage } from '../../src/storage/open-storage.ts';
import { DAILY_ROLLUP_KEYS, LEDGER_COLUMNS, NARROW_DAILY_ROLLUP_KEYS, NARROW_ROLLUP_KEYS, ROLLUP_KEYS, ROLLUP_SUMS, TAG_ROLLUP_KEYS, recordValues } from '../../src/storage/sql/ledger-columns.ts';
import { bulkRollups, type RollupTable } from './bulk-rollups.ts';

const COLUMNS: Record<'ledger' | RollupTable, readonly string[]> = {
  ledger: LEDGER_COLUMNS,
  ledger_hourly: [...ROLLUP_KEYS, ...ROLLUP_SUMS],
  ledger_daily: [...DAILY_ROLLUP_KEYS, ...ROLLUP_SUMS],
  ledger_hourly_narrow: [...NARROW_ROLLUP_KEYS, ...ROLLUP_SUMS],
  ledger_daily_narrow: [...NARROW_DAILY_ROLLUP_KEYS, ...ROLLUP_SUMS],
  ledger_hourly_tags: [...TAG_ROLLUP_KEYS, ...ROLLUP_SUMS],
};
const CHUNK_CHARS = 1 << 20;

/** One value in COPY's text format. */
function copyValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return String(value).replace(/[\\\t\n\r]/g, (char) => (char === '\\' ? '\\\\' : char === '\t' ? '\\t' : char === '\n' ? '\\n' : '\\r'));
}

class CopyPipe {
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private buffer = '';
  constructor(url: string, table: keyof typeof COLUMNS) {
    this.child = spawn('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', `COPY ${table} (${COLUMNS[table].join(', ')}) FROM STDIN`], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    this.child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    this.exited = new Promise((resolve, reject) => {
      this.child.on('error', reject);
      this.child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`psql COPY ${table} exited ${code}: ${stderr.slice(0, 2000)}`))));
    });
    // Surfaced by finish(); without a handler an early failure would be an unhandled rejection.
    this.exited.catch(() => undefined);
  }
  push(values: readonly unknown[]): void {
    this.buffer += values.map(copyValue).join('\t') + '\n';
  }
  async flush(force = false): Promise<void> {
    if (this.buffer.length < CHUNK_CHARS && !force) return;
    const chunk = this.buffer;
    this.buffer = '';
    if (!this.child.stdin!.write(chunk)) await Promise.race([once(this.child.stdin!, 'drain'), this.exited]);
  }
  async finish(): Promise<void> {
    await this.flush(true);
    this.child.stdin!.end();
    await this.exited;
  }
}

export async function bulkLoadPostgres(url: string, rows: Iterable<LedgerRecord>, progress: (done: number) => void = () => {}): Promise<number> {
  // The real migrations make the schema.
  const storage = await openStorage({ dataDir: '/nonexistent-unused', databaseUrl: url });
  await storage.close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: indexes } = await client.query<{ indexname: string; indexdef: string }>(
      "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'ledger' AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'ledger'::regclass)",
    );
    for (const index of indexes) await client.query(`DROP INDEX ${index.indexname}`);
    const pipes = Object.fromEntries(Object.keys(COLUMNS).map((table) => [table, new CopyPipe(url, table as keyof typeof COLUMNS)])) as Record<keyof typeof COLUMNS, CopyPipe>;
    const rollups = bulkRollups((table, row) => pipes[table].push(row));
    let done = 0;
    for (const record of rows) {
      pipes.ledger.push(recordValues(record, (value) => value));
      rollups.add(record);
      done += 1;
      if (done % 5_000 === 0) for (const pipe of Object.values(pipes)) await pipe.flush();
      if (done % 100_000 === 0) progress(done);
    }
    rollups.finish();
    await Promise.all(Object.values(pipes).map((pipe) => pipe.finish()));
    for (const index of indexes) await client.query(index.indexdef);
    await client.query('VACUUM ANALYZE ledger');
    for (const table of ['ledger_hourly', 'ledger_daily', 'ledger_hourly_tags']) await client.query(`VACUUM ANALYZE ${table}`);
    return done;
  } finally {
    await client.end();
  }
}
