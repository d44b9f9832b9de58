import { describe, expect, it } from 'vitest';
import { chooseModel } from './choose-model.ts';
import { cleanHistory } from './clean-history.ts';
import { forecastSeries } from './forecast-series.ts';
import { conformalFactor } from './intervals.ts';
import { mulberry32 } from '../../domain/seeded-random.ts';

/** Deterministic noise, so the series and the assertions are the same on every run. */
const random = mulberry32;

/** Hourly spend with a daily shape (busy afternoons), a quieter weekend, and ±`noise` multiplicative noise. */
function spendSeries(hours: number, seed = 1, noise = 0.1): number[] {
  const rand = random(seed);
  return Array.from({ length: hours }, (_, t) => {
    const hour = t % 24;
    const weekend = Math.floor(t / 24) % 7 >= 5 ? 0.6 : 1;
    const daily = 1 + 0.8 * Math.sin(((hour - 8) / 24) * 2 * Math.PI);
    return 1e6 * daily * weekend * (1 + noise * (2 * rand() - 1));
  });
}

describe('chooseModel', () => {
  it('picks simpler models for shorter histories and says why', () => {
    expect(chooseModel(0, 0)).toMatchObject({ model: 'none' });
    expect(chooseModel(4, 4).reason).toMatch(/too little/);
    expect(chooseModel(20, 20)).toMatchObject({ model: 'mean' });
    expect(chooseModel(72, 72)).toMatchObject({ model: 'seasonal-naive', periods: [24] });
    expect(chooseModel(5 * 24, 100)).toMatchObject({ model: 'ets', periods: [24] });
    expect(chooseModel(10 * 24, 200)).toMatchObject({ model: 'mstl', periods: [24] });
    expect(chooseModel(21 * 24, 400)).toMatchObject({ model: 'mstl', periods: [24, 168] });
    expect(chooseModel(21 * 24, 400).reason).toMatch(/daily and weekly/);
  });
});

describe('forecastSeries', () => {
  it('answers an empty or tiny history with no forecast and the reason', () => {
    expect(forecastSeries([], 24)).toMatchObject({ model: 'none', points: [] });
    const tiny = forecastSeries([0, 0, 5, 3], 24);
    expect(tiny.model).toBe('none');
    expect(tiny.reason).toMatch(/too little/);
    // Leading empty hours are before the ledger began: not history.
    expect(forecastSeries([...new Array(500).fill(0), 1, 2, 3, 4], 24).historyHours).toBe(4);
  });

  it('uses a simpler model on short history, MSTL with the weekly season on three weeks', () => {
    expect(forecastSeries(spendSeries(12), 24).model).toBe('mean');
    expect(forecastSeries(spendSeries(60), 24).model).toBe('seasonal-naive');
    expect(forecastSeries(spendSeries(5 * 24), 24).model).toBe('ets');
    const long = forecastSeries(spendSeries(21 * 24), 48);
    expect(long.model).toBe('mstl');
    expect(long.reason).toMatch(/daily and weekly/);
    expect(long.points).toHaveLength(48);
  });

  it('follows the daily shape, with ordered, non-negative intervals', () => {
    const history = spendSeries(28 * 24, 7);
    const forecast = forecastSeries(history, 7 * 24);
    const clean = spendSeries(35 * 24, 99, 0).slice(28 * 24);
    let error = 0;
    let sum = 0;
    forecast.points.forEach((p, i) => {
      expect(p.lo95).toBeLessThanOrEqual(p.lo80);
      expect(p.lo80).toBeLessThanOrEqual(p.mean);
      expect(p.mean).toBeLessThanOrEqual(p.hi80);
      expect(p.hi80).toBeLessThanOrEqual(p.hi95);
      expect(p.lo95).toBeGreaterThanOrEqual(0);
      error += Math.abs(p.mean - clean[i]!);
      sum += clean[i]!;
    });
    // Against the noiseless shape: within 10% (the noise is ±10%).
    expect(error / sum).toBeLessThan(0.1);
  });

  it('does not learn an outage: a dead afternoon yesterday is forecast as a normal afternoon', () => {
    const history = spendSeries(21 * 24, 3);
    const lastDay = 20 * 24;
    for (let hour = 12; hour < 18; hour++) history[lastDay + hour] = 0;
    const forecast = forecastSeries(history, 24);
    for (let hour = 12; hour < 18; hour++) expect(forecast.cleanedHours).toContain(lastDay + hour);
    expect(forecast.reason).toMatch(/outage or burst/);
    const expected = spendSeries(22 * 24, 3, 0).slice(21 * 24);
    for (let hour = 12; hour < 18; hour++) expect(forecast.points[hour]!.mean).toBeGreaterThan(0.8 * expected[hour]!);
    // Without cleaning, seasonal-naive would have forecast zero for those hours.
    expect(forecastSeries(history, 24, { model: { model: 'seasonal-naive', periods: [24], reason: 'test' } }).points[14]!.mean).toBeGreaterThan(0.8 * expected[14]!);
  });

  it('does not learn a one-hour burst', () => {
    const history = spendSeries(14 * 24, 5);
    history[13 * 24 + 10] = 40e6;
    const forecast = forecastSeries(history, 24);
    expect(forecast.cleanedHours).toContain(13 * 24 + 10);
    expect(forecast.points[10]!.mean).toBeLessThan(5e6);
  });

  it('80% intervals cover about 80% of fresh noise (conformal calibration on a held-out stretch)', () => {
    let inside80 = 0;
    let inside95 = 0;
    let count = 0;
    for (const seed of [11, 12, 13, 14]) {
      const all = spendSeries(21 * 24 + 72, seed, 0.3);
      const forecast = forecastSeries(all.slice(0, 21 * 24), 72);
      forecast.points.forEach((p, i) => {
        const actual = all[21 * 24 + i]!;
        if (actual >= p.lo80 && actual <= p.hi80) inside80++;
        if (actual >= p.lo95 && actual <= p.hi95) inside95++;
        count++;
      });
      expect(forecast.calibration.holdoutHours).toBeGreaterThan(0);
    }
    expect(inside80 / count).toBeGreaterThan(0.65);
    expect(inside80 / count).toBeLessThan(0.95);
    expect(inside95 / count).toBeGreaterThan(0.85);
  });
});

describe('cleanHistory', () => {
  it('leaves a regular series alone', () => {
    expect(cleanHistory(spendSeries(14 * 24, 2)).replaced).toEqual([]);
  });
});

describe('conformalFactor', () => {
  it('scales half-widths so the level share of errors falls inside', () => {
    const errors = Array.from({ length: 100 }, (_, i) => i + 1);
    const widths = new Array<number>(100).fill(10);
    // The 81st smallest |error| / width: 8.1.
    expect(conformalFactor(errors, widths, 0.8)).toBeCloseTo(8.1, 5);
    expect(conformalFactor([1, 2], [1, 1], 0.8)).toBe(1);
  });
});
