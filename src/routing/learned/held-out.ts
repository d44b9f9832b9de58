/** How a trained router does on prompts it never saw (pure). */
export interface HeldOutScore {
  n: number;
  /** Prompts labelled "strong needed". */
  positives: number;
  /** Area under the ROC curve (ties count half); null when the held-out part has one class only. */
  auc: number | null;
  /** Share of prompts where "score ≥ threshold" agrees with the label. */
  accuracy: number;
  /** Share of held-out prompts the threshold sends to the strong model. */
  strongShare: number;
}

export function scoreHeldOut(scores: readonly number[], labels: readonly (0 | 1)[], threshold: number): HeldOutScore {
  const n = scores.length;
  let positives = 0;
  let agree = 0;
  let strong = 0;
  for (let i = 0; i < n; i += 1) {
    const predicted = scores[i]! >= threshold ? 1 : 0;
    if (labels[i] === 1) positives += 1;
    if (predicted === labels[i]) agree += 1;
    strong += predicted;
  }
  return { n, positives, auc: auc(scores, labels), accuracy: n ? agree / n : 0, strongShare: n ? strong / n : 0 };
}

/** Mann-Whitney AUC over rank-sorted scores, average ranks for ties. */
export function auc(scores: readonly number[], labels: readonly (0 | 1)[]): number | null {
  const order = scores.map((score, index) => ({ score, label: labels[index]! })).sort((a, b) => a.score - b.score);
  const positives = order.filter((entry) => entry.label === 1).length;
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return null;
  let rankSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]!.score === order[i]!.score) j += 1;
    const averageRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k += 1) if (order[k]!.label === 1) rankSum += averageRank;
    i = j + 1;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
