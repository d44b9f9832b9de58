import { describe, expect, it } from 'vitest';
import type { SpendRow } from '../../ledger/store.ts';
import { backtest } from './backtest.ts';
import { projectToPeriodEnd } from './budget-projection.ts';
import { buildForecast } from './forecast-report.ts';
import { HOUR_MS } from './hourly-series.ts';
import { reconcileTopDown } from './reconcile.ts';

const START = Date.parse('2026-11-02T00:00:00Z');

function row(hourMs: number, project: string, costNanoUsd: number): SpendRow {
  return {
    keys: { hour: new Date(hourMs).toISOString().slice(0, 13) + ':00Z', project },
    requests: Math.round(costNanoUsd / 1000),
    inputTokens: 10,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: 5,
    reasoningTokens: 0,
    costNanoUsd,
    savedNanoUsd: 0,
    errors: 0,
    unpriced: 0,
    estimated: 0,
  };
}

/** Three projects over `days` days: web follows the day, batch runs at night, a small tail of others. */
function rows(days: number): SpendRow[] {
  const out: SpendRow[] = [];
  for (let h = 0; h < days * 24; h++) {
    const hour = h % 24;
    out.push(row(START + h * HOUR_MS, 'web', Math.round(1e6 * (1 + Math.sin((hour / 24) * 2 * Math.PI)) + 1e5)));
    out.push(row(START + h * HOUR_MS, 'batch', hour < 6 ? 3e6 : 2e5));
    if (h % 5 === 0) out.push(row(START + h * HOUR_MS, 'misc', 5e4));
  }
  return out;
}

describe('buildForecast', () => {
  it('forecasts the total and per-project parts that add up to it', () => {
    const firstHourMs = START + 21 * 24 * HOUR_MS;
    const report = buildForecast({ rows: rows(21), metric: 'cost', by: 'project', historyFromMs: START, firstHourMs, horizonHours: 7 * 24 });
    expect(report.model).toBe('mstl');
    expect(report.points).toHaveLength(7 * 24);
    expect(report.points[0]!.t).toBe(firstHourMs);
    expect(report.history.at(-1)!.t).toBe(firstHourMs - HOUR_MS);
    expect(report.parts!.map((p) => p.key).sort()).toEqual(['batch', 'misc', 'web']);
    const sum = report.parts!.reduce((acc, part) => acc + part.total.mean, 0);
    expect(sum).toBeCloseTo(report.total.mean, -1);
    expect(Math.abs(sum - report.total.mean) / report.total.mean).toBeLessThan(1e-9);
    // Batch is the night: its share of the forecast follows its share of the history.
    const batch = report.parts!.find((p) => p.key === 'batch')!.total.mean / report.total.mean;
    expect(batch).toBeGreaterThan(0.35);
    expect(batch).toBeLessThan(0.55);
    expect(report.reconciliation).toMatch(/top-down/);
  });

  it('puts the long tail into one (other) part', () => {
    const many: SpendRow[] = [];
    for (let h = 0; h < 5 * 24; h++) for (let p = 0; p < 20; p++) many.push(row(START + h * HOUR_MS, `p${p}`, 1e5 * (p + 1)));
    const report = buildForecast({ rows: many, metric: 'requests', by: 'project', historyFromMs: START, firstHourMs: START + 5 * 24 * HOUR_MS, horizonHours: 24, maxParts: 5 });
    expect(report.parts!.map((p) => p.key)).toEqual(['p19', 'p18', 'p17', 'p16', 'p15', '(other)']);
    expect(report.parts!.reduce((acc, part) => acc + part.total.mean, 0)).toBeCloseTo(report.total.mean, 3);
  });

  it('answers an empty ledger with model none and a reason', () => {
    const report = buildForecast({ rows: [], metric: 'cost', historyFromMs: START, firstHourMs: START + 24 * HOUR_MS, horizonHours: 24 });
    expect(report).toMatchObject({ model: 'none', points: [], history: [], historyHours: 0 });
    expect(report.reason).toMatch(/too little/);
  });
});

describe('reconcileTopDown', () => {
  it('scales every hour of the parts to the total, and splits an all-zero hour by history share', () => {
    const p = (mean: number) => ({ mean, lo80: mean / 2, hi80: mean * 2, lo95: mean / 4, hi95: mean * 4 });
    const [a, b] = reconcileTopDown([p(10), p(6)], [[p(3), p(0)], [p(1), p(0)]], [3, 1]);
    expect(a![0]!.mean + b![0]!.mean).toBeCloseTo(10);
    expect(a![0]!.mean).toBeCloseTo(7.5);
    expect(a![1]!.mean).toBeCloseTo(4.5);
    expect(b![1]!.mean).toBeCloseTo(1.5);
  });
});

describe('projectToPeriodEnd', () => {
  it('adds the forecast hours left in the period and finds when the mean path reaches the limit', () => {
    const points = Array.from({ length: 48 }, () => ({ mean: 1e9, lo80: 0.5e9, hi80: 2e9, lo95: 0.25e9, hi95: 3e9 }));
    // Half past the first hour, 10 hours to the period's end: 9.5 hours of $1.
    const projection = projectToPeriodEnd({ points, firstHourMs: 0, nowMs: HOUR_MS / 2, periodEndMs: 10 * HOUR_MS, spentNano: 2e9, limitNano: 8e9 });
    expect(projection.projectedNano).toBe(11.5e9);
    expect(projection.lo80Nano).toBe(2e9 + 9.5 * 0.5e9);
    expect(projection.hi95Nano).toBe(2e9 + 9.5 * 3e9);
    // $6 more are needed: at 6.5 hours.
    expect(projection.exhaustionAtMs).toBe(6.5 * HOUR_MS);
    expect(projectToPeriodEnd({ points, firstHourMs: 0, nowMs: 0, periodEndMs: 10 * HOUR_MS, spentNano: 0, limitNano: 100e9 }).exhaustionAtMs).toBeNull();
  });
});

describe('backtest', () => {
  it('scores the forecast against seasonal-naive at rolling origins', () => {
    const series = Array.from({ length: 21 * 24 }, (_, t) => 100 + 50 * Math.sin(((t % 24) / 24) * 2 * Math.PI) + (t % 7));
    const result = backtest(series, { horizonHours: 24, origins: 5 })!;
    expect(result.origins).toBe(5);
    expect(result.model).toBe('mstl');
    expect(result.forecast.wapePercent).toBeLessThan(10);
    expect(result.yesterday.wapePercent).toBeGreaterThan(0);
    expect(result.lastWeek).not.toBeNull();
    expect(result.daily!.forecastWapePercent).toBeLessThan(10);
    expect(backtest([1, 2, 3], {})).toBeNull();
  });
});
