import { describe, expect, it } from 'vitest';
import { ledgerRecord } from '../../test/support/ledger-records.ts';
import { InputRatios } from './input-ratios.ts';

describe('learnt input ratios', () => {
  it('is 1 until 20 answers, then the 99th percentile of reported/estimated, per model', () => {
    const ratios = new InputRatios();
    for (let i = 0; i < 19; i += 1) ratios.observe('m', 100, 150);
    expect(ratios.factor('m')).toBe(1);
    ratios.observe('m', 100, 150);
    expect(ratios.factor('m')).toBe(1.5);
    expect(ratios.reserve('m', 101)).toBe(152);
    expect(ratios.factor('other')).toBe(1);
  });
  it('never shrinks a reservation below the estimate, and is capped at 8', () => {
    const lower = new InputRatios();
    for (let i = 0; i < 50; i += 1) lower.observe('m', 100, 60);
    expect(lower.factor('m')).toBe(1);
    const huge = new InputRatios();
    for (let i = 0; i < 50; i += 1) huge.observe('m', 100, 100_000);
    expect(huge.factor('m')).toBe(8);
  });
  it('ignores tiny estimates and nonsense', () => {
    const ratios = new InputRatios();
    for (let i = 0; i < 50; i += 1) {
      ratios.observe('m', 3, 300);
      ratios.observe('m', Number.NaN, 300);
      ratios.observe('m', 100, Number.POSITIVE_INFINITY);
      ratios.observe('', 100, 300);
    }
    expect(ratios.factor('m')).toBe(1);
  });
  it('seeds from ledger rows that kept their request body', () => {
    const ratios = new InputRatios();
    const rows = Array.from({ length: 30 }, (_, i) =>
      ledgerRecord({ id: `r${i}`, status: 200, operation: 'chat', servedModel: 'm', inputTokens: 200, requestBody: JSON.stringify({ model: 'm', messages: [] }) }),
    );
    ratios.seed(rows, (row) => row.servedModel ?? undefined, () => 100);
    expect(ratios.factor('m')).toBe(2);
  });
  it("an org with its own history reserves with its own ratio: another org's inflated prompts do not reach it", () => {
    const ratios = new InputRatios();
    for (let i = 0; i < 30; i += 1) ratios.observe('m', 100, 110, 'steady');
    for (let i = 0; i < 200; i += 1) ratios.observe('m', 100, 5_000, 'images');
    expect(ratios.factor('m', 'steady')).toBeCloseTo(1.1, 9);
    expect(ratios.factor('m', 'images')).toBe(8);
    // An org new to the model has only the model's ratio over everyone.
    expect(ratios.factor('m', 'new-org')).toBe(8);
  });
  it('the factor is the 99th percentile of the last 1,000 ratios, after the ring wraps', () => {
    const ratios = new InputRatios();
    let seed = 7;
    const next = () => (seed = (seed * 48_271) % 2_147_483_647);
    const seen: number[] = [];
    for (let i = 0; i < 1_537; i += 1) {
      const reported = 60 + (next() % 500);
      ratios.observe('m', 100, reported);
      seen.push(reported / 100);
    }
    // The 990th smallest of the newest 1,000 (rank ceil(0.99 x 1,000)), at least 1.
    const newest = seen.slice(-1_000).sort((a, b) => a - b);
    expect(ratios.factor('m')).toBe(Math.min(8, Math.max(1, newest[989]!)));
  });
});
