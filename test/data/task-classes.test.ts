import { expect, it } from 'vitest';
import { classifyTask } from '../../src/language/task-class.ts';
import { arenaHard } from '../../scripts/task-class-data.ts';
import { mtBenchCrossValidated, shippedExamples } from '../../scripts/train-task-classes.ts';
import { confusion } from '../../scripts/confusion-table.ts';
import { hasSharedData, missingSharedData, sharedDataDir } from '../support/shared-data.ts';
import { skipUnless } from '../support/skip-unless.ts';

const MT_BENCH = 'routellm-evals/mt_bench/question.jsonl';
const ARENA_HARD = 'arena-hard/arena-hard-v2.0-question.jsonl';
/** Floors reached (the target is 0.85 on both; the printed tables are the report). */
const ARENA_FLOOR = 0.83;
const MT_FLOOR = 0.88;

/**
 * Task classes against labelled prompts: MT-Bench's 80 first turns (8 categories; stem and humanities
 * are knowledge questions) and Arena-Hard v2's 750 real prompts (coding, maths, creative writing; many
 * not in English).
 *
 * Protocol: the model (`npm run train:task-classes`) is trained on Arena-Hard's EVEN-numbered prompts
 * (plus MT-Bench, GSM8K, some MMLU and small talk, as `shippedExamples` says); the ODD-numbered ones were never looked at while
 * the features and settings were chosen and are the held-out report, scored with the shipped model.
 * MT-Bench is training data too, so its figure is 10-fold cross-validation over questions: each tenth
 * of the questions (both turns) is left out of training in turn and its first turns classified.
 */
skipUnless(hasSharedData(MT_BENCH) && hasSharedData(ARENA_HARD), missingSharedData(hasSharedData(MT_BENCH) ? ARENA_HARD : MT_BENCH))('task classes on labelled prompts', () => {
  it('Arena-Hard v2 held-out (odd prompts), shipped model: accuracy and confusion table', () => {
    const heldOut = arenaHard(sharedDataDir, 1).map((row) => ({ want: row.label, got: classifyTask(row.prompt).taskClass }));
    const result = confusion(heldOut);
    console.log(`Arena-Hard v2 held-out (${heldOut.length} odd-numbered prompts): accuracy ${result.accuracy.toFixed(3)}\n${result.table}`);
    expect(heldOut).toHaveLength(375);
    expect(result.accuracy).toBeGreaterThanOrEqual(ARENA_FLOOR);
  });

  it('MT-Bench (80 first turns), 10-fold cross-validation over questions: accuracy and confusion table', () => {
    const rows = mtBenchCrossValidated(shippedExamples(sharedDataDir));
    const result = confusion(rows);
    console.log(`MT-Bench 10-fold cross-validated (${rows.length} first turns): accuracy ${result.accuracy.toFixed(3)}\n${result.table}`);
    expect(rows).toHaveLength(80);
    expect(result.accuracy).toBeGreaterThanOrEqual(MT_FLOOR);
  }, 600_000);
});
