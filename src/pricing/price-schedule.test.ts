import { describe, expect, it } from 'vitest';
import { createUsage } from '../domain/usage.ts';
import type { ConditionalPrices } from './catalogue.ts';
import { costOfUsage } from './cost.ts';
import { compileSchedule, planAt, timeOfDayUtcMs } from './price-schedule.ts';

const MILLION_IN = createUsage({ inputTotal: 1_000_000, outputTotal: 0 });
const inputCostAt = (prices: ConditionalPrices[], iso: string) => costOfUsage(MILLION_IN, planAt(compileSchedule(prices), Date.parse(iso))).inputNanoUsd;

describe('price schedules', () => {
  // o3 as in the data: $10/M until 2025-06-10, then $2/M.
  const o3: ConditionalPrices[] = [
    { prices: { input_mtok: 10, output_mtok: 40 } },
    { constraint: { type: 'start_date', start_date: '2025-06-10' }, prices: { input_mtok: 2, output_mtok: 8 } },
  ];

  it('switches on a start date at UTC midnight', () => {
    expect(inputCostAt(o3, '2025-06-09T23:59:59.999Z')).toBe(10_000_000_000);
    expect(inputCostAt(o3, '2025-06-10T00:00:00Z')).toBe(2_000_000_000);
  });

  // DeepSeek: peak 00:30-16:30 UTC, the first entry (off-peak) otherwise.
  const deepseek: ConditionalPrices[] = [
    { prices: { input_mtok: 0.135, output_mtok: 0.55 } },
    { constraint: { type: 'time_of_date', start_time: '00:30:00Z', end_time: '16:30:00Z' }, prices: { input_mtok: 0.27, output_mtok: 1.1 } },
  ];

  it.each([
    ['2026-06-01T00:29:59Z', 135_000_000],
    ['2026-06-01T00:30:00Z', 270_000_000],
    ['2026-06-01T16:29:59Z', 270_000_000],
    ['2026-06-01T16:30:00Z', 135_000_000],
  ])('time of day %s', (iso, expected) => {
    expect(inputCostAt(deepseek, iso)).toBe(expected);
  });

  it('wraps a window that ends before it starts past midnight', () => {
    const night: ConditionalPrices[] = [
      { prices: { input_mtok: 1 } },
      { constraint: { type: 'time_of_date', start_time: '22:00:00Z', end_time: '02:00:00Z' }, prices: { input_mtok: 0.5 } },
    ];
    expect(inputCostAt(night, '2026-06-01T23:00:00Z')).toBe(500_000_000);
    expect(inputCostAt(night, '2026-06-01T01:59:00Z')).toBe(500_000_000);
    expect(inputCostAt(night, '2026-06-01T12:00:00Z')).toBe(1_000_000_000);
  });

  it('reads offsets as genai-prices does', () => {
    expect(timeOfDayUtcMs('08:30:00+08:00')).toBe(30 * 60_000);
    expect(timeOfDayUtcMs('23:00:00-02:00')).toBe(3_600_000);
    expect(() => timeOfDayUtcMs('24:00:00Z')).toThrow(RangeError);
  });
});
