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
 *
 * The best upgrade is taken from a heap holding each request's own best upgrade, so a batch of n
 * requests costs O(n log n) per round of upgrades rather than a scan of the whole batch per upgrade
 * (50,000 requests used to hold the event loop for minutes). The picks are the same as the scan's:
 * the highest ratio, ties to the earliest request and then its earliest option.
 */
export function optimizeBatch(items: readonly BatchItem[], budgetNano: number, minMeanQuality: number): BatchPlan {
  if (items.length === 0) return { feasible: true, assignment: {}, costNano: 0, meanQuality: 0, bestQualityCostNano: 0, savedNano: 0 };
  const options = items.map((item) => [...item.options].sort((a, b) => a.costNano - b.costNano || b.quality - a.quality));
  const chosen = options.map(() => 0);
  let cost = options.reduce((sum, list) => sum + list[0]!.costNano, 0);
  let quality = options.reduce((sum, list) => sum + list[0]!.quality, 0);
  const target = minMeanQuality * items.length;
  const bestQualityCost = options.reduce((sum, list) => sum + [...list].sort((a, b) => b.quality - a.quality || a.costNano - b.costNano)[0]!.costNano, 0);
  // Each request's best upgrade within the budget as it stood when it was computed. The budget left only shrinks
  // (but for an upgrade that is also cheaper, after which every request is looked at again), so an entry that is still
  // affordable when it comes out on top is still its request's best, and no other request has a better one.
  const heap = new UpgradeHeap();
  const offer = (item: number) => {
    const upgrade = bestUpgrade(options[item]!, chosen[item]!, cost, budgetNano);
    if (upgrade) heap.push({ item, ...upgrade });
  };
  const offerAll = () => {
    heap.clear();
    for (let item = 0; item < options.length; item += 1) offer(item);
  };
  offerAll();
  while (quality < target - 1e-12) {
    const top = heap.pop();
    if (!top) break;
    const list = options[top.item]!;
    const current = list[chosen[top.item]!]!;
    const next = list[top.option]!;
    const extra = next.costNano - current.costNano;
    if (cost + extra > budgetNano) {
      offer(top.item);
      continue;
    }
    cost += extra;
    quality += next.quality - current.quality;
    chosen[top.item] = top.option;
    if (extra < 0) offerAll();
    else offer(top.item);
  }
  const feasible = quality >= target - 1e-12 && cost <= budgetNano;
  // Request ids are the client's: an id like `__proto__` is a key like any other.
  const assignment: Record<string, string> = Object.create(null) as Record<string, string>;
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

/** A request's best upgrade from its current option within the budget: the highest quality gain per extra nano-dollar (a free or cheaper one first). */
function bestUpgrade(list: BatchItem['options'], current: number, cost: number, budgetNano: number): { option: number; ratio: number } | undefined {
  const from = list[current]!;
  let best: { option: number; ratio: number } | undefined;
  list.forEach((option, index) => {
    const gain = option.quality - from.quality;
    const extra = option.costNano - from.costNano;
    if (gain <= 0 || cost + extra > budgetNano) return;
    const ratio = extra <= 0 ? Number.POSITIVE_INFINITY : gain / extra;
    if (!best || ratio > best.ratio) best = { option: index, ratio };
  });
  return best;
}

interface Upgrade {
  item: number;
  option: number;
  ratio: number;
}

/** A binary max-heap of upgrades: the highest ratio first, ties to the earliest request. */
class UpgradeHeap {
  private entries: Upgrade[] = [];

  clear(): void {
    this.entries = [];
  }

  push(entry: Upgrade): void {
    const entries = this.entries;
    entries.push(entry);
    let index = entries.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!before(entries[index]!, entries[parent]!)) break;
      [entries[index], entries[parent]] = [entries[parent]!, entries[index]!];
      index = parent;
    }
  }

  pop(): Upgrade | undefined {
    const entries = this.entries;
    const top = entries[0];
    const last = entries.pop();
    if (entries.length === 0 || !last) return top;
    entries[0] = last;
    let index = 0;
    for (;;) {
      const left = index * 2 + 1;
      const right = left + 1;
      let first = index;
      if (left < entries.length && before(entries[left]!, entries[first]!)) first = left;
      if (right < entries.length && before(entries[right]!, entries[first]!)) first = right;
      if (first === index) break;
      [entries[index], entries[first]] = [entries[first]!, entries[index]!];
      index = first;
    }
    return top;
  }
}

function before(a: Upgrade, b: Upgrade): boolean {
  return a.ratio > b.ratio || (a.ratio === b.ratio && a.item < b.item);
}
