import { describe, expect, it } from 'vitest';
import { accruedNanoUsd, monthlyTotalNanoUsd } from './fixed-costs.ts';

const at = (iso: string) => Date.parse(iso);

describe('fixed cost accrual', () => {
  const proxies = [{ name: 'proxies', monthlyUsd: 31 }];

  it('accrues a whole calendar month exactly, whatever its length', () => {
    expect(accruedNanoUsd(proxies, at('2026-01-01T00:00:00Z'), at('2026-02-01T00:00:00Z'))).toBe(31e9);
    expect(accruedNanoUsd(proxies, at('2026-02-01T00:00:00Z'), at('2026-03-01T00:00:00Z'))).toBe(31e9);
    expect(accruedNanoUsd(proxies, at('2024-02-01T00:00:00Z'), at('2024-03-01T00:00:00Z'))).toBe(31e9);
  });

  it('pro-rates by the length of each month across a month boundary', () => {
    // Jan 31 (1 of 31 days) + Feb 1 (1 of 28 days) in 2026.
    const accrued = accruedNanoUsd(proxies, at('2026-01-31T00:00:00Z'), at('2026-02-02T00:00:00Z'));
    expect(accrued).toBe(1e9 + Math.floor(31e9 / 28));
  });

  it('uses 29 days for a leap February', () => {
    const line = [{ name: 'hosting', monthlyUsd: 29 }];
    expect(accruedNanoUsd(line, at('2024-02-29T00:00:00Z'), at('2024-03-01T00:00:00Z'))).toBe(1e9);
    expect(accruedNanoUsd(line, at('2025-02-28T00:00:00Z'), at('2025-03-01T00:00:00Z'))).toBe(Math.floor(29e9 / 28) + 1);
  });

  it('adds up exactly however the interval is split', () => {
    const lines = [{ name: 'monitoring', monthlyUsd: 9.99 }, { name: 'gpu', hourlyUsd: 0.37 }];
    const from = at('2026-01-15T07:13:00Z');
    const to = at('2026-03-02T19:00:00Z');
    let pieces = 0;
    for (let start = from; start < to; start += 7_777_777) pieces += accruedNanoUsd(lines, start, Math.min(to, start + 7_777_777));
    expect(pieces).toBe(accruedNanoUsd(lines, from, to));
  });

  it('accrues hourly lines by the millisecond', () => {
    expect(accruedNanoUsd([{ hourlyUsd: 1.8 }], 0, 3_600_000)).toBe(1.8e9);
    // $0.0018/hour is half a nano-dollar per millisecond: floored, and caught up the next one.
    expect(accruedNanoUsd([{ hourlyUsd: 0.0018 }], 0, 1)).toBe(0);
    expect(accruedNanoUsd([{ hourlyUsd: 0.0018 }], 1, 2)).toBe(1);
    expect(accruedNanoUsd(proxies, 10, 5)).toBe(0);
  });

  it('totals a month including node hours', () => {
    const lines = [{ monthlyUsd: 20 }, { monthlyUsd: 10 }, { hourlyUsd: 0.5 }];
    expect(monthlyTotalNanoUsd(lines, at('2026-02-14T12:00:00Z'))).toBe(30e9 + 672 * 0.5e9);
    expect(monthlyTotalNanoUsd(lines, at('2024-02-14T12:00:00Z'))).toBe(30e9 + 696 * 0.5e9);
    expect(monthlyTotalNanoUsd(lines, at('2026-03-31T23:59:59Z'))).toBe(30e9 + 744 * 0.5e9);
  });
});
