/**
 * Logistic regression on the hashed prompt features: P(strong model needed | prompt).
 * Trained with AdaGrad and L2 regularisation, seeded shuffling, fully deterministic.
 */
import { extractFeatures, FEATURE_CONFIG, FEATURE_DIM, type FeatureConfig, type SparseFeatures } from './features.ts';
import { mulberry32 } from '../../domain/seeded-random.ts';

export const MODEL_VERSION = 1;

export interface RouterModel {
  version: number;
  featureConfig: FeatureConfig;
  /** Dense weight vector of length FEATURE_DIM (float32). */
  weights: Float32Array;
  bias: number;
  /** Score threshold: route to the strong model when predict() >= threshold. */
  threshold: number;
}

export interface TrainExample {
  prompt: string;
  label: 0 | 1;
  weight?: number;
}

export interface TrainOptions {
  epochs: number;
  learningRate: number;
  l2: number;
  seed: number;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = { epochs: 3, learningRate: 0.2, l2: 1e-4, seed: 1 };

export { mulberry32 };

function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** Train a logistic-regression router. Deterministic for a given example order and options. */
export function trainRouter(examples: readonly TrainExample[], options: Partial<TrainOptions> = {}): RouterModel {
  return trainRouterOnFeatures(
    examples.map((e) => extractFeatures(e.prompt)),
    examples,
    options,
  );
}

/**
 * {@link trainRouter} on features extracted beforehand (`feats[i]` of `examples[i]`), so an
 * evaluation that trains one model per fold extracts every prompt's features once.
 */
export function trainRouterOnFeatures(
  feats: readonly SparseFeatures[],
  examples: readonly Pick<TrainExample, 'label' | 'weight'>[],
  options: Partial<TrainOptions> = {},
): RouterModel {
  if (feats.length !== examples.length) throw new Error('features and examples differ in length');
  const opts = { ...DEFAULT_TRAIN_OPTIONS, ...options };
  const w = new Float64Array(FEATURE_DIM);
  const g2 = new Float64Array(FEATURE_DIM);
  let bias = 0;
  let biasG2 = 0;
  const eps = 1e-8;
  const rand = mulberry32(opts.seed);
  const order = Array.from({ length: examples.length }, (_, i) => i);

  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    // Fisher-Yates with the seeded PRNG.
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    for (const idx of order) {
      const ex = examples[idx]!;
      const f = feats[idx]!;
      const exWeight = ex.weight ?? 1;
      if (exWeight === 0) continue;
      let z = bias;
      for (let k = 0; k < f.indices.length; k++) z += w[f.indices[k]!]! * f.values[k]!;
      const err = (sigmoid(z) - ex.label) * exWeight;
      for (let k = 0; k < f.indices.length; k++) {
        const j = f.indices[k]!;
        const wj = w[j]!;
        const g = err * f.values[k]! + opts.l2 * wj;
        const acc = g2[j]! + g * g;
        g2[j] = acc;
        w[j] = wj - (opts.learningRate * g) / Math.sqrt(acc + eps);
      }
      biasG2 += err * err;
      bias -= (opts.learningRate * err) / Math.sqrt(biasG2 + eps);
    }
  }
  return {
    version: MODEL_VERSION,
    featureConfig: FEATURE_CONFIG,
    weights: Float32Array.from(w),
    bias: Math.fround(bias),
    threshold: 0.5,
  };
}

/** Score pre-extracted features. */
export function predictFeatures(model: RouterModel, f: SparseFeatures): number {
  let z = model.bias;
  const w = model.weights;
  for (let k = 0; k < f.indices.length; k++) z += w[f.indices[k]!]! * f.values[k]!;
  return sigmoid(z);
}

/** Probability that the strong model is needed for this prompt. */
export function predict(model: RouterModel, prompt: string): number {
  return predictFeatures(model, extractFeatures(prompt));
}

/** Route decision with the model's calibrated threshold. */
export function needsStrong(model: RouterModel, prompt: string): boolean {
  return predict(model, prompt) >= model.threshold;
}

/** Shortest decimal string that parses back to exactly the same float32. */
function f32String(x: number): string {
  for (let p = 4; p < 9; p++) {
    const s = Number(x.toPrecision(p));
    if (Math.fround(s) === x) return String(s);
  }
  return String(x);
}

interface SerializedModel {
  version: number;
  featureConfig: FeatureConfig;
  dim: number;
  threshold: number;
  bias: number;
  /** Indices of non-zero weights, ascending. */
  i: number[];
  /** Weights matching `i`. */
  w: number[];
}

/** Compact JSON: only non-zero weights, plus version, feature config and threshold. */
export function serialize(model: RouterModel): string {
  const idx: string[] = [];
  const vals: string[] = [];
  const w = model.weights;
  for (let j = 0; j < w.length; j++) {
    const v = w[j]!;
    if (v !== 0) {
      idx.push(String(j));
      vals.push(f32String(v));
    }
  }
  const head = {
    version: model.version,
    featureConfig: model.featureConfig,
    dim: w.length,
    threshold: model.threshold,
    bias: model.bias,
  };
  const headJson = JSON.stringify(head);
  return `${headJson.slice(0, -1)},"i":[${idx.join(',')}],"w":[${vals.join(',')}]}`;
}

export function deserialize(text: string): RouterModel {
  const data = JSON.parse(text) as SerializedModel;
  if (data.version !== MODEL_VERSION) throw new Error(`unsupported router model version ${String(data.version)}`);
  const cfg = data.featureConfig;
  if (!cfg || cfg.name !== FEATURE_CONFIG.name || cfg.hashBits !== FEATURE_CONFIG.hashBits || cfg.dense !== FEATURE_CONFIG.dense) {
    throw new Error(`router model feature config ${JSON.stringify(cfg)} does not match this build (${FEATURE_CONFIG.name})`);
  }
  if (data.dim !== FEATURE_DIM) throw new Error(`router model dimension ${data.dim} != ${FEATURE_DIM}`);
  if (!Array.isArray(data.i) || !Array.isArray(data.w) || data.i.length !== data.w.length) {
    throw new Error('router model weights are malformed');
  }
  const weights = new Float32Array(FEATURE_DIM);
  for (let k = 0; k < data.i.length; k++) {
    const j = data.i[k]!;
    if (!Number.isInteger(j) || j < 0 || j >= FEATURE_DIM) throw new Error(`router model weight index ${j} out of range`);
    weights[j] = data.w[k]!;
  }
  return {
    version: data.version,
    featureConfig: FEATURE_CONFIG,
    weights,
    bias: Math.fround(data.bias),
    threshold: data.threshold,
  };
}

/**
 * The score quantile such that routing `score >= threshold` to the strong model sends
 * `targetStrongShare` of `prompts` to it (as closely as ties allow).
 */
export function calibrateThreshold(model: RouterModel, prompts: readonly string[], targetStrongShare: number): number {
  return thresholdForShare(
    prompts.map((p) => predict(model, p)),
    targetStrongShare,
  );
}

/** Threshold over precomputed scores; see {@link calibrateThreshold}. */
export function thresholdForShare(scores: readonly number[], targetStrongShare: number): number {
  if (!(targetStrongShare >= 0 && targetStrongShare <= 1)) throw new Error('targetStrongShare must be in [0, 1]');
  if (scores.length === 0) return 0.5;
  const sorted = [...scores].sort((a, b) => b - a);
  const k = Math.round(targetStrongShare * sorted.length);
  if (k <= 0) return nextUp(sorted[0]!);
  if (k >= sorted.length) return sorted[sorted.length - 1]!;
  // Route the top k: halfway between the k-th and (k+1)-th largest score (ties go strong).
  const a = sorted[k - 1]!;
  const b = sorted[k]!;
  const mid = b + (a - b) / 2;
  return mid > b ? mid : a;
}

/** Smallest float64 strictly greater than x (finite x). */
function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  const buf = new Float64Array([x]);
  const bits = new BigInt64Array(buf.buffer);
  bits[0] = x > 0 ? bits[0]! + 1n : bits[0]! - 1n;
  return buf[0]!;
}
