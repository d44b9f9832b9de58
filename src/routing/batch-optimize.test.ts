import { describe, expect, it } from 'vitest';
import { optimizeBatch, type BatchItem } from './batch-optimize.ts';

const item = (id: string, weakQuality: number): BatchItem => ({
  id,
  options: [
    { model: 'weak', costNano: 10, quality: weakQuality },
    { model: 'strong', costNano: 100, quality: 0.95 },
  ],
});

/** Brute force over every assignment, for checking the greedy plan on small batches. */
function bruteForce(items: BatchItem[], budget: number, floor: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let mask = 0; mask < 1 << items.length; mask += 1) {
    let cost = 0;
    let quality = 0;
    items.forEach((it, i) => {
      const option = it.options[(mask >> i) & 1]!;
      cost += option.costNano;
      quality += option.quality;
    });
    if (cost <= budget && quality / items.length >= floor) best = Math.min(best, cost);
  }
  return best;
}

describe('optimizeBatch', () => {
  it('upgrades the requests where the weak model is worst first', () => {
    const items = [item('easy', 0.9), item('hard', 0.2), item('medium', 0.6)];
    const plan = optimizeBatch(items, 1_000, 0.75);
    expect(plan.assignment).toEqual({ easy: 'weak', hard: 'strong', medium: 'weak' });
    expect(plan.feasible).toBe(true);
    expect(plan.costNano).toBe(120);
    expect(plan.savedNano).toBe(300 - 120);
  });

  it('matches the brute-force optimum on random small batches', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 50; round += 1) {
      const items = Array.from({ length: 8 }, (_, i) => item(`r${i}`, Math.round(random() * 90) / 100));
      const floor = 0.5 + random() * 0.4;
      const plan = optimizeBatch(items, 10_000, floor);
      const optimum = bruteForce(items, 10_000, floor);
      if (optimum === Number.POSITIVE_INFINITY) expect(plan.feasible).toBe(false);
      else expect(plan.costNano).toBeLessThanOrEqual(optimum + 90); // within one upgrade
    }
  });

  it('reports when the floor cannot be met within the budget', () => {
    const plan = optimizeBatch([item('a', 0.1), item('b', 0.1)], 150, 0.9);
    expect(plan.feasible).toBe(false);
    expect(plan.reason).toMatch(/quality floor/);
  });
});
