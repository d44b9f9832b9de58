import path from 'node:path';
import { openLedgerJournal, type JournalSegment, type LedgerJournal } from './journal.ts';
import type { LedgerRecord } from './record.ts';
import { SpillFile } from './spill-file.ts';
import type { LedgerStore } from './store.ts';

export interface LedgerSink {
  write(record: LedgerRecord): void;
  /** Resolves once every record written so far is journaled (survives a crash); await before answering the client. */
  whenDurable(): Promise<void>;
}

export interface LedgerWriterStats {
  pending: number;
  spilled: number;
  written: number;
  failedBatches: number;
}

export interface LedgerWriterOptions {
  store: LedgerStore;
  /** Directory for the write-ahead journal and the spill file (the gateway's data dir). */
  directory: string;
  /** Records per store append (config `ledger.batchSize`, default 500). */
  batchSize: number;
  /** Longest a record waits in memory before its batch is taken (config `ledger.flushIntervalMs`, default 250). */
  flushIntervalMs: number;
  /**
   * A store append unanswered for this long counts as a stalled store (default 2,000 ms): new
   * batches go straight to the spill file instead of waiting in memory behind it.
   */
  stallMs?: number;
  /**
   * Hard cap on records handed to the store and not yet acknowledged (default 100 batches); past
   * it, new batches spill too. With `stallMs`, a store that hangs instead of failing cannot make
   * records pile up in memory, while a burst the store is merely working through stays in memory.
   */
  maxInFlight?: number;
  /** Replay back-off bounds while the store is down. */
  retryMinMs?: number;
  retryMaxMs?: number;
  log?: (message: string, error?: unknown) => void;
  /**
   * fdatasync the journal after each group commit (config `ledger.fsync`): an acknowledged request
   * then survives a power loss too, at the price of one disk flush per event-loop turn with writes.
   */
  fsync?: boolean;
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
  const { store, batchSize } = options;
  const log = options.log ?? ((message: string, error?: unknown) => console.error(`[tollgate] ledger: ${message}`, error ?? ''));
  const retryMin = options.retryMinMs ?? 500;
  const retryMax = options.retryMaxMs ?? 30_000;
  const stallMs = options.stallMs ?? 2_000;
  const maxInFlight = options.maxInFlight ?? batchSize * 100;
  const journal: LedgerJournal = openLedgerJournal(options.directory, { fsync: options.fsync === true });
  const spill = new SpillFile(path.join(options.directory, 'ledger-spill.jsonl'));
  let queue: LedgerRecord[] = [];
  let inFlight = 0;
  /** When the store append now awaited began (undefined while none is). */
  let appendStartedMs: number | undefined;
  let written = 0;
  let failedBatches = 0;
  let storeDown = false;
  let backlogged = false;
  let retryDelay = retryMin;
  let timer: NodeJS.Timeout | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();
  let closed = false;
  // Group commit of the journal: the records of one event-loop turn share one write(2).
  let journalLines = '';
  let journalWaiters: Promise<void> | undefined;
  let releaseWaiters: (() => void) | undefined;
  let journalScheduled = false;
  let journalClosed = false;

  function writeJournal(): void {
    journalScheduled = false;
    if (journalClosed) return;
    const lines = journalLines;
    journalLines = '';
    const release = releaseWaiters;
    journalWaiters = undefined;
    releaseWaiters = undefined;
    try {
      journal.appendText(lines);
    } catch (error) {
      log('could not write the ledger journal; records still go to the store', error);
    }
    release?.();
  }

  // What a previous process left: journal segments become spill, then everything is replayed.
  const leftovers = journal.leftovers();
  if (leftovers.records.length) {
    spill.append(leftovers.records);
    log(`recovered ${leftovers.records.length} journaled records from a previous run`);
  }
  for (const segment of leftovers.segments) segment.remove();
  if (spill.size) scheduleReplay(0);

  function schedule(delay: number): void {
    if (timer || closed) return;
    timer = setTimeout(() => {
      timer = undefined;
      void enqueueFlush();
    }, delay);
    timer.unref();
  }

  function enqueueFlush(): Promise<void> {
    if (queue.length === 0) return chain;
    const records = queue;
    queue = [];
    writeJournal();
    const segment = rotateJournal();
    const stalled = appendStartedMs !== undefined && Date.now() - appendStartedMs >= stallMs;
    if (inFlight > 0 && (stalled || inFlight + records.length > maxInFlight) && spillBehindSlowStore(records, segment)) return chain;
    inFlight += records.length;
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
    if (!backlogged) log(`store has not acknowledged ${inFlight} records; spilling new batches until it answers`);
    backlogged = true;
    scheduleReplay(retryDelay);
    return true;
  }

  async function commit(records: LedgerRecord[], segment: JournalSegment): Promise<void> {
    let done = 0;
    try {
      if (!storeDown) {
        for (; done < records.length; done += batchSize) {
          const batch = records.slice(done, done + batchSize);
          await timedAppend(batch);
          written += batch.length;
        }
      }
    } catch (error) {
      failedBatches += 1;
      if (!storeDown) log(`store append failed; spilling to disk and retrying`, error);
      storeDown = true;
      scheduleReplay(retryDelay);
    }
    try {
      if (done < records.length) spill.append(records.slice(done));
      segment.remove();
    } catch (error) {
      // The journal segment stays: the records are replayed at the next start.
      log('could not write the spill file; records stay in the journal', error);
    } finally {
      inFlight -= records.length;
    }
  }

  /** Store appends run one at a time (on `chain`); the start of the current one tells a stall apart. */
  async function timedAppend(records: LedgerRecord[]): Promise<void> {
    appendStartedMs = Date.now();
    try {
      await store.append(records);
    } finally {
      appendStartedMs = undefined;
    }
  }

  function scheduleReplay(delay: number): void {
    if (retryTimer || closed) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      chain = chain.then(replayOnce);
    }, delay);
    retryTimer.unref();
  }

  async function replayOnce(): Promise<void> {
    try {
      // A snapshot left by a failed attempt is replayed first; rows spilled meanwhile follow.
      let replayed = 0;
      while (spill.size > 0) {
        const count = await spill.replay(async (records) => {
          for (let index = 0; index < records.length; index += batchSize) await timedAppend(records.slice(index, index + batchSize));
        });
        if (count === 0) break;
        replayed += count;
      }
      written += replayed;
      if (storeDown || replayed) log(`store is back; replayed ${replayed} spilled records`);
      storeDown = false;
      backlogged = false;
      retryDelay = retryMin;
    } catch {
      storeDown = true;
      retryDelay = Math.min(retryDelay * 2, retryMax);
      scheduleReplay(retryDelay);
    }
  }

  return {
    write(record) {
      if (journalClosed) {
        // A request that finished after shutdown began (a stream the server stopped waiting for): straight to the spill file.
        spill.append([record]);
        return;
      }
      journalLines += `${JSON.stringify(record)}\n`;
      if (!journalScheduled) {
        journalScheduled = true;
        setImmediate(writeJournal);
      }
      queue.push(record);
      if (queue.length >= batchSize) {
        if (timer) clearTimeout(timer);
        timer = undefined;
        void enqueueFlush();
      } else {
        schedule(options.flushIntervalMs);
      }
    },
    whenDurable() {
      if (!journalScheduled) return Promise.resolve();
      journalWaiters ??= new Promise<void>((resolve) => (releaseWaiters = resolve));
      return journalWaiters;
    },
    stats: () => ({ pending: queue.length + inFlight, spilled: spill.size, written, failedBatches }),
    async flush() {
      await enqueueFlush();
      // Batches spilled only because the store was behind (not down) go in now, so after a flush a
      // healthy store holds everything written before it.
      if (backlogged && !storeDown && spill.size > 0) await (chain = chain.then(replayOnce));
    },
    async replaySpill() {
      const before = written;
      chain = chain.then(replayOnce);
      await chain;
      return written - before;
    },
    async close() {
      if (closed) return;
      if (timer) clearTimeout(timer);
      if (retryTimer) clearTimeout(retryTimer);
      timer = undefined;
      retryTimer = undefined;
      closed = true;
      await enqueueFlush();
      writeJournal();
      if (spill.size) await (chain = chain.then(replayOnce));
      journalClosed = true;
      journal.close();
    },
  };
}
