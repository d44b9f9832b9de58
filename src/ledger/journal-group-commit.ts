import { createDurabilityWaiters } from './durability-waiters.ts';
import type { LedgerJournal } from './journal.ts';
import type { LedgerRecord } from './record.ts';

/**
 * Group commit of the journal: the lines of every `add()` in one event-loop turn go out in one
 * write(2) from a `setImmediate` callback, and `whenDurable()` resolves once they have.
 */
export interface JournalGroupCommit {
  add(record: LedgerRecord): void;
  /** Writes the lines gathered so far now (also what the scheduled callback does). */
  writeNow(): void;
  /** Resolves once every line added so far is written (at once if none is waiting). */
  whenDurable(): Promise<void>;
  /** No journal writes from now on (shutdown). */
  close(): void;
  readonly closed: boolean;
}

export function createJournalGroupCommit(journal: LedgerJournal, log: (message: string, error?: unknown) => void): JournalGroupCommit {
  const waiters = createDurabilityWaiters();
  let lines = '';
  let scheduled = false;
  let closed = false;

  function writeNow(): void {
    scheduled = false;
    if (closed) return;
    const text = lines;
    lines = '';
    const release = waiters.take();
    try {
      journal.appendText(text);
    } catch (error) {
      log('could not write the ledger journal; records still go to the store', error);
    }
    release?.();
  }

  return {
    add(record) {
      lines += `${JSON.stringify(record)}\n`;
      if (!scheduled) {
        scheduled = true;
        setImmediate(writeNow);
      }
    },
    writeNow,
    whenDurable() {
      if (!scheduled) return Promise.resolve();
      return waiters.wait();
    },
    close() {
      closed = true;
    },
    get closed() {
      return closed;
    },
  };
}
