/**
 * Gradient-boosted decision stumps for logistic loss on a few dense features (pure, deterministic).
 *
 * Each feature is cut into at most `bins` quantile bins of the training data; every round fits the
 * one split (feature, bin) with the largest second-order gain and adds a Newton step on each side,
 * shrunk by `rate`. Stumps are additive (no interactions), so the model is a sum of step functions,
 * one per feature: it can learn "long questions are harder" and "negated questions are harder"
 * without a linear scale, and it cannot memorise topics because it never sees a word.
 */

export interface StumpOptions {
  rounds: number;
  rate: number;
  bins: number;
  /** Fewest training rows on either side of a split. */
  minLeaf: number;
  /** L2 on the leaf values (Newton step denominator). */
  lambda: number;
}

export const DEFAULT_STUMP_OPTIONS: StumpOptions = { rounds: 150, rate: 0.1, bins: 32, minLeaf: 50, lambda: 1 };

export interface Stump {
  feature: number;
  /** Go left when value < threshold. */
  threshold: number;
  left: number;
  right: number;
}

export interface StumpModel {
  /** Log-odds of the base rate. */
  base: number;
  stumps: Stump[];
}

/** Sorted distinct quantile cut points of one column. */
function quantileCuts(column: Float64Array, bins: number): number[] {
  const sorted = Float64Array.from(column).sort();
  const cuts = new Set<number>();
  for (let k = 1; k < bins; k++) cuts.add(sorted[Math.floor((k * sorted.length) / bins)]!);
  cuts.delete(sorted[0]!); // a cut at the minimum splits nothing off
  return [...cuts].sort((a, b) => a - b);
}

/** Bin of `v` among `cuts`: the number of cuts ≤ v. */
function binOf(cuts: readonly number[], v: number): number {
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (v < cuts[m]!) hi = m;
    else lo = m + 1;
  }
  return lo;
}

export function trainStumps(rows: readonly ArrayLike<number>[], labels: readonly (0 | 1)[], options: Partial<StumpOptions> = {}): StumpModel {
  const opts = { ...DEFAULT_STUMP_OPTIONS, ...options };
  const n = rows.length;
  if (n === 0 || labels.length !== n) throw new Error('stumps: need rows with one label each');
  const d = rows[0]!.length;
  const cuts: number[][] = [];
  const bins: Uint8Array[] = [];
  for (let j = 0; j < d; j++) {
    const col = Float64Array.from(rows, (r) => r[j]!);
    const c = quantileCuts(col, Math.min(opts.bins, 255));
    cuts.push(c);
    bins.push(Uint8Array.from(col, (v) => binOf(c, v)));
  }
  const positives = labels.reduce<number>((s, y) => s + y, 0);
  const p0 = Math.min(1 - 1e-6, Math.max(1e-6, positives / n));
  const base = Math.log(p0 / (1 - p0));
  const f = new Float64Array(n).fill(base);
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const stumps: Stump[] = [];
  for (let round = 0; round < opts.rounds; round++) {
    let G = 0;
    let H = 0;
    for (let i = 0; i < n; i++) {
      const p = 1 / (1 + Math.exp(-f[i]!));
      g[i] = labels[i]! - p;
      h[i] = p * (1 - p);
      G += g[i]!;
      H += h[i]!;
    }
    let best = { gain: 1e-12, feature: -1, bin: 0, left: 0, right: 0 };
    for (let j = 0; j < d; j++) {
      const nb = cuts[j]!.length + 1;
      const gs = new Float64Array(nb);
      const hs = new Float64Array(nb);
      const cs = new Float64Array(nb);
      const b = bins[j]!;
      for (let i = 0; i < n; i++) {
        const k = b[i]!;
        gs[k] = gs[k]! + g[i]!;
        hs[k] = hs[k]! + h[i]!;
        cs[k] = cs[k]! + 1;
      }
      let gl = 0;
      let hl = 0;
      let cl = 0;
      for (let k = 0; k < nb - 1; k++) {
        gl += gs[k]!;
        hl += hs[k]!;
        cl += cs[k]!;
        if (cl < opts.minLeaf || n - cl < opts.minLeaf) continue;
        const gr = G - gl;
        const hr = H - hl;
        const gain = (gl * gl) / (hl + opts.lambda) + (gr * gr) / (hr + opts.lambda) - (G * G) / (H + opts.lambda);
        if (gain > best.gain) best = { gain, feature: j, bin: k, left: gl / (hl + opts.lambda), right: gr / (hr + opts.lambda) };
      }
    }
    if (best.feature < 0) break;
    const stump: Stump = {
      feature: best.feature,
      threshold: cuts[best.feature]![best.bin]!, // bins ≤ best.bin hold values < this cut
      left: best.left * opts.rate,
      right: best.right * opts.rate,
    };
    stumps.push(stump);
    const b = bins[best.feature]!;
    for (let i = 0; i < n; i++) f[i] = f[i]! + (b[i]! <= best.bin ? stump.left : stump.right);
  }
  return { base, stumps };
}

/** Log-odds that the label is 1. */
export function stumpLogit(model: StumpModel, row: ArrayLike<number>): number {
  let s = model.base;
  for (const st of model.stumps) s += row[st.feature]! < st.threshold ? st.left : st.right;
  return s;
}
