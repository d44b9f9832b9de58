/**
 * Probability calibration of a router's score (pure).
 *
 * A model trained on some subjects is over-confident on subjects it never saw: its probabilities
 * spread wider than the truth. Platt scaling fits p = σ(a·logit + b) on prompts held out of training
 * (whole subjects, so the held-out part looks like new traffic), which keeps the order of prompts
 * (a > 0) and makes "route when P(strong needed) ≥ 0.3" mean what it says.
 */

export interface Platt {
  a: number;
  b: number;
}

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** logit of a probability, clamped away from 0 and 1. */
export function logit(p: number): number {
  const q = Math.min(1 - 1e-9, Math.max(1e-9, p));
  return Math.log(q / (1 - q));
}

/**
 * Fit Platt's a, b by Newton's method on the log loss, with Platt's smoothed targets
 * ((n₊+1)/(n₊+2) and 1/(n₋+2)) so a separable calibration set does not send a to infinity.
 */
export function fitPlatt(logits: readonly number[], labels: readonly (0 | 1)[], iterations = 50): Platt {
  const n = logits.length;
  if (n === 0 || labels.length !== n) throw new Error('fitPlatt: need one label per score');
  const pos = labels.reduce<number>((s, y) => s + y, 0);
  const hi = (pos + 1) / (pos + 2);
  const lo = 1 / (n - pos + 2);
  const target = (i: number) => (labels[i] ? hi : lo);
  const loss = (a: number, b: number) => {
    let l = 0;
    for (let i = 0; i < n; i++) {
      const z = a * logits[i]! + b;
      // log(1 + e^z) − t·z, stable for large |z|.
      l += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - target(i) * z;
    }
    return l;
  };
  // Start flat at the base rate (where the Hessian is well conditioned) and damp every Newton
  // step until the loss goes down: plain Newton overshoots from a saturated start.
  let a = 0;
  let b = logit((pos + 1) / (n + 2));
  let current = loss(a, b);
  for (let it = 0; it < iterations; it++) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-9;
    let hab = 0;
    let hbb = 1e-9;
    for (let i = 0; i < n; i++) {
      const x = logits[i]!;
      const p = sigmoid(a * x + b);
      const d = p - target(i);
      const w = p * (1 - p);
      ga += d * x;
      gb += d;
      haa += w * x * x;
      hab += w * x;
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    if (!(Math.abs(det) > 1e-15)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    let step = 1;
    while (step > 1e-6 && !(loss(a - step * da, b - step * db) <= current)) step /= 2;
    if (step <= 1e-6) break;
    a -= step * da;
    b -= step * db;
    current = loss(a, b);
    if (Math.abs(step * da) + Math.abs(step * db) < 1e-10) break;
  }
  return { a, b };
}

export function applyPlatt(c: Platt, score: number): number {
  return sigmoid(c.a * score + c.b);
}

export interface CalibrationReport {
  /** Expected calibration error over equal-width probability bins. */
  ece: number;
  /** Mean squared error of the probability. */
  brier: number;
  /** Mean predicted probability vs the observed positive rate. */
  meanPredicted: number;
  observedRate: number;
}

export function calibrationReport(probs: readonly number[], labels: readonly (0 | 1)[], bins = 10): CalibrationReport {
  const n = probs.length;
  if (n === 0 || labels.length !== n) throw new Error('calibrationReport: need one label per probability');
  const count = new Float64Array(bins);
  const sumP = new Float64Array(bins);
  const sumY = new Float64Array(bins);
  let brier = 0;
  let meanP = 0;
  let rate = 0;
  for (let i = 0; i < n; i++) {
    const p = probs[i]!;
    const y = labels[i]!;
    const b = Math.min(bins - 1, Math.floor(p * bins));
    count[b] = count[b]! + 1;
    sumP[b] = sumP[b]! + p;
    sumY[b] = sumY[b]! + y;
    brier += (p - y) ** 2;
    meanP += p;
    rate += y;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) if (count[b]! > 0) ece += Math.abs(sumP[b]! - sumY[b]!) / n;
  return { ece, brier: brier / n, meanPredicted: meanP / n, observedRate: rate / n };
}
