import { describe, expect, it } from 'vitest';
import { evaluateRouter, oracleScores } from './evaluate.ts';
import { evaluateWeighted, pairedBootstrap, quantile, rankScores } from './bootstrap.ts';
import { mulberry32 } from './model.ts';

function synthetic(n: number, seed: number) {
  const r = mulberry32(seed);
  const weakCorrect: boolean[] = [];
  const strongCorrect: boolean[] = [];
  const difficulty: number[] = [];
  for (let i = 0; i < n; i++) {
    const d = r();
    difficulty.push(d);
    weakCorrect.push(r() > d);
    strongCorrect.push(r() > d * 0.5);
  }
  return { outcomes: { weakCorrect, strongCorrect }, difficulty };
}

describe('evaluateWeighted', () => {
  it('equals evaluateRouter with unit weights, and on the expanded multiset with counts', () => {
    const { outcomes, difficulty } = synthetic(300, 3);
    const scores = difficulty.map((d) => Math.round(d * 10)); // many ties
    const ones = new Array(300).fill(1);
    expect(evaluateWeighted(rankScores(scores), outcomes, ones).curve).toEqual(evaluateRouter(scores, outcomes).curve.map((p) => ({ ...p, accuracy: expect.closeTo(p.accuracy, 12), pgr: expect.closeTo(p.pgr, 9) })));
    const counts = scores.map((_, i) => i % 3);
    const idx = counts.flatMap((c, i) => new Array(c).fill(i) as number[]);
    const expanded = evaluateRouter(
      idx.map((i) => scores[i]!),
      { weakCorrect: idx.map((i) => outcomes.weakCorrect[i]!), strongCorrect: idx.map((i) => outcomes.strongCorrect[i]!) },
    );
    const weighted = evaluateWeighted(rankScores(scores), outcomes, counts);
    expect(weighted.apgr).toBeCloseTo(expanded.apgr, 9);
    expect(weighted.cpt50).toBe(expanded.cpt50);
    expect(weighted.shareFor95PctStrongAccuracy).toBe(expanded.shareFor95PctStrongAccuracy);
  });
});

describe('pairedBootstrap', () => {
  const { outcomes, difficulty } = synthetic(2000, 7);
  const routers = { informed: difficulty, random: difficulty.map(() => 0), oracle: oracleScores(outcomes) };

  it('is deterministic for a seed, brackets the point estimate, and separates a real difference', () => {
    const a = pairedBootstrap(routers, outcomes, [['informed', 'random']], { replicates: 200, seed: 1 });
    const b = pairedBootstrap(routers, outcomes, [['informed', 'random']], { replicates: 200, seed: 1 });
    expect(a).toEqual(b);
    const apgr = a.routers.informed!.apgr;
    expect(apgr.low).toBeLessThanOrEqual(apgr.point);
    expect(apgr.high).toBeGreaterThanOrEqual(apgr.point);
    expect(a.routers.random!.apgr.point).toBeCloseTo(0.5, 9);
    const d = a.differences[0]!;
    expect(d.apgr.low).toBeGreaterThan(0);
    expect(d.apgr.aBetter).toBe(1);
    expect(a.routers.oracle!.apgr.low).toBeGreaterThan(a.routers.informed!.apgr.high);
  });

  it('gives a difference of a router with itself as exactly zero', () => {
    const r = pairedBootstrap({ x: difficulty, y: difficulty }, outcomes, [['x', 'y']], { replicates: 50, seed: 2 });
    expect(r.differences[0]!.apgr).toMatchObject({ point: 0, low: 0, high: 0, aBetter: 0 });
  });

  it('resamples whole clusters when given cluster ids', () => {
    const clusters = difficulty.map((_, i) => Math.floor(i / 100));
    const byPrompt = pairedBootstrap({ informed: difficulty }, outcomes, [], { replicates: 300, seed: 3 });
    const byCluster = pairedBootstrap({ informed: difficulty }, outcomes, [], { replicates: 300, seed: 3, clusters });
    expect(byCluster.units).toBe(20);
    expect(byPrompt.units).toBe(2000);
    const width = (r: typeof byPrompt) => r.routers.informed!.apgr.high - r.routers.informed!.apgr.low;
    expect(width(byCluster)).toBeGreaterThan(0);
    expect(width(byPrompt)).toBeGreaterThan(0);
  });

  it('refuses mismatched lengths and unknown pair names', () => {
    expect(() => pairedBootstrap({ x: [1] }, outcomes, [], { replicates: 1, seed: 1 })).toThrow(/differ in length/);
    expect(() => pairedBootstrap({ x: difficulty }, outcomes, [['x', 'nope']], { replicates: 1, seed: 1 })).toThrow(/unknown router/);
  });
});

it('quantile interpolates', () => {
  expect(quantile([0, 10], 0.25)).toBe(2.5);
  expect(quantile([], 0.5)).toBeNaN();
});
