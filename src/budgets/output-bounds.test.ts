import { describe, expect, it } from 'vitest';
import { ledgerRecord } from '../../test/support/ledger-records.ts';
import { OutputBounds } from './output-bounds.ts';

describe('learnt output bounds', () => {
  it('no bound until 50 answers, then the 99.5th percentile plus 25%, following the newest 1,000', () => {
    const bounds = new OutputBounds();
    for (let i = 0; i < 49; i += 1) bounds.observe('m', 100 + i);
    expect(bounds.bound('m')).toBeUndefined();
    for (let i = 0; i < 151; i += 1) bounds.observe('m', 100 + (i % 200));
    const first = bounds.bound('m')!;
    expect(first).toBeGreaterThan(250 * 1.25 - 5);
    expect(first).toBeLessThanOrEqual(Math.ceil(250 * 1.25));
    for (let i = 0; i < 1_000; i += 1) bounds.observe('m', 20);
    expect(bounds.bound('m')).toBe(25);
    expect(bounds.bound('other')).toBeUndefined();
  });

  it('seeds from successful metered ledger rows only, keyed by the given model', () => {
    const bounds = new OutputBounds();
    const rows = [
      ...Array.from({ length: 60 }, () => ledgerRecord({ status: 200, outputTokens: 40, servedModel: 'm-2024', operation: 'chat' })),
      ...Array.from({ length: 60 }, () => ledgerRecord({ status: 500, outputTokens: 4_000, servedModel: 'm-2024', operation: 'chat' })),
      ...Array.from({ length: 60 }, () => ledgerRecord({ status: 200, outputTokens: 4_000, servedModel: 'm-2024', operation: 'chat', estimated: true })),
    ];
    bounds.seed(rows, () => 'm');
    expect(bounds.bound('m')).toBe(50);
  });

  it('the bound is the 99.5th percentile of the newest 1,000 counts plus 25%, after the ring wraps', () => {
    const bounds = new OutputBounds();
    let seed = 11;
    const next = () => (seed = (seed * 48_271) % 2_147_483_647);
    const seen: number[] = [];
    for (let i = 0; i < 1_321; i += 1) {
      const tokens = next() % 3_000;
      bounds.observe('m', tokens);
      seen.push(tokens);
    }
    // The 995th smallest of the newest 1,000 (a numeric order: 1000 after 999, not before it).
    const newest = seen.slice(-1_000).sort((a, b) => a - b);
    expect(bounds.bound('m')).toBe(Math.max(1, Math.ceil(newest[994]! * 1.25)));
  });
});
