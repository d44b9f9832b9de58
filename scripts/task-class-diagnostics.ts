/**
 * Where the task-class model goes wrong, from the training side only (npm run diagnose:task-classes):
 * - the confusion table of Arena-Hard's EVEN prompts by 5-fold cross-validation, and of MT-Bench's
 *   first turns by 10-fold cross-validation over questions;
 * - a learning curve: the even-side accuracy when the model sees a third, two thirds or all of the
 *   other folds' Arena prompts (how much more labelled data of that kind would buy);
 * - the spread of both cross-validated figures over training seeds (how much of a difference between
 *   two settings is the order SGD happened to visit the examples in).
 * - the same two figures per seed with Arena-Hard v0.1's hand-labelled prompts added to training
 *   (`arenaHardV01`, not in the shipped model): more Arena-like data against MT-Bench.
 * Arena-Hard's odd prompts, the held-out report of test/data/task-classes.test.ts, are never read.
 * Reads `../shared/data/` (or TOLLGATE_DATA_DIR). Takes a few minutes on a loaded machine.
 */
import { fileURLToPath } from 'node:url';
import { TASK_CLASSES } from '../src/language/task-class-names.ts';
import { trainTaskWeights } from '../src/language/task-train.ts';
import { confusion } from './confusion-table.ts';
import { trainingPrompts } from './task-class-data.ts';
import { arenaEvenCrossValidated, featured, mtBenchCrossValidated, shippedExamples, TRAIN_OPTIONS, type CrossValidatedRow } from './train-task-classes.ts';

const accuracy = (rows: readonly CrossValidatedRow[]): number => rows.filter((r) => r.want === r.got).length / rows.length;

const dataDir = process.env.TOLLGATE_DATA_DIR ?? fileURLToPath(new URL('../../shared/data/', import.meta.url));
const examples = shippedExamples(dataDir);

const arena = arenaEvenCrossValidated(examples);
const arenaTable = confusion(arena);
console.log(`Arena-Hard even, 5-fold (${arena.length} prompts): accuracy ${arenaTable.accuracy.toFixed(3)}\n${arenaTable.table}\n`);
const mt = mtBenchCrossValidated(examples);
const mtTable = confusion(mt);
console.log(`MT-Bench first turns, 10-fold over questions (${mt.length}): accuracy ${mtTable.accuracy.toFixed(3)}\n${mtTable.table}\n`);

console.log('learning curve (share of the training folds\' Arena prompts used -> Arena even 5-fold accuracy):');
for (const keep of [1 / 3, 2 / 3, 1]) console.log(`  ${keep.toFixed(2)}  ${accuracy(arenaEvenCrossValidated(examples, { keep })).toFixed(3)}`);

const seeds = (process.env.SEEDS ?? '15,1,2,3,4').split(',').map(Number);
console.log(`\nseed spread (seeds ${seeds.join(', ')}; the shipped model uses seed ${TRAIN_OPTIONS.seed}):`);
const range = (xs: number[]): string => `${Math.min(...xs).toFixed(3)}-${Math.max(...xs).toFixed(3)} (mean ${(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(3)})`;
/** Arena even 5-fold and MT-Bench 10-fold accuracy of models trained on `rows` with each seed, then their ranges. */
function seedSpread(rows: typeof examples): void {
  const arenaBySeed: number[] = [];
  const mtBySeed: number[] = [];
  for (const seed of seeds) {
    const train = (fold: Parameters<typeof trainTaskWeights>[1]): Float32Array => trainTaskWeights(TASK_CLASSES, fold, { ...TRAIN_OPTIONS, seed });
    arenaBySeed.push(accuracy(arenaEvenCrossValidated(rows, { train })));
    mtBySeed.push(accuracy(mtBenchCrossValidated(rows, 10, train)));
    console.log(`  seed ${String(seed).padStart(3)}: Arena even ${arenaBySeed.at(-1)!.toFixed(3)}, MT-Bench ${mtBySeed.at(-1)!.toFixed(3)}`);
  }
  console.log(`  Arena even ${range(arenaBySeed)}; MT-Bench ${range(mtBySeed)}`);
}
seedSpread(examples);

const withV01 = featured(trainingPrompts(dataDir, { arenaV01: true }));
console.log(`\nwith Arena-Hard v0.1's ${withV01.length - examples.length} hand-labelled prompts added to training (not in the shipped model):`);
seedSpread(withV01);
