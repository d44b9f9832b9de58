/**
 * Cross-validated comparison of task-class training settings, on the training side only
 * (npx tsx scripts/task-class-cv.ts [--train '{"l2":1e-4}'] [--scales '{"cue":3}'] [--seeds 15,1,2] [--bag 1] [--v01 0] [--mmlu 3] [--gsm8k 8] [--weights '{"mt-bench":2}']):
 * Arena-Hard's EVEN prompts by 5-fold cross-validation and MT-Bench's first turns by 10-fold
 * cross-validation over questions, per training seed and their mean. `--train` overrides
 * TRAIN_OPTIONS, `--scales` the feature blocks' FEATURE_SCALES, `--bag n` averages the weights of n models trained with consecutive seeds, `--v01 w`
 * adds Arena-Hard v0.1's hand-labelled prompts with example weight w, `--mmlu`/`--gsm8k` set
 * trainingPrompts' mmluPerSubject/gsm8kEvery, `--weights` an example weight per source. Arena-Hard's odd prompts (the
 * held-out report) are never read. This is how the shipped settings were chosen.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { TASK_CLASSES } from '../src/language/task-class-names.ts';
import { FEATURE_SCALES, type FeatureScales } from '../src/language/task-features.ts';
import { trainTaskWeights, type TrainOptions } from '../src/language/task-train.ts';
import { confusion } from './confusion-table.ts';
import { trainingPrompts } from './task-class-data.ts';
import { arenaEvenCrossValidated, bagged, featured, mtBenchCrossValidated, TRAIN_OPTIONS, type CrossValidatedRow, type Trainer } from './train-task-classes.ts';

const { values: args } = parseArgs({ options: { train: { type: 'string', default: '{}' }, seeds: { type: 'string', default: '15,1,2' }, bag: { type: 'string' }, v01: { type: 'string', default: '0' }, table: { type: 'boolean', default: false }, scales: { type: 'string', default: '{}' }, mmlu: { type: 'string' }, gsm8k: { type: 'string' }, weights: { type: 'string', default: '{}' } } });
const overrides = JSON.parse(args.train) as TrainOptions & { bag?: number };
const bag = Number(args.bag ?? overrides.bag ?? TRAIN_OPTIONS.bag ?? 1);
const v01 = Number(args.v01);
const accuracy = (rows: readonly CrossValidatedRow[]): number => rows.filter((r) => r.want === r.got).length / rows.length;

const dataDir = process.env.TOLLGATE_DATA_DIR ?? fileURLToPath(new URL('../../shared/data/', import.meta.url));
const sourceWeights = JSON.parse(args.weights) as Record<string, number>;
const scales = { ...FEATURE_SCALES, ...(JSON.parse(args.scales) as Partial<FeatureScales>) };
const examples = featured(trainingPrompts(dataDir, { arenaV01: v01 > 0, ...(args.mmlu === undefined ? {} : { mmluPerSubject: Number(args.mmlu) }), ...(args.gsm8k === undefined ? {} : { gsm8kEvery: Number(args.gsm8k) }) }), scales).map((p) => ({ ...p, weight: p.source === 'arena-v0.1' ? v01 : (sourceWeights[p.source] ?? 1) }));
const started = process.cpuUsage();
const arenaBySeed: number[] = [];
const mtBySeed: number[] = [];
for (const seed of args.seeds.split(',').map(Number)) {
  const options = { ...TRAIN_OPTIONS, ...overrides, seed };
  const train: Trainer = (rows) => bagged(bag, (s) => trainTaskWeights(TASK_CLASSES, rows, { ...options, seed: s }), seed);
  const arena = arenaEvenCrossValidated(examples, { train });
  const mt = mtBenchCrossValidated(examples, 10, train);
  arenaBySeed.push(accuracy(arena));
  mtBySeed.push(accuracy(mt));
  console.log(`seed ${String(seed).padStart(3)}: Arena even ${arenaBySeed.at(-1)!.toFixed(3)}  MT-Bench ${mtBySeed.at(-1)!.toFixed(3)}`);
  if (args.table) console.log(`${confusion(arena).table}\n${confusion(mt).table}`);
}
const mean = (xs: number[]): string => (xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(3);
console.log(`${JSON.stringify({ ...overrides, bag, v01, scales: JSON.parse(args.scales) as unknown, mmlu: args.mmlu, gsm8k: args.gsm8k, weights: sourceWeights })}  mean Arena even ${mean(arenaBySeed)}  MT-Bench ${mean(mtBySeed)}  (min ${Math.min(...arenaBySeed).toFixed(3)} / ${Math.min(...mtBySeed).toFixed(3)})  cpu ${(process.cpuUsage(started).user / 1e6).toFixed(0)} s`);
