import type { LedgerStore } from './store.ts';

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

/** The options with every default filled in. */
export interface LedgerWriterSettings {
  batchSize: number;
  flushIntervalMs: number;
  stallMs: number;
  maxInFlight: number;
  retryMinMs: number;
  retryMaxMs: number;
  fsync: boolean;
  log: (message: string, error?: unknown) => void;
}

export function ledgerWriterSettings(options: LedgerWriterOptions): LedgerWriterSettings {
  // A missing or fractional batch size would slice every append empty and spill every record.
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) throw new TypeError(`ledger batchSize must be a positive integer, not ${String(options.batchSize)}`);
  return {
    batchSize: options.batchSize,
    flushIntervalMs: options.flushIntervalMs,
    stallMs: options.stallMs ?? 2_000,
    maxInFlight: options.maxInFlight ?? options.batchSize * 100,
    retryMinMs: options.retryMinMs ?? 500,
    retryMaxMs: options.retryMaxMs ?? 30_000,
    fsync: options.fsync === true,
    log: options.log ?? ((message: string, error?: unknown) => console.error(`[tollgate] ledger: ${message}`, error ?? '')),
  };
}
