import { describe, expect, it } from 'vitest';
import { optimizeBatch, type BatchItem, type BatchPlan } from './batch-optimize.ts';

/** The greedy as first written: a scan of every request and option for each upgrade (quadratic). The heap must pick the same. */
function scanGreedy(items: readonly BatchItem[], budgetNano: number, minMeanQuality: number): Pick<BatchPlan, 'assignment' | 'costNano' | 'feasible'> {
  const options = items.map((item) => [...item.options].sort((a, b) => a.costNano - b.costNano || b.quality - a.quality));
  const chosen = options.map(() => 0);
  let cost = options.reduce((sum, list) => sum + list[0]!.costNano, 0);
  let quality = options.reduce((sum, list) => sum + list[0]!.quality, 0);
  const target = minMeanQuality * items.length;
  while (quality < target - 1e-12) {
    let best: { item: number; option: number; ratio: number } | undefined;
    options.forEach((list, item) => {
      const current = list[chosen[item]!]!;
      list.forEach((option, index) => {
        const gain = option.quality - current.quality;
        const extra = option.costNano - current.costNano;
        if (gain <= 0 || cost + extra > budgetNano) return;
        const ratio = extra <= 0 ? Number.POSITIVE_INFINITY : gain / extra;
        if (!best || ratio > best.ratio) best = { item, option: index, ratio };
      });
    });
    if (!best) break;
    const { item, option } = best as { item: number; option: number };
    const list = options[item]!;
    cost += list[option]!.costNano - list[chosen[item]!]!.costNano;
    quality += list[option]!.quality - list[chosen[item]!]!.quality;
    chosen[item] = option;
  }
  const assignment: Record<string, string> = {};
  items.forEach((item, index) => (assignment[item.id] = options[index]![chosen[index]!]!.model));
  return { assignment, costNano: cost, feasible: quality >= target - 1e-12 && cost <= budgetNano };
}

function randomBatch(random: () => number, size: number, models: number): BatchItem[] {
  return Array.from({ length: size }, (_, i) => ({
    id: `r${i}`,
    // Costs and qualities drawn apart, so a cheaper option may also be better (and ties happen: few distinct values).
    options: Array.from({ length: models }, (_, m) => ({ model: `m${m}`, costNano: 10 * (1 + Math.floor(random() * 6)), quality: Math.floor(random() * 5) / 4 })),
  }));
}

describe('optimizeBatch at scale', () => {
  it('picks exactly what the scan of every request per upgrade picked, on random batches with ties and cheaper-but-better options', () => {
    let seed = 11;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 400; round += 1) {
      const items = randomBatch(random, 1 + Math.floor(random() * 30), 1 + Math.floor(random() * 4));
      const budget = Math.floor(random() * items.length * 60);
      const floor = random();
      const plan = optimizeBatch(items, budget, floor);
      const reference = scanGreedy(items, budget, floor);
      expect({ assignment: { ...plan.assignment }, costNano: plan.costNano, feasible: plan.feasible }, `round ${round}`).toEqual(reference);
    }
  });

  it('plans 50,000 requests (the API maximum) in well under a second of CPU, where the scan took minutes', () => {
    let seed = 5;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const items: BatchItem[] = Array.from({ length: 50_000 }, (_, i) => ({
      id: String(i),
      options: [
        { model: 'mini', costNano: 600 + Math.floor(random() * 100), quality: 0.86 },
        { model: 'haiku', costNano: 4_000 + Math.floor(random() * 100), quality: 0.9 },
        { model: 'big', costNano: 10_000 + Math.floor(random() * 100), quality: 0.95 },
      ],
    }));
    const before = process.cpuUsage();
    // A floor no option reaches: every request is upgraded as far as it goes (the worst case).
    const plan = optimizeBatch(items, 9_000_000 * 1e9, 0.99);
    const used = process.cpuUsage(before);
    expect(plan.feasible).toBe(false);
    expect(Object.values(plan.assignment).every((model) => model === 'big')).toBe(true);
    expect((used.user + used.system) / 1000).toBeLessThan(1_500);
  });

  it('keeps a request whose id is __proto__ in the assignment', () => {
    const options = [{ model: 'weak', costNano: 10, quality: 0.5 }];
    const plan = optimizeBatch([{ id: '__proto__', options }, { id: 'constructor', options }], 1_000, 0);
    expect(Object.keys(plan.assignment).sort()).toEqual(['__proto__', 'constructor']);
    expect(JSON.parse(JSON.stringify(plan.assignment))).toEqual(JSON.parse('{"__proto__":"weak","constructor":"weak"}'));
  });
});
