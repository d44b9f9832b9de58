import { describe, expect, it } from 'vitest';
import { evaluateRouter, toOutcomes } from './evaluate.ts';
import { expectedGain, trainGainModel, type PairOutcome } from './expected-gain.ts';
import { mulberry32 } from './model.ts';
import { stumpLogit, trainStumps } from './stumps.ts';

describe('expected gain (P(only strong right) − P(only weak right))', () => {
  // Feature 0 raises P(only strong right); feature 1 raises P(only weak right), where going strong
  // loses accuracy. A +1-only model cannot see feature 1's harm; the gain model can.
  const r = mulberry32(9);
  const make = (n: number) => {
    const rows = Array.from({ length: n }, () => [r(), r()]);
    const outcomes: PairOutcome[] = rows.map(([a, b]) => {
      const u = r();
      const pUp = 0.1 + 0.3 * a!;
      const pDown = 0.02 + 0.2 * b!;
      if (u < pUp) return { weakCorrect: false, strongCorrect: true };
      if (u < pUp + pDown) return { weakCorrect: true, strongCorrect: false };
      return u < 0.9 ? { weakCorrect: true, strongCorrect: true } : { weakCorrect: false, strongCorrect: false };
    });
    return { rows, outcomes };
  };
  const train = make(4000);
  const test = make(4000);

  it('orders prompts better than a model of the +1 side alone (higher APGR on fresh data)', () => {
    const model = trainGainModel(train.rows, train.outcomes, { rounds: 60 });
    const upOnly = trainStumps(train.rows, train.outcomes.map((o) => (o.strongCorrect && !o.weakCorrect ? 1 : 0)), { rounds: 60 });
    const outcomes = toOutcomes(test.outcomes);
    const gain = evaluateRouter(test.rows.map((row) => expectedGain(model, row)), outcomes);
    const plain = evaluateRouter(test.rows.map((row) => stumpLogit(upOnly, row)), outcomes);
    expect(gain.apgr).toBeGreaterThan(plain.apgr + 0.02);
    expect(expectedGain(model, [0.9, 0.1])).toBeGreaterThan(0);
    expect(expectedGain(model, [0.1, 0.9])).toBeLessThan(0);
  });

  it('refuses rows without outcomes', () => {
    expect(() => trainGainModel([[1]], [])).toThrow(/one outcome per row/);
  });
});
