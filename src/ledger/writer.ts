import path from 'node:path';
import { createBatchQueue } from './batch-queue.ts';
import { openLedgerJournal, type JournalSegment } from './journal.ts';
import { createJournalGroupCommit } from './journal-group-commit.ts';
import type { LedgerRecord } from './record.ts';
import { SpillFile } from './spill-file.ts';
import { recoverJournalLeftovers, replaySpillFile } from './spill-replay.ts';
import { appendInBatches, createStoreFlow, isStoreBehind } from './store-flow.ts';
import { createStoreRetry } from './store-retry.ts';
import { ledgerWriterSettings, type LedgerWriterOptions } from './writer-options.ts';
import { createLedgerWriterCounters, ledgerWriterStats, type LedgerWriterStats } from './writer-stats.ts';

export type { LedgerWriterOptions } from './writer-options.ts';
export type { LedgerWriterStats } from './writer-stats.ts';

export interface LedgerSink {
  write(record: LedgerRecord): void;
  /** Resolves once every record written so far is journaled (survives a crash); await before answering the client. */
  whenDurable(): Promise<void>;
}

export interface LedgerWriter extends LedgerSink {
  stats(): LedgerWriterStats;
  /**
   * Resolves when every record written before the call is in the store or durably spilled; when
   * the store is up (only slow), everything is in the store.
   */
  flush(): Promise<void>;
  /** Replays spilled records now; returns how many were committed. */
  replaySpill(): Promise<number>;
  close(): Promise<void>;
}

/**
 * The ledger off the hot path, losing nothing:
 * 1. `write()` queues the record for the journal and the store; O(1), never waits for the store.
 *    The journal lines of one event-loop turn are written with one write(2), and `whenDurable()`
 *    lets the pipeline hold the response until then (group commit: microseconds, not a flush).
 * 2. Every `flushIntervalMs` (or at `batchSize` records) the queue is taken, the journal segment
 *    rotated, and the records committed in batches; then the segment is deleted.
 * 3. If the store fails, the records go to the spill file (fsync'd) and the segment is deleted;
 *    while the store is down, new batches spill directly (memory stays bounded) and a replay with
 *    back-off (`retryMinMs` doubling to `retryMaxMs`) probes the store, committing the spill file
 *    when it is back. A store that hangs rather than fails is bounded too: once an append has gone
 *    unanswered for `stallMs`, or past `maxInFlight` unacknowledged records, new batches spill
 *    directly (and a flush replays them as soon as the store answers again).
 * 4. On start, journal segments and the spill file a previous process left (a crash, a SIGKILL,
 *    a store outage at shutdown) are replayed. Ledger ids make every replay idempotent, so a crash
 *    or a lost acknowledgement in the middle of a replay never double counts (the spill snapshot
 *    is deleted only after the store committed it).
 *
 * Guarantees, precisely:
 * - `flush()` resolves when every record written before the call is in the store or fsync'd in
 *   the spill file (or, if even the spill file cannot be written, still in its journal segment);
 *   when the store answers, in the store (rows spilled because it was merely behind are replayed).
 * - A record is in a journal segment once `whenDurable()` resolves: the lines of every `write()`
 *   since the last journal write go out in one write(2) from a `setImmediate` callback, i.e. before
 *   the event loop next waits for I/O (whether or not anyone awaits). From then on it survives the
 *   process dying in any way, SIGKILL included, but not the machine losing power before the kernel
 *   writes the page back (the journal is not fsync'd per turn; the spill file is). The pipeline
 *   awaits `whenDurable()` before answering, so a record whose response was sent survives a
 *   process crash.
 * - The only window: records accepted by `write()` whose `setImmediate` has not run yet (well under
 *   a millisecond of CPU work) are lost if the process is killed right then. Nobody has been
 *   answered for them yet when the pipeline awaits `whenDurable()`.
 * - Memory: at most `batchSize` queued records (or `flushIntervalMs` worth) plus the records
 *   handed to the store within `stallMs` of its oldest unanswered append (never more than
 *   `maxInFlight`), whatever the store does.
 */
export function createLedgerWriter(options: LedgerWriterOptions): LedgerWriter {
  const { store } = options;
  const settings = ledgerWriterSettings(options);
  const { batchSize, log, stallMs, maxInFlight } = settings;
  const journal = openLedgerJournal(options.directory, { fsync: settings.fsync });
  const spill = new SpillFile(path.join(options.directory, 'ledger-spill.jsonl'));
  const counters = createLedgerWriterCounters();
  const groupCommit = createJournalGroupCommit(journal, log);
  const batches = createBatchQueue({ batchSize, flushIntervalMs: settings.flushIntervalMs, onDue: () => void enqueueFlush() });
  const retry = createStoreRetry({ minMs: settings.retryMinMs, maxMs: settings.retryMaxMs, onRetry: () => void enqueueReplay() });
  const flow = createStoreFlow(store);
  let storeDown = false;
  let backlogged = false;
  let chain: Promise<void> = Promise.resolve();
  let closed = false;

  // What a previous process left: journal segments become spill, then everything is replayed.
  recoverJournalLeftovers(journal, spill, log);
  if (spill.size) retry.schedule(0);

  function enqueueFlush(): Promise<void> {
    if (batches.length === 0) return chain;
    const records = batches.take();
    groupCommit.writeNow();
    const segment = rotateJournal();
    if (isStoreBehind(flow.load, records.length, Date.now(), { stallMs, maxInFlight }) && spillBehindSlowStore(records, segment)) return chain;
    flow.handedOver(records.length);
    chain = chain.then(() => commit(records, segment));
    return chain;
  }

  function rotateJournal(): JournalSegment {
    try {
      return journal.rotate();
    } catch (error) {
      // The lines stay in the current segment, which a later batch removes once every batch before
      // it is committed or spilled (batches commit in order). Never throw into write() or a timer.
      log('could not rotate the ledger journal', error);
      return { file: '', remove: () => undefined };
    }
  }

  /** The store is stalled or far behind: spill this batch now rather than hold it. */
  function spillBehindSlowStore(records: LedgerRecord[], segment: JournalSegment): boolean {
    try {
      spill.append(records);
    } catch (error) {
      log('could not write the spill file; queueing the batch for the store', error);
      return false;
    }
    segment.remove();
    if (!backlogged) log(`store has not acknowledged ${flow.load.inFlight} records; spilling new batches until it answers`);
    backlogged = true;
    retry.schedule();
    return true;
  }

  async function commit(records: LedgerRecord[], segment: JournalSegment): Promise<void> {
    let done = 0;
    try {
      if (!storeDown) {
        await appendInBatches(records, batchSize, flow.append, (count) => {
          done += count;
          counters.written += count;
        });
      }
    } catch (error) {
      counters.failedBatches += 1;
      if (!storeDown) log(`store append failed; spilling to disk and retrying`, error);
      storeDown = true;
      retry.schedule();
    }
    try {
      if (done < records.length) spill.append(records.slice(done));
      segment.remove();
    } catch (error) {
      // The journal segment stays: the records are replayed at the next start.
      log('could not write the spill file; records stay in the journal', error);
    } finally {
      flow.settled(records.length);
    }
  }

  /** Replays run on `chain` too, after the batches handed to the store before them. */
  function enqueueReplay(): Promise<void> {
    chain = chain.then(replayOnce);
    return chain;
  }

  async function replayOnce(): Promise<void> {
    try {
      const replayed = await replaySpillFile(spill, (records) => appendInBatches(records, batchSize, flow.append));
      counters.written += replayed;
      if (storeDown || replayed) log(`store is back; replayed ${replayed} spilled records`);
      storeDown = false;
      backlogged = false;
      retry.succeeded();
    } catch {
      storeDown = true;
      retry.failed();
    }
  }

  return {
    write(record) {
      if (groupCommit.closed) {
        // A request that finished after shutdown began (a stream the server stopped waiting for): straight to the spill file.
        spill.append([record]);
        return;
      }
      groupCommit.add(record);
      batches.push(record);
    },
    whenDurable: () => groupCommit.whenDurable(),
    stats: () => ledgerWriterStats(counters, batches.length + flow.load.inFlight, spill.size),
    async flush() {
      await enqueueFlush();
      // Batches spilled only because the store was behind (not down) go in now, so after a flush a
      // healthy store holds everything written before it.
      if (backlogged && !storeDown && spill.size > 0) await enqueueReplay();
    },
    async replaySpill() {
      const before = counters.written;
      await enqueueReplay();
      return counters.written - before;
    },
    async close() {
      if (closed) return;
      batches.stop();
      retry.stop();
      closed = true;
      await enqueueFlush();
      groupCommit.writeNow();
      if (spill.size) await enqueueReplay();
      groupCommit.close();
      journal.close();
    },
  };
}
