import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerRecord } from '../../src/ledger/record.ts';
import type { LedgerStore } from '../../src/ledger/store.ts';
import { createLedgerWriter, type LedgerWriter } from '../../src/ledger/writer.ts';
import { openStorage, type Storage } from '../../src/storage/open-storage.ts';
import { ledgerRecord } from '../support/ledger-records.ts';

/**
 * A real SQLite store behind switches: `down` fails like an outage, `failAfterCommit` commits and
 * then throws (a lost acknowledgement), `hang` holds appends until `release()` (a store that stops
 * answering without failing).
 */
function outageProxy(store: LedgerStore) {
  const control = { down: false, failAfterCommit: false, hang: false, appends: 0 };
  let held: Array<() => void> = [];
  const proxy: LedgerStore = {
    ...store,
    backend: store.backend,
    async append(records) {
      control.appends += 1;
      if (control.hang) await new Promise<void>((resolve) => held.push(resolve));
      if (control.down) throw new Error('connection refused (simulated outage)');
      await store.append(records);
      if (control.failAfterCommit) throw new Error('connection lost after commit');
    },
  };
  const release = () => {
    control.hang = false;
    const waiting = held;
    held = [];
    for (const resolve of waiting) resolve();
  };
  return { proxy, control, release, held: () => held.length };
}

const SPILL = 'ledger-spill.jsonl';
const spillLines = (dir: string) =>
  existsSync(path.join(dir, SPILL)) ? readFileSync(path.join(dir, SPILL), 'utf8').split('\n').filter(Boolean).length : 0;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ledger writer', () => {
  let dir: string;
  let storage: Storage;
  let writers: LedgerWriter[];
  const track = (writer: LedgerWriter) => (writers.push(writer), writer);

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tollgate-writer-'));
    storage = await openStorage({ dataDir: dir });
    writers = [];
  });
  afterEach(async () => {
    // Close every writer (even after a failed assertion) before the directory goes away.
    for (const writer of writers) await writer.close().catch(() => undefined);
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function idsInStore(): Promise<string[]> {
    return (await storage.ledger.list({}, 1_000_000)).map((r) => r.id);
  }

  it('batches writes off the hot path and commits them all', async () => {
    const writer = track(createLedgerWriter({ store: storage.ledger, directory: dir, batchSize: 100, flushIntervalMs: 20, log: () => {} }));
    const records = Array.from({ length: 1_234 }, () => ledgerRecord());
    for (const record of records) writer.write(record);
    await writer.flush();
    expect((await idsInStore()).sort()).toEqual(records.map((r) => r.id).sort());
    expect(writer.stats()).toMatchObject({ pending: 0, spilled: 0, written: 1_234 });
    await writer.close();
    // Nothing left behind once committed.
    expect(readdirSync(dir).filter((name) => name.startsWith('ledger-'))).toEqual([]);
  });

  it('a store outage spills to disk with bounded memory, and the replay commits every record exactly once', async () => {
    const { proxy, control } = outageProxy(storage.ledger);
    const writer = track(createLedgerWriter({ store: proxy, directory: dir, batchSize: 200, flushIntervalMs: 10, retryMinMs: 50, retryMaxMs: 200, log: () => {} }));
    const records: LedgerRecord[] = [];
    control.down = true;
    let lastSpillBytes = 0;
    for (let index = 0; index < 10_000; index += 1) {
      const record = ledgerRecord();
      records.push(record);
      writer.write(record);
      // A synchronous burst never yields to the commit chain: at most what was written since the last yield is in memory.
      expect(writer.stats().pending).toBeLessThanOrEqual(1_000);
      if (index % 1_000 === 999) {
        await writer.flush();
        // Everything accepted so far is durable on disk (fsync'd lines), not held in memory.
        expect(writer.stats().pending).toBe(0);
        expect(spillLines(dir)).toBe(index + 1);
        const bytes = statSync(path.join(dir, SPILL)).size;
        expect(bytes).toBeGreaterThan(lastSpillBytes);
        lastSpillBytes = bytes;
      }
    }
    await writer.flush();
    expect(writer.stats().spilled).toBe(10_000);
    expect(writer.stats().failedBatches).toBeGreaterThan(0);
    expect(await idsInStore()).toEqual([]);

    control.down = false;
    const deadline = Date.now() + 10_000;
    while (writer.stats().spilled > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const ids = await idsInStore();
    expect(ids).toHaveLength(10_000);
    expect(new Set(ids)).toEqual(new Set(records.map((r) => r.id)));
    expect(writer.stats()).toMatchObject({ pending: 0, spilled: 0, written: 10_000 });
    expect(existsSync(path.join(dir, SPILL))).toBe(false);
    await writer.close();
  });

  it('a store that hangs instead of failing: memory stays bounded, new batches spill, nothing is lost or doubled', async () => {
    const { proxy, control, release, held } = outageProxy(storage.ledger);
    const writer = track(createLedgerWriter({ store: proxy, directory: dir, batchSize: 100, flushIntervalMs: 10, maxInFlight: 1_000, retryMinMs: 20, retryMaxMs: 100, log: () => {} }));
    control.hang = true;
    const records = Array.from({ length: 10_000 }, () => ledgerRecord({ costNanoUsd: 7 }));
    for (const [index, record] of records.entries()) {
      writer.write(record);
      // At most maxInFlight unacknowledged records plus one queued batch.
      expect(writer.stats().pending).toBeLessThanOrEqual(1_100);
      if (index % 2_500 === 2_499) await sleep(5);
    }
    expect(held()).toBe(1);
    expect(writer.stats().spilled).toBeGreaterThanOrEqual(9_000);

    release();
    const deadline = Date.now() + 10_000;
    while ((writer.stats().spilled > 0 || writer.stats().pending > 0) && Date.now() < deadline) await sleep(20);
    await writer.flush();
    const ids = await idsInStore();
    expect(ids).toHaveLength(10_000);
    expect(new Set(ids)).toEqual(new Set(records.map((r) => r.id)));
    expect((await storage.ledger.summarize([]))[0]?.costNanoUsd).toBe(70_000);
    await writer.close();
  });

  it('a restart replays what a previous writer left in its journal and spill file', async () => {
    const { proxy, control } = outageProxy(storage.ledger);
    control.down = true;
    const first = track(createLedgerWriter({ store: proxy, directory: dir, batchSize: 50, flushIntervalMs: 60_000, retryMinMs: 60_000, log: () => {} }));
    const spilled = Array.from({ length: 120 }, () => ledgerRecord());
    for (const record of spilled) first.write(record);
    await first.flush();
    // These are only in the journal: the process "dies" before any flush.
    const journaled = Array.from({ length: 30 }, () => ledgerRecord());
    for (const record of journaled) first.write(record);
    await first.whenDurable();
    expect(readdirSync(dir).some((name) => name.startsWith('ledger-journal-'))).toBe(true);

    const second = track(createLedgerWriter({ store: storage.ledger, directory: dir, batchSize: 50, flushIntervalMs: 10, retryMinMs: 10, log: () => {} }));
    await second.replaySpill();
    const ids = new Set(await idsInStore());
    for (const record of [...spilled, ...journaled]) expect(ids.has(record.id)).toBe(true);
    expect(ids.size).toBe(150);
    await second.close();
  });

  it('a failure after the store committed (a lost acknowledgement) does not double count on replay', async () => {
    const { proxy, control } = outageProxy(storage.ledger);
    const writer = track(createLedgerWriter({ store: proxy, directory: dir, batchSize: 100, flushIntervalMs: 10, retryMinMs: 20, log: () => {} }));
    control.failAfterCommit = true;
    const records = Array.from({ length: 300 }, () => ledgerRecord({ costNanoUsd: 1_000 }));
    for (const record of records) writer.write(record);
    await writer.flush();
    control.failAfterCommit = false;
    await writer.replaySpill();
    expect(await storage.ledger.count()).toBe(300);
    const [total] = await storage.ledger.summarize([]);
    expect(total?.costNanoUsd).toBe(300_000);
    expect(existsSync(path.join(dir, 'ledger-spill.jsonl'))).toBe(false);
    await writer.close();
  });

  it('a stalled store append (no answer for stallMs): later batches spill instead of waiting in memory', async () => {
    const { proxy, control, release, held } = outageProxy(storage.ledger);
    const logs: string[] = [];
    const writer = track(createLedgerWriter({ store: proxy, directory: dir, batchSize: 100, flushIntervalMs: 10, stallMs: 100, retryMinMs: 20, log: (m) => logs.push(m) }));
    control.hang = true;
    const records = Array.from({ length: 3_000 }, () => ledgerRecord());
    for (const record of records.slice(0, 500)) writer.write(record);
    await sleep(20);
    // Within stallMs the store is only slow: the batches wait in memory for it.
    expect(writer.stats()).toMatchObject({ pending: 500, spilled: 0 });
    await sleep(150);
    for (const record of records.slice(500)) writer.write(record);
    await sleep(20);
    expect(held()).toBe(1);
    expect(writer.stats().pending).toBe(500);
    expect(writer.stats().spilled).toBe(2_500);
    expect(logs.some((line) => line.includes('spilling new batches'))).toBe(true);

    release();
    await writer.flush();
    const ids = await idsInStore();
    expect(ids).toHaveLength(3_000);
    expect(new Set(ids)).toEqual(new Set(records.map((r) => r.id)));
    expect(writer.stats()).toMatchObject({ pending: 0, spilled: 0 });
  });

  it('a crash in the middle of a replay (the store committed, the acknowledgement was lost, the process died) does not double count', async () => {
    const { proxy, control } = outageProxy(storage.ledger);
    control.down = true;
    const first = track(createLedgerWriter({ store: proxy, directory: dir, batchSize: 100, flushIntervalMs: 60_000, retryMinMs: 60_000, log: () => {} }));
    const records = Array.from({ length: 1_000 }, (_, index) => ledgerRecord({ costNanoUsd: 3_000_000_000 + index }));
    for (const record of records) first.write(record);
    await first.flush();
    expect(first.stats().spilled).toBe(1_000);

    // The store is back but every replay attempt loses its acknowledgement: the rows are committed,
    // the writer cannot know it and keeps the spill snapshot.
    control.down = false;
    control.failAfterCommit = true;
    expect(await first.replaySpill()).toBe(0);
    // The first batch of the replay went in before its acknowledgement was lost.
    expect(await storage.ledger.count()).toBeGreaterThan(0);
    expect(first.stats().spilled).toBe(1_000);
    // More rows spill meanwhile; then the process dies (no close()).
    control.down = true;
    control.failAfterCommit = false;
    const later = Array.from({ length: 50 }, () => ledgerRecord({ costNanoUsd: 11 }));
    for (const record of later) first.write(record);
    await first.flush();
    expect(readdirSync(dir)).toContain(`${SPILL}.replaying`);

    // A restarted writer replays the committed snapshot again and the later rows, once each.
    const second = track(createLedgerWriter({ store: storage.ledger, directory: dir, batchSize: 100, flushIntervalMs: 10, retryMinMs: 10, log: () => {} }));
    await second.replaySpill();
    expect(await storage.ledger.count()).toBe(1_050);
    const expected = [...records, ...later].reduce((sum, r) => sum + BigInt(r.costNanoUsd), 0n);
    const [total] = await storage.ledger.summarize([]);
    expect(BigInt(total!.costNanoUsd)).toBe(expected);
    // The rollup path (no bounds) and the raw path (an unaligned bound) agree to the nano-dollar.
    const [raw] = await storage.ledger.summarize([], { fromMs: 1 });
    expect(raw?.costNanoUsd).toBe(total?.costNanoUsd);
    expect(readdirSync(dir).filter((name) => name.startsWith('ledger-spill'))).toEqual([]);
    await second.close();
    await first.close().catch(() => undefined);
  });

  it('close() flushes what is queued and tries a final replay', async () => {
    const { proxy, control } = outageProxy(storage.ledger);
    control.down = true;
    const writer = track(createLedgerWriter({ store: proxy, directory: dir, batchSize: 100, flushIntervalMs: 60_000, retryMinMs: 60_000, log: () => {} }));
    const spilled = Array.from({ length: 150 }, () => ledgerRecord());
    for (const record of spilled) writer.write(record);
    await writer.flush();
    control.down = false;
    const queued = Array.from({ length: 40 }, () => ledgerRecord());
    for (const record of queued) writer.write(record);
    await writer.close();
    expect(await storage.ledger.count()).toBe(190);
    expect(readdirSync(dir).filter((name) => name.startsWith('ledger-'))).toEqual([]);
  });
});
