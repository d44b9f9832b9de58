import { seasonalExpected } from './baseline.ts';
import type { Combo } from './cube.ts';
import type { CauseDimension, RootCause } from './types.ts';

const CAUSE_DIMENSIONS: readonly CauseDimension[] = ['project', 'model', 'user', 'key'];
/** More specific values win near-ties: "key k explains 97%" says more than "project p explains 100%" when k is all of p's change. */
const SPECIFICITY: Record<CauseDimension, number> = { project: 0, model: 1, user: 2, key: 3 };

/**
 * Ranks the dimension values inside a series by how much of its deviation they explain: each
 * value's observed cost in hour `t` against its own seasonal expectation, as a share of the series'
 * total delta. Values moving the same way as the series rank first, by share (with a small bonus
 * for the more specific dimension); the series' own dimension is left out.
 */
export function rankRootCauses(combos: readonly Combo[], t: number, totalDelta: number, options: { exclude?: CauseDimension; top?: number; expectedOf?: (values: Float64Array, t: number) => number } = {}): RootCause[] {
  if (totalDelta === 0 || !Number.isFinite(totalDelta)) return [];
  const expectedOf = options.expectedOf ?? ((values: Float64Array, at: number) => seasonalExpected(values, at, 24, 7, 1) || 0);
  const causes: (RootCause & { rank: number })[] = [];
  for (const dimension of CAUSE_DIMENSIONS) {
    if (dimension === options.exclude) continue;
    const groups = new Map<string, Float64Array>();
    for (const combo of combos) {
      const value = combo[dimension];
      if (value === null) continue;
      let series = groups.get(value);
      if (!series) groups.set(value, (series = new Float64Array(combo.cost.length)));
      // Only the hours the baseline reads are summed: t and the same hour of the previous days.
      for (let j = t; j >= 0; j -= 24) series[j]! += combo.cost[j]!;
    }
    // One project or model for the whole series says nothing about where the change came from.
    if (groups.size < 2 && (dimension === 'project' || dimension === 'model')) continue;
    for (const [value, series] of groups) {
      const expected = expectedOf(series, t);
      const delta = series[t]! - (Number.isFinite(expected) ? expected : 0);
      const share = delta / totalDelta;
      if (share <= 0.05) continue;
      causes.push({ dimension, value, share: round3(share), deltaNanoUsd: Math.round(delta), rank: Math.min(share, 1) * (1 + 0.05 * SPECIFICITY[dimension]) });
    }
  }
  causes.sort((a, b) => b.rank - a.rank || b.share - a.share || a.value.localeCompare(b.value));
  return causes.slice(0, options.top ?? 5).map(({ rank: _rank, ...cause }) => cause);
}

export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/**
 * The root cause of an episode that lasts several hours: each value's deltas summed over the hours
 * (`earlier` already summed, `latest` the new hour's), as shares of the episode's summed deviation
 * `total` (signed like the deltas). A value that explains the first hours keeps its place when a
 * later hour of the same episode is led by another: an episode is told by who moved most of its
 * dollars, not by whoever led its last hour.
 */
export function mergeRootCauses(earlier: readonly RootCause[], latest: readonly RootCause[], total: number, top = 5): RootCause[] {
  if (total === 0 || !Number.isFinite(total)) return [...latest];
  const sums = new Map<string, RootCause>();
  for (const cause of [...earlier, ...latest]) {
    const id = `${cause.dimension}\u0000${cause.value}`;
    const seen = sums.get(id);
    sums.set(id, { ...cause, deltaNanoUsd: (seen?.deltaNanoUsd ?? 0) + cause.deltaNanoUsd });
  }
  const ranked = [...sums.values()]
    .map((cause) => ({ ...cause, share: round3(cause.deltaNanoUsd / total), rank: Math.min(cause.deltaNanoUsd / total, 1) * (1 + 0.05 * SPECIFICITY[cause.dimension]) }))
    .filter((cause) => cause.share > 0.05)
    .sort((a, b) => b.rank - a.rank || b.share - a.share || a.value.localeCompare(b.value));
  return ranked.slice(0, top).map(({ rank: _rank, ...cause }) => cause);
}
