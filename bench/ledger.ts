/**
 * Ledger micro-benchmark: `npx tsx bench/ledger.ts`. Prints one JSON line:
 * - sqliteRowsPerSec: rows/s appended to the SQLite ledger (WAL, synchronous=NORMAL) in batches of
 *   the default `ledger.batchSize`, each batch one transaction that also maintains the hourly rollup;
 * - sqliteReplayRowsPerSec: the same rows appended again (every insert a no-op: what an idempotent
 *   spill replay costs);
 * - writerWriteNsPerOp: `writer.write(record)` on the hot path (queue push plus the JSON line for the
 *   journal; the group-committed journal write and the store commit happen later, off the call);
 * - writerEndToEndRowsPerSec: write() of every row through to `flush()` resolving (journal + store);
 * - postgresRowsPerSec: as sqliteRowsPerSec on PostgreSQL, only when TOLLGATE_TEST_DATABASE_URL
 *   is set (a fresh database is created and dropped).
 * BENCH_ROWS changes the row count (default 100,000).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { configSchema } from '../src/config/schema.ts';
import type { LedgerRecord } from '../src/ledger/record.ts';
import type { LedgerStore } from '../src/ledger/store.ts';
import { createLedgerWriter } from '../src/ledger/writer.ts';
import { openStorage } from '../src/storage/open-storage.ts';
import { freshDatabase } from '../test/support/fresh-database.ts';
import { ledgerRecord, seededRandom } from '../test/support/ledger-records.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const defaults = configSchema.shape.ledger.parse(undefined);
const BATCH = defaults.batchSize;

function makeRecords(count: number): LedgerRecord[] {
  const random = seededRandom(7);
  const start = Date.parse('2026-11-01T00:00:00Z');
  const projects = ['search', 'billing', 'agents', 'support'];
  const models = ['gpt-4o-mini', 'claude-3-5-haiku', 'llama3'];
  return Array.from({ length: count }, (_, index) =>
    ledgerRecord({
      timeMs: start + Math.floor(random() * 30 * 24 * 3_600_000),
      projectId: projects[index % projects.length]!,
      userId: `user-${index % 50}`,
      keyId: `key_${index % 20}`,
      servedModel: models[index % models.length]!,
      inputTokens: Math.floor(random() * 4_000),
      outputTokens: Math.floor(random() * 800),
      costNanoUsd: Math.floor(random() * 50_000_000),
    }),
  );
}

async function appendRate(store: LedgerStore, records: LedgerRecord[]): Promise<number> {
  const started = process.hrtime.bigint();
  for (let index = 0; index < records.length; index += BATCH) await store.append(records.slice(index, index + BATCH));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return Math.round(records.length / seconds);
}

async function main(): Promise<void> {
  const records = makeRecords(ROWS);
  const result: Record<string, number | string | null> = { rows: ROWS, batchSize: BATCH, flushIntervalMs: defaults.flushIntervalMs };

  const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-bench-ledger-'));
  try {
    const storage = await openStorage({ dataDir: dir });
    result.sqliteRowsPerSec = await appendRate(storage.ledger, records);
    result.sqliteReplayRowsPerSec = await appendRate(storage.ledger, records);
    if ((await storage.ledger.count()) !== ROWS) throw new Error('row count mismatch');

    // The writer against a fresh SQLite store in its own directory.
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
    const writerStorage = await openStorage({ dataDir: dir });
    const writer = createLedgerWriter({ store: writerStorage.ledger, directory: dir, batchSize: BATCH, flushIntervalMs: defaults.flushIntervalMs, log: () => {} });
    const fresh = makeRecords(ROWS).map((record, index) => ({ ...record, id: `w-${index}` }));
    // write() is synchronous: time it in slices that yield between them, as requests do.
    const SLICE = 1_000;
    let writeNs = 0n;
    const started = process.hrtime.bigint();
    for (let index = 0; index < fresh.length; index += SLICE) {
      const end = Math.min(index + SLICE, fresh.length);
      const sliceStart = process.hrtime.bigint();
      for (let i = index; i < end; i += 1) writer.write(fresh[i]!);
      writeNs += process.hrtime.bigint() - sliceStart;
      await writer.whenDurable();
    }
    await writer.flush();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    result.writerWriteNsPerOp = Math.round(Number(writeNs) / fresh.length);
    result.writerEndToEndRowsPerSec = Math.round(fresh.length / seconds);
    if ((await writerStorage.ledger.count()) !== ROWS) throw new Error(`writer lost rows: ${await writerStorage.ledger.count()} ${JSON.stringify(writer.stats())}`);
    await writer.close();
    await writerStorage.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const url = process.env.TOLLGATE_TEST_DATABASE_URL;
  result.postgresRowsPerSec = null;
  if (url) {
    const database = await freshDatabase(url);
    try {
      const storage = await openStorage({ dataDir: dir, databaseUrl: database.url });
      result.postgresRowsPerSec = await appendRate(storage.ledger, records);
      await storage.close();
    } finally {
      await database.drop();
    }
  }
  console.log(JSON.stringify(result));
}

await main();
