import type { LedgerRecord } from './record.ts';

/**
 * Records waiting in memory for their batch: due (`onDue`) at `batchSize` records, or
 * `flushIntervalMs` after the first record since the last batch was taken.
 */
export interface BatchQueue {
  push(record: LedgerRecord): void;
  /** Takes every queued record (an empty array if none). */
  take(): LedgerRecord[];
  readonly length: number;
  /** Cancels the pending timer; no timer is started again (shutdown). */
  stop(): void;
}

export interface BatchQueueOptions {
  batchSize: number;
  flushIntervalMs: number;
  onDue: () => void;
}

export function createBatchQueue(options: BatchQueueOptions): BatchQueue {
  let queue: LedgerRecord[] = [];
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  function schedule(delay: number): void {
    if (timer || stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      options.onDue();
    }, delay);
    timer.unref();
  }

  function cancelTimer(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
  }

  return {
    push(record) {
      queue.push(record);
      if (queue.length >= options.batchSize) {
        cancelTimer();
        options.onDue();
      } else {
        schedule(options.flushIntervalMs);
      }
    },
    take() {
      const records = queue;
      queue = [];
      return records;
    },
    get length() {
      return queue.length;
    },
    stop() {
      cancelTimer();
      stopped = true;
    },
  };
}
