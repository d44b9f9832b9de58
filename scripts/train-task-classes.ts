/**
 * Trains the task-class model and writes `assets/task-classes.bin` (npm run train:task-classes).
 * Deterministic: the same data gives the same bytes. Reads `../shared/data/` (or TOLLGATE_DATA_DIR).
 * Arena-Hard's odd-numbered prompts are the held-out report and are never read here; the numbers this
 * prints are the tuning ones: MT-Bench by 10-fold cross-validation over questions and Arena-Hard's
 * even prompts by 5-fold cross-validation.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TASK_CLASSES } from '../src/language/task-class-names.ts';
import { taskFeatures, FEATURE_SCALES, type FeatureScales, type SparseFeatures } from '../src/language/task-features.ts';
import { encodeTaskModel, linearTaskModel } from '../src/language/task-model.ts';
import { trainTaskWeights, type TrainOptions } from '../src/language/task-train.ts';
import { trainingPrompts, type LabelledPrompt } from './task-class-data.ts';

export const TRAIN_OPTIONS: TrainOptions & { bag?: number } = { epochs: 30, learningRate: 0.5, l2: 1e-4, balance: 1, seed: 15, bag: 1 };

export type FeaturedPrompt = LabelledPrompt & { features: SparseFeatures; weight?: number };

/**
 * What the shipped model is trained on besides `trainingPrompts`' defaults: Arena-Hard v0.1's
 * hand-labelled prompts at this example weight (0: left out) and an example weight per source
 * (default 1). Chosen with scripts/task-class-cv.ts (`--v01`, `--weights`).
 */
export const TRAINING_DATA: { arenaV01: number; weights: Partial<Record<LabelledPrompt['source'], number>> } = { arenaV01: 0, weights: {} };

/** The shipped model's training examples, featured and weighted as TRAINING_DATA says. */
export function shippedExamples(dataDir: string): FeaturedPrompt[] {
  return featured(trainingPrompts(dataDir, { arenaV01: TRAINING_DATA.arenaV01 > 0 })).map((p) => ({ ...p, weight: p.source === 'arena-v0.1' ? TRAINING_DATA.arenaV01 : (TRAINING_DATA.weights[p.source] ?? 1) }));
}

export function featured(prompts: readonly LabelledPrompt[], scales: Readonly<FeatureScales> = FEATURE_SCALES): FeaturedPrompt[] {
  return prompts.map((prompt) => ({ ...prompt, features: taskFeatures(prompt.prompt, scales) }));
}

/** The mean of `n` models' weights, trained with seeds `seed`, `seed + 1`, ...: less of SGD's visiting order in the result. */
export function bagged(n: number, train: (seed: number) => Float32Array, seed: number): Float32Array {
  const sum = train(seed);
  for (let k = 1; k < n; k += 1) {
    const next = train(seed + k);
    for (let f = 0; f < sum.length; f += 1) sum[f] = (sum[f] as number) + (next[f] as number);
  }
  if (n > 1) for (let f = 0; f < sum.length; f += 1) sum[f] = (sum[f] as number) / n;
  return sum;
}

export function trainWeights(examples: readonly FeaturedPrompt[]): Float32Array {
  return bagged(TRAIN_OPTIONS.bag ?? 1, (seed) => trainTaskWeights(TASK_CLASSES, examples, { ...TRAIN_OPTIONS, seed }), TRAIN_OPTIONS.seed ?? 15);
}

function argmax(values: Float64Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i += 1) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}

export type Trainer = (examples: readonly FeaturedPrompt[]) => Float32Array;
export type CrossValidatedRow = { want: string; got: string; prompt: string };

/**
 * MT-Bench accuracy on first turns when each tenth of the questions (both turns) is left out of
 * training in turn: the honest figure for a set that is also training data.
 */
export function mtBenchCrossValidated(examples: readonly FeaturedPrompt[], folds = 10, train: Trainer = trainWeights): CrossValidatedRow[] {
  const out: CrossValidatedRow[] = [];
  for (let fold = 0; fold < folds; fold += 1) {
    const held = (p: FeaturedPrompt): boolean => p.source === 'mt-bench' && (p.group ?? 0) % folds === fold;
    const model = linearTaskModel(TASK_CLASSES, train(examples.filter((p) => !held(p))));
    const seen = new Set<number>();
    for (const p of examples.filter(held)) {
      if (seen.has(p.group ?? 0)) continue; // first turn only, as in the report
      seen.add(p.group ?? 0);
      out.push({ want: p.label, got: TASK_CLASSES[argmax(model.predict(p.features))] as string, prompt: p.prompt });
    }
  }
  return out;
}

/**
 * Arena-Hard's EVEN prompts by k-fold cross-validation (every k-th even prompt held out in turn); the
 * odd prompts are not part of `examples`. `keep` (0-1] trains on that share of the other folds' Arena
 * prompts only (a learning curve); the other sources are always kept whole.
 */
export function arenaEvenCrossValidated(examples: readonly FeaturedPrompt[], options: { folds?: number; keep?: number; train?: Trainer } = {}): CrossValidatedRow[] {
  const folds = options.folds ?? 5;
  const keep = options.keep ?? 1;
  const train = options.train ?? trainWeights;
  const arena = examples.map((p, i) => (p.source === 'arena' ? i : -1)).filter((i) => i >= 0);
  const out: CrossValidatedRow[] = [];
  for (let fold = 0; fold < folds; fold += 1) {
    const test = new Set(arena.filter((_, k) => k % folds === fold));
    // A deterministic, evenly spread subset of the training folds' Arena prompts (golden-ratio stride).
    const kept = new Set(arena.filter((i) => !test.has(i)).filter((_, k) => (k * 0.6180339887) % 1 < keep));
    const model = linearTaskModel(TASK_CLASSES, train(examples.filter((p, i) => (p.source === 'arena' ? kept.has(i) : true))));
    for (const i of test) {
      const p = examples[i] as FeaturedPrompt;
      out.push({ want: p.label, got: TASK_CLASSES[argmax(model.predict(p.features))] as string, prompt: p.prompt });
    }
  }
  return out;
}

const accuracy = (rows: readonly CrossValidatedRow[]): number => rows.filter((r) => r.want === r.got).length / rows.length;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dataDir = process.env.TOLLGATE_DATA_DIR ?? fileURLToPath(new URL('../../shared/data/', import.meta.url));
  const started = Date.now();
  const examples = shippedExamples(dataDir);
  const bySource = new Map<string, number>();
  for (const p of examples) bySource.set(p.source, (bySource.get(p.source) ?? 0) + 1);
  console.log(`training prompts: ${examples.length} (${[...bySource].map(([s, n]) => `${s} ${n}`).join(', ')})`);
  if (!process.argv.includes('--no-cv')) {
    const mt = mtBenchCrossValidated(examples);
    console.log(`MT-Bench 10-fold (first turns): ${accuracy(mt).toFixed(3)}`);
    console.log(`Arena-Hard even 5-fold: ${accuracy(arenaEvenCrossValidated(examples)).toFixed(3)}`);
  }
  const bytes = encodeTaskModel(TASK_CLASSES, trainWeights(examples));
  const target = fileURLToPath(new URL('../assets/task-classes.bin', import.meta.url));
  writeFileSync(target, bytes);
  console.log(`wrote ${target} (${bytes.length} bytes) in ${Date.now() - started} ms`);
}
