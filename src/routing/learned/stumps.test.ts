import { describe, expect, it } from 'vitest';
import { mulberry32 } from './model.ts';
import { stumpLogit, trainStumps } from './stumps.ts';

describe('trainStumps', () => {
  const r = mulberry32(5);
  // Label depends on a step in feature 1 only; feature 0 is noise.
  const rows = Array.from({ length: 2000 }, () => [r(), r()]);
  const labels = rows.map(([, b]) => ((b! > 0.6 ? r() < 0.8 : r() < 0.2) ? 1 : 0) as 0 | 1);

  it('finds the informative feature and its step', () => {
    const m = trainStumps(rows, labels, { rounds: 20 });
    expect(m.stumps[0]!.feature).toBe(1);
    expect(Math.abs(m.stumps[0]!.threshold - 0.6)).toBeLessThan(0.05);
    expect(stumpLogit(m, [0.5, 0.9])).toBeGreaterThan(0.5);
    expect(stumpLogit(m, [0.5, 0.1])).toBeLessThan(-0.5);
  });

  it('is deterministic and stops when nothing splits', () => {
    expect(trainStumps(rows, labels, { rounds: 5 })).toEqual(trainStumps(rows, labels, { rounds: 5 }));
    const flat = trainStumps([[1], [1], [1]], [0, 1, 0], { minLeaf: 1 });
    expect(flat.stumps).toHaveLength(0);
    expect(stumpLogit(flat, [1])).toBeCloseTo(Math.log(1 / 2), 9);
  });

  it('refuses empty or mismatched input', () => {
    expect(() => trainStumps([], [])).toThrow(/need rows/);
    expect(() => trainStumps([[1]], [0, 1])).toThrow(/need rows/);
  });
});
