import { describe, expect, it } from 'vitest';
import { limitNanoOf } from './limit-nano.ts';

describe('a budget limit in nano-dollars', () => {
  it('is the exact parse of limitUsd, again after the limit is changed in place', () => {
    const budget = { limitUsd: 0.1 };
    expect(limitNanoOf(budget)).toBe(100_000_000);
    expect(limitNanoOf(budget)).toBe(100_000_000);
    budget.limitUsd = 1_000_000;
    expect(limitNanoOf(budget)).toBe(1_000_000_000_000_000);
    expect(limitNanoOf({ limitUsd: 0.0000000015 })).toBe(2);
  });
});
