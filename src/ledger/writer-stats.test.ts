import { describe, expect, it } from 'vitest';
import { createLedgerWriterCounters, ledgerWriterStats } from './writer-stats.ts';

describe('ledgerWriterStats', () => {
  it('reports the counters beside pending and spilled', () => {
    const counters = createLedgerWriterCounters();
    counters.written += 3;
    counters.failedBatches += 1;
    expect(ledgerWriterStats(counters, 2, 5)).toEqual({ pending: 2, spilled: 5, written: 3, failedBatches: 1 });
  });
});
