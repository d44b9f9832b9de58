/** One request of a batch with its options: per model, expected cost and expected quality. */
export interface BatchItem {
  id: string;
  options: Array<{ model: string; costNano: number; quality: number }>;
}

export interface BatchPlan {
  feasible: boolean;
  /** Request id → chosen model. */
  assignment: Record<string, string>;
  costNano: number;
  meanQuality: number;
  /** The reference: every request on its highest-quality option. */
  bestQualityCostNano: number;
  savedNano: number;
  reason?: string;
}

/**
 * Assigns a model to every request of a batch so that the mean expected quality reaches
 * `minMeanQuality` at the least cost, within `budgetNano`. Greedy on marginal quality per dollar
 * (start everything on its cheapest option, then apply the upgrade with the best quality gain per
 * extra nano-dollar until the floor is met): optimal for the fractional relaxation and within one
 * upgrade of the optimum for the integral problem. Pure.
 */
export function optimizeBatch(items: readonly BatchItem[], budgetNano: number, minMeanQuality: number): BatchPlan {
  if (items.length === 0) return { feasible: true, assignment: {}, costNano: 0, meanQuality: 0, bestQualityCostNano: 0, savedNano: 0 };
  const options = items.map((item) => [...item.options].sort((a, b) => a.costNano - b.costNano || b.quality - a.quality));
  const chosen = options.map(() => 0);
  let cost = options.reduce((sum, list) => sum + list[0]!.costNano, 0);
  let quality = options.reduce((sum, list) => sum + list[0]!.quality, 0);
  const target = minMeanQuality * items.length;
  const bestQualityCost = options.reduce((sum, list) => sum + [...list].sort((a, b) => b.quality - a.quality || a.costNano - b.costNano)[0]!.costNano, 0);
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
  const feasible = quality >= target - 1e-12 && cost <= budgetNano;
  const assignment: Record<string, string> = {};
  items.forEach((item, index) => (assignment[item.id] = options[index]![chosen[index]!]!.model));
  return {
    feasible,
    assignment,
    costNano: cost,
    meanQuality: quality / items.length,
    bestQualityCostNano: bestQualityCost,
    savedNano: bestQualityCost - cost,
    ...(feasible ? {} : { reason: cost > budgetNano ? 'even the cheapest assignment exceeds the budget' : 'the quality floor cannot be reached within the budget' }),
  };
}
