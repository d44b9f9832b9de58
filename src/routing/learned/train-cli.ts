/**
 * Train the learned quality router from the RouteLLM evaluation files and write the artefact.
 * (The `tollgate` CLI command wraps {@link trainFromFiles}.)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadRouteLlmSplits } from './datasets.ts';
import { DEFAULT_TRAIN_OPTIONS, predict, serialize, thresholdForShare, trainRouter, type TrainOptions } from './model.ts';

export interface TrainFromFilesOptions {
  /** Directory with `mmlu/` and `gsm8k/` (RouteLLM `evals` layout). */
  routellmDir: string;
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
  nTrain: number;
  /** Of which from `extraExamples` (feedback). */
  nExtra: number;
  nPositive: number;
  nHeldOut: number;
  threshold: number;
  /** Share of training prompts at or above the threshold. */
  trainStrongShare: number;
  nonZeroWeights: number;
  options: TrainOptions;
  trainMs: number;
}

export async function trainFromFiles(opts: TrainFromFilesOptions): Promise<TrainSummary> {
  if (!(opts.targetStrongShare >= 0 && opts.targetStrongShare <= 1)) {
    throw new Error(`targetStrongShare must be in [0, 1], got ${opts.targetStrongShare}`);
  }
  const started = performance.now();
  const splits = loadRouteLlmSplits(opts.routellmDir, opts.trainPercent ?? 70);
  if (splits.train.length === 0) throw new Error(`no training prompts found under ${opts.routellmDir}`);
  const options: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, ...opts.train };
  const extra = opts.extraExamples ?? [];
  const model = trainRouter([...splits.train.map((p) => ({ prompt: p.prompt, label: p.label })), ...extra], options);
  const scores = splits.train.map((p) => predict(model, p.prompt));
  model.threshold = thresholdForShare(scores, opts.targetStrongShare);
  const trainStrongShare = scores.filter((s) => s >= model.threshold).length / scores.length;
  const text = serialize(model);
  mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true });
  writeFileSync(opts.out, text);
  let nonZeroWeights = 0;
  for (const w of model.weights) if (w !== 0) nonZeroWeights++;
  return {
    out: opts.out,
    bytes: Buffer.byteLength(text),
    nTrain: splits.train.length + extra.length,
    nExtra: extra.length,
    nPositive: splits.train.filter((p) => p.label === 1).length,
    nHeldOut: splits.test.length,
    threshold: model.threshold,
    trainStrongShare,
    nonZeroWeights,
    options,
    trainMs: Math.round(performance.now() - started),
  };
}
