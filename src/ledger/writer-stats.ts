/** What the ledger writer reports (`/admin` health, metrics). */
export interface LedgerWriterStats {
  pending: number;
  spilled: number;
  written: number;
  failedBatches: number;
}

/** The writer's running totals: records the store committed and store appends that failed. */
export interface LedgerWriterCounters {
  written: number;
  failedBatches: number;
}

export function createLedgerWriterCounters(): LedgerWriterCounters {
  return { written: 0, failedBatches: 0 };
}

/** A snapshot of the stats: `pending` is queued plus handed to the store and not yet acknowledged. */
export function ledgerWriterStats(counters: LedgerWriterCounters, pending: number, spilled: number): LedgerWriterStats {
  return { pending, spilled, written: counters.written, failedBatches: counters.failedBatches };
}
