/**
 * Ledger micro-benchmark: `npx tsx bench/ledger.ts`. Prints one JSON line:
 * - sqliteRowsPerSec: rows/s appended to the SQLite ledger (WAL, synchronous=NORMAL) in batches of
 *   the default `ledger.batchSize`, each batch one transaction that also maintains the hourly rollup;
 * - sqliteReplayRowsPerSec: the same rows appended again (every insert a no-op: what an idempotent
 *   spill replay costs);
 * - writerWriteNsPerOp: `writer.write(record)` on the hot path, in front of a store that answers at
 *   once (the writer's own cost: queue push and the record's JSON line; every batchSize-th call also
 *   writes the journal lines and rotates the segment), in slices of 1,000 with a yield between;
 * - writerBurstWriteNsPerOp: the same against the SQLite store (store commits interleave with the
 *   slices and are not counted, but spilling when the store falls behind happens inside write());
 * - writerEndToEndRowsPerSec: write() of every row, as fast as it goes (slices of 1,000 with a
 *   yield between), through to `flush()` resolving with every row in the store (journal + store,
 *   plus the spill file for rows shed when the store fell behind: writerMaxSpilled);
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

/** Rows as a live gateway writes them: in arrival order (BENCH_ROWS spread over one hour), 4 projects, 50 users, 20 keys, 3 models. */
function makeRecords(count: number): LedgerRecord[] {
  const random = seededRandom(7);
  const start = Date.parse('2026-11-01T00:00:00Z');
  const projects = ['search', 'billing', 'agents', 'support'];
  const models = ['gpt-4o-mini', 'claude-3-5-haiku', 'llama3'];
  return Array.from({ length: count }, (_, index) =>
    ledgerRecord({
      timeMs: start + Math.floor((index * 3_600_000) / count),
      projectId: projects[index % projects.length]!,
      userId: `user-${Math.floor(random() * 50)}`,
      keyId: `key_${Math.floor(random() * 20)}`,
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

/** Times write() in slices of 1,000 with a yield to the event loop between; returns ns/op and the most rows spilled at once. */
async function timeWrites(writer: ReturnType<typeof createLedgerWriter>, records: LedgerRecord[]): Promise<{ nsPerOp: number; maxSpilled: number }> {
  const SLICE = 1_000;
  let writeNs = 0n;
  let maxSpilled = 0;
  for (let index = 0; index < records.length; index += SLICE) {
    const end = Math.min(index + SLICE, records.length);
    const sliceStart = process.hrtime.bigint();
    for (let i = index; i < end; i += 1) writer.write(records[i]!);
    writeNs += process.hrtime.bigint() - sliceStart;
    // Yield to the event loop as a server does between requests (the journal write, store commits).
    await new Promise((resolve) => setImmediate(resolve));
    maxSpilled = Math.max(maxSpilled, writer.stats().spilled);
  }
  return { nsPerOp: Math.round(Number(writeNs) / records.length), maxSpilled };
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
    const started = process.hrtime.bigint();
    const burst = await timeWrites(writer, fresh);
    // Resolves once every row is in the (healthy) store, including rows shed to the spill file.
    await writer.flush();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    result.writerBurstWriteNsPerOp = burst.nsPerOp;
    result.writerEndToEndRowsPerSec = Math.round(fresh.length / seconds);
    // Rows shed to the spill file because the store stalled or fell maxInFlight behind the burst.
    result.writerMaxSpilled = burst.maxSpilled;
    if ((await writerStorage.ledger.count()) !== ROWS) throw new Error(`writer lost rows: ${await writerStorage.ledger.count()} ${JSON.stringify(writer.stats())}`);
    await writer.close();
    await writerStorage.close();

    // The writer's own cost, in front of a store that takes every batch at once.
    const instantStore: LedgerStore = { ...writerStorage.ledger, append: async () => undefined };
    const hotDir = mkdtempSync(path.join(tmpdir(), 'tollgate-bench-writer-'));
    try {
      const hot = createLedgerWriter({ store: instantStore, directory: hotDir, batchSize: BATCH, flushIntervalMs: defaults.flushIntervalMs, log: () => {} });
      await timeWrites(hot, fresh.slice(0, 10_000));
      result.writerWriteNsPerOp = (await timeWrites(hot, fresh)).nsPerOp;
      await hot.close();
    } finally {
      rmSync(hotDir, { recursive: true, force: true });
    }
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
