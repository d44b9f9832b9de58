import { describe, expect, it } from 'vitest';
import { chooseModel } from './choose-model.ts';
import { cleanHistory } from './clean-history.ts';
import { forecastSeries } from './forecast-series.ts';
import { recentLevel } from './level-anchor.ts';
import { DEFAULT_METHOD } from './seasonal-fit.ts';
import { seasonalProfile } from './seasonal-profile.ts';
import { selectMethod } from './select-method.ts';
import { mulberry32 } from '../../domain/seeded-random.ts';

/** Hourly spend with a daily shape, ±`noise` multiplicative noise, and the level times `levelOf(day)`. */
function series(days: number, levelOf: (day: number) => number, seed = 1, noise = 0.1): number[] {
  const rand = mulberry32(seed);
  return Array.from({ length: days * 24 }, (_, t) => {
    const daily = 1 + 0.8 * Math.sin((((t % 24) - 8) / 24) * 2 * Math.PI);
    return 1e6 * levelOf(Math.floor(t / 24)) * daily * (1 + noise * (2 * rand() - 1));
  });
}

describe('seasonalProfile', () => {
  it('gives each hour its share of the day as a factor with mean 1, starting at the hour after the history', () => {
    const history = Array.from({ length: 72 }, (_, t) => (t % 24 === 5 ? 25 : 1));
    const profile = seasonalProfile(history, 24, 48);
    expect(profile).toHaveLength(48);
    expect(profile.reduce((a, b) => a + b, 0) / 48).toBeCloseTo(1, 9);
    expect(profile[5]).toBeCloseTo((25 / 48) * 24, 9);
    expect(profile[29]).toBeCloseTo(profile[5]!, 9);
    expect(profile[0]).toBeCloseTo(24 / 48, 9);
  });
  it('is flat when there is not one whole season', () => {
    expect(seasonalProfile([1, 2, 3], 24, 4)).toEqual([1, 1, 1, 1]);
  });
});

describe('recentLevel', () => {
  it('weighs each earlier day half as much per half-life', () => {
    const history = [...new Array<number>(24).fill(1), ...new Array<number>(24).fill(3)];
    // Day weights 1 (last day, level 3) and 0.5 (level 1): (3 + 0.5) / 1.5.
    expect(recentLevel(history, 24)).toBeCloseTo(3.5 / 1.5, 9);
    expect(recentLevel(history, 1e9)).toBeCloseTo(2, 6);
    expect(recentLevel([1, 2], 24)).toBe(0);
  });
});

describe('cleanHistory and level shifts', () => {
  it('keeps a level drop over the last three days (a shift is not an outage), and still replaces a dead stretch', () => {
    const history = series(11, (day) => (day < 8 ? 1 : 0.4), 3);
    expect(cleanHistory(history).replaced).toEqual([]);
    for (let t = 10 * 24 + 12; t < 10 * 24 + 18; t++) history[t] = 0;
    expect(cleanHistory(history).replaced).toEqual([252, 253, 254, 255, 256, 257]);
  });
});

describe('selectMethod', () => {
  it('chooses a short level half-life after a level drop; keeps the default when no gain is large enough', () => {
    // Eight days at level 1, then three at 0.4: the last days are what the next ones look like.
    const dropped = series(11, (day) => (day < 8 ? 1 : 0.4), 3);
    const selection = selectMethod(chooseModel(dropped.length, dropped.length), dropped, cleanHistory(dropped).values)!;
    expect(selection.origins).toBe(4);
    expect(selection.hours).toBe(72 + 72 + 48 + 24);
    expect(selection.method.halfLifeHours).toBeLessThan(DEFAULT_METHOD.halfLifeHours);
    expect(selection.wapePercent).toBeLessThan(selection.defaultWapePercent);
    const kept = selectMethod(chooseModel(dropped.length, dropped.length), dropped, cleanHistory(dropped).values, 100)!;
    expect(kept.method).toEqual(DEFAULT_METHOD);
    expect(kept.wapePercent).toBe(kept.defaultWapePercent);
  });

  it('is used by forecastSeries when asked: the method is said, the intervals are calibrated, the forecast follows the new level', () => {
    const dropped = series(11, (day) => (day < 8 ? 1 : 0.4), 5);
    const selected = forecastSeries(dropped, 48, { selectMethod: true });
    const plain = forecastSeries(dropped, 48);
    expect(plain.method).toEqual(DEFAULT_METHOD);
    expect(selected.method?.halfLifeHours).toBeLessThan(DEFAULT_METHOD.halfLifeHours);
    expect(selected.reason).toMatch(/chosen by a backtest on the history \(4 origins, 216 hours/);
    expect(selected.calibration.holdoutHours).toBeGreaterThan(0);
    const truth = series(13, (day) => (day < 8 ? 1 : 0.4), 5, 0).slice(11 * 24);
    const wape = (points: { mean: number }[]) => points.reduce((e, p, i) => e + Math.abs(p.mean - truth[i]!), 0) / truth.reduce((a, b) => a + b, 0);
    expect(wape(selected.points)).toBeLessThan(wape(plain.points));
    expect(wape(selected.points)).toBeLessThan(0.1);
    for (const p of selected.points) expect(p.lo95 <= p.lo80 && p.lo80 <= p.mean && p.mean <= p.hi80 && p.hi80 <= p.hi95).toBe(true);
  });

  it('gives nothing to choose from when no origin has three days before it', () => {
    const short = series(3, () => 1);
    expect(selectMethod(chooseModel(short.length, short.length), short, cleanHistory(short).values)).toBeUndefined();
  });
});
