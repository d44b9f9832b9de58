/**
 * Leave-subjects-out protocol (pure): whole subjects go to one fold, so a router tested on a fold
 * has never seen a question of those subjects. A router that only learnt topics ("abstract algebra
 * is hard") cannot score well here; one that learnt difficulty can.
 *
 * Subjects are sorted by name and dealt round-robin, so the assignment is deterministic, does not
 * depend on the order prompts arrive in, and the folds differ in size by at most one subject.
 */

/** subject → fold index in [0, folds). */
export function subjectFolds(subjects: Iterable<string>, folds = 5): Map<string, number> {
  if (!Number.isInteger(folds) || folds < 2) throw new Error(`folds must be an integer ≥ 2, got ${folds}`);
  const sorted = [...new Set(subjects)].sort();
  if (sorted.length < folds) throw new Error(`${sorted.length} subjects cannot fill ${folds} folds`);
  return new Map(sorted.map((s, i) => [s, i % folds]));
}

export interface FoldSplit<T> {
  fold: number;
  train: T[];
  test: T[];
}

/**
 * The `folds` train/test splits: test = the prompts whose subject is in the fold; train = the other
 * folds plus `alwaysTrain` (e.g. GSM8K, which has no subjects to hold out).
 */
export function leaveSubjectsOut<T extends { subject: string }>(
  items: readonly T[],
  assignment: ReadonlyMap<string, number>,
  alwaysTrain: readonly T[] = [],
): FoldSplit<T>[] {
  const folds = assignment.size === 0 ? 0 : Math.max(...assignment.values()) + 1;
  const out: FoldSplit<T>[] = [];
  for (let fold = 0; fold < folds; fold++) out.push({ fold, train: [...alwaysTrain], test: [] });
  for (const item of items) {
    const f = assignment.get(item.subject);
    if (f === undefined) throw new Error(`subject ${JSON.stringify(item.subject)} has no fold`);
    for (const split of out) (split.fold === f ? split.test : split.train).push(item);
  }
  return out;
}

/**
 * Scores mapped to their percentile (mid-rank / n, in (0, 1)) within their own group. Each fold's
 * model has its own scale, so raw scores of different folds are not comparable; pooling the folds
 * on percentiles routes the same share of every fold to the strong model at each threshold. Ties
 * share their mid-rank, so a rule with many equal scores (lengths) gets no order it did not earn.
 */
export function percentilesWithin(scores: readonly number[], groups: readonly number[]): number[] {
  if (scores.length !== groups.length) throw new Error('scores and groups differ in length');
  const byGroup = new Map<number, number[]>();
  groups.forEach((g, i) => {
    const list = byGroup.get(g);
    if (list) list.push(i);
    else byGroup.set(g, [i]);
  });
  const out = new Array<number>(scores.length).fill(0);
  for (const idx of byGroup.values()) {
    idx.sort((a, b) => scores[a]! - scores[b]!);
    const n = idx.length;
    for (let i = 0; i < n; ) {
      let j = i;
      while (j + 1 < n && scores[idx[j + 1]!] === scores[idx[i]!]) j++;
      const mid = (i + j) / 2 + 0.5;
      for (let k = i; k <= j; k++) out[idx[k]!] = mid / n;
      i = j + 1;
    }
  }
  return out;
}
