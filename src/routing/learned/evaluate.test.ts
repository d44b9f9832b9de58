import { describe, expect, it } from 'vitest';
import { apgrOf, compareRouters, cpt, evaluateOracleRouter, evaluateRandomRouter, evaluateRouter, oracleScores, type Outcomes } from './evaluate.ts';
import { mulberry32 } from './model.ts';

// Hand-computed example. gain = strong − weak correctness.
// idx score weak   strong gain
//  0  0.9  false  true   +1
//  1  0.1  true   true    0
//  2  0.5  true   false  −1
//  3  0.7  false  true   +1
// weakAcc = 0.5, strongAcc = 0.75, gap = 0.25.
const outcomes: Outcomes = { weakCorrect: [false, true, true, false], strongCorrect: [true, true, false, true] };
const scores = [0.9, 0.1, 0.5, 0.7];

describe('evaluateRouter (hand-computed)', () => {
  it('computes accuracy, PGR, APGR and CPT on a 4-step grid', () => {
    // Order by score: 0 (+1), 3 (+1), 2 (−1), 1 (0): cumulative gain 0,1,2,1,1.
    const e = evaluateRouter(scores, outcomes, 4);
    expect(e.weakAccuracy).toBe(0.5);
    expect(e.strongAccuracy).toBe(0.75);
    expect(e.curve.map((p) => p.strongShare)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(e.curve.map((p) => p.accuracy)).toEqual([0.5, 0.75, 1, 0.75, 0.75]);
    expect(e.curve.map((p) => p.pgr)).toEqual([0, 1, 2, 1, 1]);
    // 0.25 × ((0+1)/2 + (1+2)/2 + (2+1)/2 + (1+1)/2) = 1.125
    expect(e.apgr).toBeCloseTo(1.125, 12);
    expect(e.cpt50).toBe(0.25);
    expect(e.cpt80).toBe(0.25);
    expect(e.shareFor95PctStrongAccuracy).toBe(0.25); // 0.95 × 0.75 = 0.7125
  });

  it('interpolates between prompts on a finer grid', () => {
    const e = evaluateRouter(scores, outcomes, 8);
    expect(e.curve[1]!.accuracy).toBeCloseTo(0.625, 12); // half a prompt routed
    expect(e.cpt50).toBe(0.125);
    expect(e.cpt80).toBe(0.25);
  });

  it('a reversed router does badly', () => {
    // Order: 1 (0), 2 (−1), 3 (+1), 0 (+1): cumulative gain 0,0,−1,0,1 → PGR 0,0,−1,0,1.
    const e = evaluateRouter(scores.map((s) => -s), outcomes, 4);
    expect(e.curve.map((p) => p.pgr)).toEqual([0, 0, -1, 0, 1]);
    expect(e.apgr).toBeCloseTo(-0.125, 12);
    expect(e.cpt50).toBe(1);
    expect(e.cpt80).toBe(1);
    expect(e.shareFor95PctStrongAccuracy).toBe(1);
  });

  it('the oracle routes weak-wrong & strong-right first and weak-right & strong-wrong last', () => {
    expect(oracleScores(outcomes)).toEqual([1, 0, -1, 1]);
    const e = evaluateOracleRouter(outcomes, 4);
    // Order: {0, 3} (+1), 1 (0), 2 (−1): cumulative gain 0,1,2,2,1.
    expect(e.curve.map((p) => p.pgr)).toEqual([0, 1, 2, 2, 1]);
    expect(e.apgr).toBeCloseTo(1.375, 12);
    expect(e.cpt50).toBe(0.25);
  });

  it('the PGR of the oracle peaks at the share of strong-needed prompts', () => {
    const rand = mulberry32(9);
    const n = 1000;
    const weakCorrect = Array.from({ length: n }, () => rand() < 0.6);
    const strongCorrect = Array.from({ length: n }, () => rand() < 0.8);
    const o = { weakCorrect, strongCorrect };
    const e = evaluateOracleRouter(o, 100);
    const needed = weakCorrect.filter((w, i) => !w && strongCorrect[i]).length / n;
    const peak = e.curve.reduce((best, p) => (p.pgr > best.pgr ? p : best));
    expect(Math.abs(peak.strongShare - needed)).toBeLessThanOrEqual(0.01);
    expect(e.curve.at(-1)!.pgr).toBeCloseTo(1, 12);
    expect(e.apgr).toBeGreaterThan(1);
  });
});

describe('random router', () => {
  it('has APGR 0.5 and linear accuracy in expectation', () => {
    const e = evaluateRandomRouter(outcomes, 100);
    expect(e.apgr).toBeCloseTo(0.5, 12);
    expect(e.curve[30]!.pgr).toBeCloseTo(0.3, 12);
    expect(e.cpt50).toBe(0.5);
    expect(e.cpt80).toBe(0.8);
    // 0.95 × 0.75 = 0.7125 → PGR 0.85
    expect(e.shareFor95PctStrongAccuracy).toBe(0.85);
  });

  it('a constant-score router equals the random router exactly (ties broken in expectation)', () => {
    const e = evaluateRouter([0.3, 0.3, 0.3, 0.3], outcomes, 100);
    const r = evaluateRandomRouter(outcomes, 100);
    e.curve.forEach((p, i) => expect(p.accuracy).toBeCloseTo(r.curve[i]!.accuracy, 12));
    expect(e.apgr).toBeCloseTo(0.5, 12);
  });

  it('random scores give APGR ≈ 0.5', () => {
    const rand = mulberry32(3);
    const n = 20_000;
    const o = {
      weakCorrect: Array.from({ length: n }, () => rand() < 0.65),
      strongCorrect: Array.from({ length: n }, () => rand() < 0.8),
    };
    const c = compareRouters(
      Array.from({ length: n }, () => rand()),
      o,
    );
    expect(Math.abs(c.learned.apgr - 0.5)).toBeLessThan(0.03);
    expect(c.random.apgr).toBeCloseTo(0.5, 12);
    expect(c.oracle.apgr).toBeGreaterThan(c.learned.apgr);
  });
});

describe('helpers', () => {
  it('apgrOf and cpt on a simple curve', () => {
    const curve = [
      { strongShare: 0, accuracy: 0, pgr: 0 },
      { strongShare: 0.5, accuracy: 0, pgr: 0.9 },
      { strongShare: 1, accuracy: 0, pgr: 1 },
    ];
    expect(apgrOf(curve)).toBeCloseTo(0.25 * 0.9 + 0.25 * 1.9, 12);
    expect(cpt(curve, 0.8)).toBe(0.5);
    expect(cpt(curve, 1.1)).toBeNull();
  });

  it('rejects mismatched lengths', () => {
    expect(() => evaluateRouter([1, 2], outcomes)).toThrow();
  });
});
