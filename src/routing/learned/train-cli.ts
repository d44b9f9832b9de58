/**
 * Train the learned quality router from labelled data and write the artefact: a JSONL file in the
 * router's own format (see jsonl-dataset.ts) or a RouteLLM `evals` directory (mmlu/ and gsm8k/).
 * The prompts are split deterministically (by a hash of their text) into a training part and a
 * held-out part the model never sees, on which accuracy, AUC and the strong share are reported.
 * (The `tollgate router train` CLI command wraps {@link trainFromFiles}.)
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadRouteLlmSplits } from './datasets.ts';
import { scoreHeldOut, type HeldOutScore } from './held-out.ts';
import { loadJsonlExamples } from './jsonl-dataset.ts';
import { DEFAULT_TRAIN_OPTIONS, predict, serialize, thresholdForShare, trainRouter, type TrainOptions } from './model.ts';

export interface TrainFromFilesOptions {
  /** A `.jsonl` file of labelled prompts, or a directory with `mmlu/` and `gsm8k/` (RouteLLM `evals` layout). */
  data?: string;
  /** @deprecated the same as `data` (a RouteLLM directory). */
  routellmDir?: string;
  /** Output path of the serialised model (JSON). */
  out: string;
  /** Share of prompts to route to the strong model, in [0, 1]; sets the artefact's threshold. */
  targetStrongShare: number;
  /** Training hyper-parameters (defaults: {@link DEFAULT_TRAIN_OPTIONS}). */
  train?: Partial<TrainOptions>;
  /** Train share of the deterministic hash split, in percent (default 70). */
  trainPercent?: number;
  /** More labelled prompts (e.g. from user feedback), appended to the training set with their weight. */
  extraExamples?: Array<{ prompt: string; label: 0 | 1; weight?: number }>;
}

export interface TrainSummary {
  out: string;
  bytes: number;
  /** `jsonl` or `routellm`. */
  format: 'jsonl' | 'routellm';
  nTrain: number;
  /** Of which from `extraExamples` (feedback). */
  nExtra: number;
  nPositive: number;
  nHeldOut: number;
  threshold: number;
  /** Share of training prompts at or above the threshold. */
  trainStrongShare: number;
  /** The held-out part (never trained on): accuracy and AUC against the labels, and the strong share at the threshold. */
  heldOut: HeldOutScore;
  nonZeroWeights: number;
  options: TrainOptions;
  trainMs: number;
}

interface Labelled {
  prompt: string;
  label: 0 | 1;
  weight?: number;
}

export async function trainFromFiles(opts: TrainFromFilesOptions): Promise<TrainSummary> {
  if (!(opts.targetStrongShare >= 0 && opts.targetStrongShare <= 1)) {
    throw new Error(`targetStrongShare must be in [0, 1], got ${opts.targetStrongShare}`);
  }
  const source = opts.data ?? opts.routellmDir;
  if (!source) throw new Error('no training data given');
  const started = performance.now();
  const trainPercent = opts.trainPercent ?? 70;
  let kind: 'file' | 'directory';
  try {
    kind = statSync(source).isDirectory() ? 'directory' : 'file';
  } catch {
    throw new Error(`no training data at ${source}`);
  }
  let train: Labelled[];
  let heldOut: Labelled[];
  if (kind === 'directory') {
    const splits = loadRouteLlmSplits(source, trainPercent);
    train = splits.train;
    heldOut = splits.test;
  } else {
    const examples = loadJsonlExamples(source, trainPercent);
    train = examples.filter((example) => example.split === 'train');
    heldOut = examples.filter((example) => example.split === 'test');
  }
  if (train.length === 0) throw new Error(`no training prompts found in ${source}`);
  const options: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, ...opts.train };
  const extra = opts.extraExamples ?? [];
  const model = trainRouter([...train.map((p) => ({ prompt: p.prompt, label: p.label, ...(p.weight !== undefined && { weight: p.weight }) })), ...extra], options);
  const scores = train.map((p) => predict(model, p.prompt));
  model.threshold = thresholdForShare(scores, opts.targetStrongShare);
  const trainStrongShare = scores.filter((s) => s >= model.threshold).length / scores.length;
  const held = scoreHeldOut(
    heldOut.map((p) => predict(model, p.prompt)),
    heldOut.map((p) => p.label),
    model.threshold,
  );
  const text = serialize(model);
  mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true });
  writeFileSync(opts.out, text);
  let nonZeroWeights = 0;
  for (const w of model.weights) if (w !== 0) nonZeroWeights++;
  return {
    out: opts.out,
    bytes: Buffer.byteLength(text),
    format: kind === 'directory' ? 'routellm' : 'jsonl',
    nTrain: train.length + extra.length,
    nExtra: extra.length,
    nPositive: train.filter((p) => p.label === 1).length,
    nHeldOut: heldOut.length,
    threshold: model.threshold,
    trainStrongShare,
    heldOut: held,
    nonZeroWeights,
    options,
    trainMs: Math.round(performance.now() - started),
  };
}
