/**
 * Router evaluation (pure): quality vs strong-call-share curves, PGR, APGR and CPT as defined in
 * RouteLLM (Ong et al., 2024).
 *
 * - The router sends the highest-scoring prompts to the strong model. At strong share s, the top
 *   s·n prompts go strong. Ties are broken in expectation (a tie group straddling the cut
 *   contributes its mean gain pro rata), and fractional s·n is interpolated, so a constant-score
 *   router is exactly the random router.
 * - PGR(s) = (acc(s) − weakAcc) / (strongAcc − weakAcc); APGR = trapezoid area under PGR over
 *   s ∈ [0, 1]; CPT(x) = minimum strong share with PGR ≥ x.
 */

export interface CurvePoint {
  /** Share of prompts sent to the strong model, in [0, 1]. */
  strongShare: number;
  accuracy: number;
  /** Performance gap recovered. */
  pgr: number;
}

export interface RouterEvaluation {
  n: number;
  weakAccuracy: number;
  strongAccuracy: number;
  curve: CurvePoint[];
  apgr: number;
  /** Minimum strong share reaching accuracy ≥ 0.95 × strongAccuracy (null if never). */
  shareFor95PctStrongAccuracy: number | null;
  /** CPT(50%): minimum strong share with PGR ≥ 0.5 (null if never). */
  cpt50: number | null;
  /** CPT(80%): minimum strong share with PGR ≥ 0.8 (null if never). */
  cpt80: number | null;
}

export interface Outcomes {
  weakCorrect: readonly boolean[];
  strongCorrect: readonly boolean[];
}

const EPS = 1e-12;

function accuracies(o: Outcomes): { n: number; weak: number; strong: number } {
  const n = o.weakCorrect.length;
  if (o.strongCorrect.length !== n) throw new Error('weakCorrect and strongCorrect differ in length');
  if (n === 0) throw new Error('no prompts to evaluate');
  let w = 0;
  let s = 0;
  for (let i = 0; i < n; i++) {
    if (o.weakCorrect[i]) w++;
    if (o.strongCorrect[i]) s++;
  }
  return { n, weak: w / n, strong: s / n };
}

function pgrOf(acc: number, weak: number, strong: number): number {
  const gap = strong - weak;
  return Math.abs(gap) < EPS ? 0 : (acc - weak) / gap;
}

/** Strong shares 0, 1/steps, …, 1. */
export function shareGrid(steps = 100): number[] {
  return Array.from({ length: steps + 1 }, (_, i) => i / steps);
}

/** Trapezoid area under PGR against strong share. */
export function apgrOf(curve: readonly CurvePoint[]): number {
  let area = 0;
  for (let i = 1; i < curve.length; i++) {
    const a = curve[i - 1]!;
    const b = curve[i]!;
    area += ((a.pgr + b.pgr) / 2) * (b.strongShare - a.strongShare);
  }
  return area;
}

/** CPT(x): minimum strong share on the curve with PGR ≥ x (null if never reached). */
export function cpt(curve: readonly CurvePoint[], pgrTarget: number): number | null {
  for (const p of curve) if (p.pgr >= pgrTarget - EPS) return p.strongShare;
  return null;
}

/** Minimum strong share on the curve with accuracy ≥ target (null if never reached). */
export function shareForAccuracy(curve: readonly CurvePoint[], accuracyTarget: number): number | null {
  for (const p of curve) if (p.accuracy >= accuracyTarget - EPS) return p.strongShare;
  return null;
}

/** APGR, CPT and the share for 95 % of strong accuracy of a finished curve. */
export function summarise(curve: CurvePoint[], n: number, weak: number, strong: number): RouterEvaluation {
  return {
    n,
    weakAccuracy: weak,
    strongAccuracy: strong,
    curve,
    apgr: apgrOf(curve),
    shareFor95PctStrongAccuracy: shareForAccuracy(curve, 0.95 * strong),
    cpt50: cpt(curve, 0.5),
    cpt80: cpt(curve, 0.8),
  };
}

/** Evaluate a router from its per-prompt scores (higher = more likely to go strong). */
export function evaluateRouter(scores: readonly number[], outcomes: Outcomes, steps = 100): RouterEvaluation {
  const { n, weak, strong } = accuracies(outcomes);
  if (scores.length !== n) throw new Error('scores and outcomes differ in length');
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
  // Tie groups over the sorted order, with prefix sums of the gain (strong − weak correctness).
  const groupStart: number[] = [];
  const groupGain: number[] = [];
  const prefixBefore: number[] = [];
  let cum = 0;
  for (let i = 0; i < n; ) {
    const s = scores[order[i]!]!;
    let j = i;
    let g = 0;
    while (j < n && scores[order[j]!] === s) {
      const k = order[j]!;
      g += (outcomes.strongCorrect[k] ? 1 : 0) - (outcomes.weakCorrect[k] ? 1 : 0);
      j++;
    }
    groupStart.push(i);
    groupGain.push(g);
    prefixBefore.push(cum);
    cum += g;
    i = j;
  }
  groupStart.push(n);
  const weakCount = weak * n;
  const curve: CurvePoint[] = [];
  let gi = 0;
  for (let step = 0; step <= steps; step++) {
    const share = step / steps;
    const k = (step * n) / steps;
    while (gi < groupGain.length - 1 && groupStart[gi + 1]! <= k) gi++;
    let gain: number;
    if (k >= n) gain = cum;
    else {
      const start = groupStart[gi]!;
      const size = groupStart[gi + 1]! - start;
      gain = prefixBefore[gi]! + ((k - start) / size) * groupGain[gi]!;
    }
    const accuracy = (weakCount + gain) / n;
    curve.push({ strongShare: share, accuracy, pgr: pgrOf(accuracy, weak, strong) });
  }
  return summarise(curve, n, weak, strong);
}

/** The random router in expectation: accuracy linear in the strong share (APGR = 0.5). */
export function evaluateRandomRouter(outcomes: Outcomes, steps = 100): RouterEvaluation {
  const { n, weak, strong } = accuracies(outcomes);
  const curve = shareGrid(steps).map((share) => {
    const accuracy = weak + share * (strong - weak);
    return { strongShare: share, accuracy, pgr: pgrOf(accuracy, weak, strong) };
  });
  return summarise(curve, n, weak, strong);
}

/**
 * Oracle scores: 1 where the weak model is wrong and the strong one right (routes there first),
 * −1 where the weak model is right and the strong one wrong (routes there last), 0 otherwise.
 */
export function oracleScores(outcomes: Outcomes): number[] {
  return outcomes.weakCorrect.map((w, i) => (outcomes.strongCorrect[i] ? 1 : 0) - (w ? 1 : 0));
}

/** The oracle router: strong exactly when the weak model is wrong and the strong right first. */
export function evaluateOracleRouter(outcomes: Outcomes, steps = 100): RouterEvaluation {
  return evaluateRouter(oracleScores(outcomes), outcomes, steps);
}

export interface RouterComparison {
  learned: RouterEvaluation;
  random: RouterEvaluation;
  oracle: RouterEvaluation;
}

export function compareRouters(scores: readonly number[], outcomes: Outcomes, steps = 100): RouterComparison {
  return {
    learned: evaluateRouter(scores, outcomes, steps),
    random: evaluateRandomRouter(outcomes, steps),
    oracle: evaluateOracleRouter(outcomes, steps),
  };
}

/** Outcomes from per-prompt records with `weakCorrect` and `strongCorrect`. */
export function toOutcomes(items: readonly { weakCorrect: boolean; strongCorrect: boolean }[]): Outcomes {
  return { weakCorrect: items.map((p) => p.weakCorrect), strongCorrect: items.map((p) => p.strongCorrect) };
}
