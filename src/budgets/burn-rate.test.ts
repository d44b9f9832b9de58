import { describe, expect, it } from 'vitest';
import { burnRate } from './burn-rate.ts';

const DAY = 86_400_000;

describe('burnRate', () => {
  it('projects the spend to the end of the window and predicts exhaustion', () => {
    // $10 spent in 5 of 30 days against $30: $2/day, $60 by the end, exhausted on day 15.
    const rate = burnRate({ startMs: 0, endMs: 30 * DAY, nowMs: 5 * DAY, variableNano: 10e9, fixedNowNano: 0, fixedEndNano: 0, limitNano: 30e9 });
    expect(rate.projectedNano).toBe(60e9);
    expect(rate.exhaustionAtMs).toBe(15 * DAY);
    expect(rate.perHourNano).toBe(Math.round(10e9 / (5 * 24)));
  });
  it('counts fixed costs that accrue over the period', () => {
    // $20 fixed a month, $1/day variable: $50 projected on a $40 budget.
    const rate = burnRate({ startMs: 0, endMs: 30 * DAY, nowMs: 10 * DAY, variableNano: 10e9, fixedNowNano: (20e9 / 3), fixedEndNano: 20e9, limitNano: 40e9 });
    expect(rate.projectedNano).toBe(50e9);
    expect(rate.exhaustionAtMs).toBeGreaterThan(10 * DAY);
    expect(rate.exhaustionAtMs).toBeLessThan(30 * DAY);
  });
  it('says nothing when the budget holds', () => {
    expect(burnRate({ startMs: 0, endMs: 30 * DAY, nowMs: 15 * DAY, variableNano: 1e9, fixedNowNano: 0, fixedEndNano: 0, limitNano: 30e9 }).exhaustionAtMs).toBeUndefined();
  });
});
