import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerRecord } from '../../src/ledger/record.ts';
import type { LedgerStore } from '../../src/ledger/store.ts';
import { createLedgerWriter } from '../../src/ledger/writer.ts';
import { openStorage, type Storage } from '../../src/storage/open-storage.ts';
import { ledgerRecord } from '../support/ledger-records.ts';

/** A real SQLite store behind a switch that makes it fail like a store outage. */
function outageProxy(store: LedgerStore) {
  const control = { down: false, failAfterCommit: false, appends: 0 };
  const proxy: LedgerStore = {
    ...store,
    backend: store.backend,
    async append(records) {
      control.appends += 1;
      if (control.down) throw new Error('connection refused (simulated outage)');
      await store.append(records);
      if (control.failAfterCommit) throw new Error('connection lost after commit');
    },
  };
  return { proxy, control };
}

describe('ledger writer', () => {
  let dir: string;
  let storage: Storage;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tollgate-writer-'));
    storage = await openStorage({ dataDir: dir });
  });
  afterEach(async () => {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function idsInStore(): Promise<string[]> {
    return (await storage.ledger.list({}, 1_000_000)).map((r) => r.id);
  }

  it('batches writes off the hot path and commits them all', async () => {
    const writer = createLedgerWriter({ store: storage.ledger, directory: dir, batchSize: 100, flushIntervalMs: 20, log: () => {} });
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
    const writer = createLedgerWriter({ store: proxy, directory: dir, batchSize: 200, flushIntervalMs: 10, retryMinMs: 50, retryMaxMs: 200, log: () => {} });
    const records: LedgerRecord[] = [];
    control.down = true;
    for (let index = 0; index < 10_000; index += 1) {
      const record = ledgerRecord();
      records.push(record);
      writer.write(record);
      if (index % 1_000 === 999) {
        await writer.flush();
        // Everything accepted so far is durable on disk, not held in memory.
        expect(writer.stats().pending).toBe(0);
      }
    }
    await writer.flush();
    expect(writer.stats().spilled).toBe(10_000);
    expect(await idsInStore()).toEqual([]);

    control.down = false;
    const deadline = Date.now() + 10_000;
    while (writer.stats().spilled > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const ids = await idsInStore();
    expect(ids).toHaveLength(10_000);
    expect(new Set(ids)).toEqual(new Set(records.map((r) => r.id)));
    await writer.close();
  });

  it('a restart replays what a previous writer left in its journal and spill file', async () => {
    const { proxy, control } = outageProxy(storage.ledger);
    control.down = true;
    const first = createLedgerWriter({ store: proxy, directory: dir, batchSize: 50, flushIntervalMs: 60_000, retryMinMs: 60_000, log: () => {} });
    const spilled = Array.from({ length: 120 }, () => ledgerRecord());
    for (const record of spilled) first.write(record);
    await first.flush();
    // These are only in the journal: the process "dies" before any flush.
    const journaled = Array.from({ length: 30 }, () => ledgerRecord());
    for (const record of journaled) first.write(record);
    await first.whenDurable();
    expect(readdirSync(dir).some((name) => name.startsWith('ledger-journal-'))).toBe(true);

    const second = createLedgerWriter({ store: storage.ledger, directory: dir, batchSize: 50, flushIntervalMs: 10, retryMinMs: 10, log: () => {} });
    await second.replaySpill();
    const ids = new Set(await idsInStore());
    for (const record of [...spilled, ...journaled]) expect(ids.has(record.id)).toBe(true);
    expect(ids.size).toBe(150);
    await second.close();
  });

  it('a failure after the store committed (a lost acknowledgement) does not double count on replay', async () => {
    const { proxy, control } = outageProxy(storage.ledger);
    const writer = createLedgerWriter({ store: proxy, directory: dir, batchSize: 100, flushIntervalMs: 10, retryMinMs: 20, log: () => {} });
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
});
