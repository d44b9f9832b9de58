import { describe, expect, it } from 'vitest';
import { ledgerWriterSettings } from './writer-options.ts';

describe('ledgerWriterSettings', () => {
  it('fills in the defaults', () => {
    const settings = ledgerWriterSettings({ store: {} as never, directory: '/tmp', batchSize: 50, flushIntervalMs: 250 });
    expect(settings).toMatchObject({ batchSize: 50, stallMs: 2_000, maxInFlight: 5_000, retryMinMs: 500, retryMaxMs: 30_000, fsync: false });
  });

  it('refuses a batch size that would spill every record', () => {
    for (const batchSize of [undefined, 0, -1, 2.5, Number.NaN]) {
      expect(() => ledgerWriterSettings({ store: {} as never, directory: '/tmp', batchSize: batchSize as never, flushIntervalMs: 250 })).toThrow(/batchSize must be a positive integer/);
    }
  });
});
