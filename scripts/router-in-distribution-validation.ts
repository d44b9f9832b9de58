/**
 * Candidate routers for the in-distribution target (issue #15 "what it must show 2": at most 45 %
 * strong calls for 95 % of strong accuracy), compared on validation splits carved out of the 70 %
 * TRAINING part of the MMLU + GSM8K hash split. The 30 % test part, which
 * test/data/router-leave-subjects-out.test.ts reports, is never read here.
 *
 * For each salt, a quarter of the training prompts (by a salted hash) is the validation set and the
 * rest trains: 'learned' (hashed n-gram +1 model), 'gain' (boosted stumps on the difficulty cues and
 * the task-class probabilities, P(+1) − P(−1)), 'learned gain' (two hashed models, P(+1) − P(−1)),
 * 'gain blend' (rank mean of gain and learned gain: the router the test reports), and 'stacked gain'
 * (the stumps of 'gain' with the hashed learned gain as one more input, taken out of fold on the
 * training side so the stumps do not learn to trust an overfitted score). npm run validate:router-id.
 */
import { fileURLToPath } from 'node:url';
import { loadGsm8k, loadMmlu, splitOf, type LabelledPrompt } from '../src/routing/learned/datasets.ts';
import { evaluateRouter, toOutcomes } from '../src/routing/learned/evaluate.ts';
import { extractFeatures, type SparseFeatures } from '../src/routing/learned/features.ts';
import { predictFeatures, trainRouterOnFeatures } from '../src/routing/learned/model.ts';
import { difficultyFeatures } from '../src/routing/learned/difficulty-features.ts';
import { rankBlend } from '../src/routing/learned/rank-blend.ts';
import { expectedGain, trainGainModel } from '../src/routing/learned/expected-gain.ts';
import { defaultWordTable } from '../src/language/word-table.ts';
import { taskFeatures } from '../src/language/task-features.ts';
import { defaultTaskModel } from '../src/language/task-model.ts';

const dataDir = process.env.TOLLGATE_DATA_DIR ?? fileURLToPath(new URL('../../shared/data/', import.meta.url));
const routellm = `${dataDir.replace(/\/$/, '')}/routellm-evals`;
const SALTS = ['tollgate-router-val-v1', 'val-a', 'val-b', 'val-c'];

const train = [...loadMmlu(routellm), ...loadGsm8k(routellm)].filter((p) => !p.contaminated && p.split === 'train');
const table = defaultWordTable();
const taskModel = defaultTaskModel();
const sparse = new Map<LabelledPrompt, SparseFeatures>(train.map((p) => [p, extractFeatures(p.prompt)]));
const cues = new Map<LabelledPrompt, Float64Array>(train.map((p) => [p, Float64Array.from([...difficultyFeatures(p.prompt, table), ...taskModel.predict(taskFeatures(p.prompt))])]));

const downLabel = (p: LabelledPrompt) => ({ label: (p.weakCorrect && !p.strongCorrect ? 1 : 0) as 0 | 1 });

function hashed(fit: readonly LabelledPrompt[], score: readonly LabelledPrompt[]): { learned: number[]; learnedGain: number[] } {
  const up = trainRouterOnFeatures(fit.map((p) => sparse.get(p)!), fit);
  const down = trainRouterOnFeatures(fit.map((p) => sparse.get(p)!), fit.map(downLabel));
  const learned = score.map((p) => predictFeatures(up, sparse.get(p)!));
  return { learned, learnedGain: score.map((p, i) => learned[i]! - predictFeatures(down, sparse.get(p)!)) };
}

function candidates(fit: LabelledPrompt[], val: LabelledPrompt[]): Record<string, number[]> {
  const { learned, learnedGain } = hashed(fit, val);
  const gainModel = trainGainModel(fit.map((p) => cues.get(p)!), fit);
  const gain = val.map((p) => expectedGain(gainModel, cues.get(p)!));
  // Out-of-fold hashed learned gain on the fitting side (5 folds by position), the full model's on validation.
  const oof = new Array<number>(fit.length).fill(0);
  for (let f = 0; f < 5; f += 1) {
    const inFold = fit.map((_, i) => i % 5 === f);
    const scores = hashed(fit.filter((_, i) => !inFold[i]), fit.filter((_, i) => inFold[i])).learnedGain;
    let k = 0;
    fit.forEach((_, i) => {
      if (inFold[i]) oof[i] = scores[k++]!;
    });
  }
  const stackModel = trainGainModel(fit.map((p, i) => Float64Array.from([...cues.get(p)!, oof[i]!])), fit);
  const stacked = val.map((p, i) => expectedGain(stackModel, Float64Array.from([...cues.get(p)!, learnedGain[i]!])));
  return {
    'length rule': val.map((p) => p.prompt.length),
    learned,
    gain,
    'learned gain': learnedGain,
    'gain blend': rankBlend([gain, learnedGain]),
    'stacked gain': stacked,
    'stacked + learned gain': rankBlend([stacked, learnedGain]),
  };
}

const results = new Map<string, Array<{ apgr: number; share: number | null }>>();
for (const salt of SALTS) {
  const isVal = (p: LabelledPrompt) => splitOf(p.prompt, 25, salt) === 'train';
  const fit = train.filter((p) => !isVal(p));
  const val = train.filter(isVal);
  const outcomes = toOutcomes(val);
  for (const [name, scores] of Object.entries(candidates(fit, val))) {
    const e = evaluateRouter(scores, outcomes);
    results.set(name, [...(results.get(name) ?? []), { apgr: e.apgr, share: e.shareFor95PctStrongAccuracy }]);
  }
  console.log(`validation split '${salt}': fit ${fit.length}, validate ${val.length}`);
}
const pct = (x: number | null) => (x === null ? 'never' : `${(x * 100).toFixed(0)}%`);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(`\n${'router'.padEnd(24)}${'APGR per split'.padEnd(30)}mean   ${'share for 95% per split'.padEnd(26)}mean`);
for (const [name, rows] of results) {
  const shares = rows.map((r) => r.share ?? 1);
  console.log(`${name.padEnd(24)}${rows.map((r) => r.apgr.toFixed(3)).join(' ').padEnd(30)}${mean(rows.map((r) => r.apgr)).toFixed(3)}  ${rows.map((r) => pct(r.share).padStart(5)).join(' ').padEnd(26)}${pct(mean(shares))}`);
}
