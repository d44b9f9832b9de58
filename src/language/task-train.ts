/**
 * Training of the task-class model: multinomial logistic regression by stochastic gradient descent
 * with L2 shrinkage, examples weighted so that every class counts the same whatever its number of
 * examples (Arena-Hard brings hundreds of coding prompts, MT-Bench ten role-plays). Deterministic:
 * the visiting order comes from a seeded generator, so the same examples give the same weights.
 */
import { mulberry32 } from '../domain/seeded-random.ts';
import { FEATURE_COUNT, type SparseFeatures } from './task-features.ts';

export interface TrainingExample {
  features: SparseFeatures;
  label: string;
  /** Relative weight of the example (default 1). */
  weight?: number;
}

export interface TrainOptions {
  epochs?: number;
  learningRate?: number;
  l2?: number;
  seed?: number;
  /** 1: every class counts the same; 0: every example does; between: a compromise (default 1). */
  balance?: number;
}

export function trainTaskWeights(classes: readonly string[], examples: readonly TrainingExample[], options: TrainOptions = {}): Float32Array {
  const epochs = options.epochs ?? 30;
  const rate0 = options.learningRate ?? 0.5;
  const l2 = options.l2 ?? 1e-4;
  const random = mulberry32(options.seed ?? 15);
  const weights = new Float32Array(classes.length * FEATURE_COUNT);
  const labelOf = examples.map((example) => {
    const index = classes.indexOf(example.label);
    if (index < 0) throw new Error(`task training: unknown class ${example.label}`);
    return index;
  });
  // Each class's total example weight (so down-weighted examples count for less in the balance too).
  const perClass = new Array<number>(classes.length).fill(0);
  let total = 0;
  labelOf.forEach((label, i) => {
    const weight = (examples[i] as TrainingExample).weight ?? 1;
    perClass[label] = (perClass[label] as number) + weight;
    total += weight;
  });
  const present = perClass.filter((n) => n > 0).length;
  const balance = options.balance ?? 1;
  const classWeight = perClass.map((n) => (n > 0 ? (total / (present * n)) ** balance : 0));
  const order = examples.map((_, i) => i);
  const scores = new Float64Array(classes.length);
  // Lazy L2: weights shrink by a common factor; `scale` holds it so an update costs only the example's features.
  let scale = 1;
  let step = 0;
  for (let epoch = 0; epoch < epochs; epoch += 1) {
    for (let i = order.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    for (const index of order) {
      const { features } = examples[index] as TrainingExample;
      const label = labelOf[index] as number;
      const rate = rate0 / (1 + step / (examples.length * 4));
      step += 1;
      let max = -Infinity;
      for (let c = 0; c < classes.length; c += 1) {
        const base = c * FEATURE_COUNT;
        let score = 0;
        for (let k = 0; k < features.indices.length; k += 1) score += (weights[base + (features.indices[k] as number)] as number) * (features.values[k] as number);
        scores[c] = score * scale;
        if ((scores[c] as number) > max) max = scores[c] as number;
      }
      let sum = 0;
      for (let c = 0; c < classes.length; c += 1) {
        scores[c] = Math.exp((scores[c] as number) - max);
        sum += scores[c] as number;
      }
      scale *= 1 - rate * l2;
      const weight = (classWeight[label] as number) * ((examples[index] as TrainingExample).weight ?? 1);
      for (let c = 0; c < classes.length; c += 1) {
        const gradient = ((scores[c] as number) / sum - (c === label ? 1 : 0)) * weight;
        if (gradient === 0) continue;
        const base = c * FEATURE_COUNT;
        const delta = (rate * gradient) / scale;
        for (let k = 0; k < features.indices.length; k += 1) {
          const f = base + (features.indices[k] as number);
          weights[f] = (weights[f] as number) - delta * (features.values[k] as number);
        }
      }
      if (scale < 1e-3) {
        for (let f = 0; f < weights.length; f += 1) weights[f] = (weights[f] as number) * scale;
        scale = 1;
      }
    }
  }
  for (let f = 0; f < weights.length; f += 1) weights[f] = (weights[f] as number) * scale;
  return weights;
}
