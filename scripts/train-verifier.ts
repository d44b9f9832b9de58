/**
 * Trains the semantic cache's pair verifier (`src/cache/semantic/verifier-model.ts`) on QQP as
 * GPTCache packs it (`../shared/data/gptcache-qqp/similiar_qqp_full.json`), using pairs 0-59,999
 * only: the trees are fitted on 0-49,999, the operating threshold is picked on 50,000-59,999.
 * Pairs 60,000 onwards are never read: they are the held-out report (`test/data/semantic-qqp.test.ts`).
 *
 *   npm run train:verifier [-- --rounds 300 --depth 4 --fhr 0.002 --precision 0.93 --floor 0.6]
 *
 * Deterministic: no sampling, fixed split candidates (feature quantiles), ties broken by feature
 * order, so the same data gives the same file. Only pairs that pass the hard vetoes are learned from
 * (the rest are never served), and only the pipeline's own decision is scored when picking the
 * threshold: identical prompts are served, vetoed ones are not, the rest when the probability
 * reaches the threshold.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { guardMatch, hardMismatch } from '../src/cache/semantic/guard.ts';
import { FEATURE_NAMES, pairFeatures } from '../src/cache/semantic/verifier-features.ts';
import { verifierProbability, type TreeNode, type VerifierModel } from '../src/cache/semantic/verifier.ts';
import { normaliseText } from '../src/language/text.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const ROUNDS = arg('rounds', 300);
const LEARNING_RATE = arg('rate', 0.1);
const LAMBDA = 1;
/** Negatives weigh more: the operating point is in the high-precision corner. */
const NEGATIVE_WEIGHT = arg('negative-weight', 1);
const BINS = 48;
const DEPTH = arg('depth', 4);
/** A split leaves at least this much curvature (about 20 uncertain pairs) on each side. */
const MIN_HESSIAN = 5;
const round4 = (v: number) => Math.round(v * 1e4) / 1e4;
const round6 = (v: number) => Math.round(v * 1e6) / 1e6;
/** The operating point: the largest recall on the threshold pairs within both limits. */
const MAX_FALSE_HIT_RATE = arg('fhr', 0.002);
const MIN_PRECISION = arg('precision', 0.93);
/** The cosine floor recommended with the verifier (config `cache.semantic.threshold`): a loose prefilter. */
const FLOOR = arg('floor', 0.6);

interface Pair {
  text_a: string;
  text_b: string;
  label: number;
}
const dataFile = path.resolve(root, '../shared/data/gptcache-qqp/similiar_qqp_full.json');
if (!existsSync(dataFile)) throw new Error(`${dataFile} is missing (see ../shared/data/README.md)`);
const all = JSON.parse(readFileSync(dataFile, 'utf8')) as Pair[];
const tuning = all.slice(0, 60_000);

/** Per pair: served outright (identical), vetoed, or a feature vector for the model. */
type Row = { label: number; kind: 'identical' | 'vetoed' } | { label: number; kind: 'model'; x: Float64Array; guardOk: boolean };
const started = Date.now();
const rows: Row[] = tuning.map((pair) => {
  if (normaliseText(pair.text_a).trim() === normaliseText(pair.text_b).trim()) return { label: pair.label, kind: 'identical' };
  if (hardMismatch(pair.text_a, pair.text_b, { strict: true, lenient: true }) !== undefined) return { label: pair.label, kind: 'vetoed' };
  return { label: pair.label, kind: 'model', x: pairFeatures(pair.text_a, pair.text_b), guardOk: guardMatch(pair.text_a, pair.text_b, { strict: true }).ok };
});
console.log(`features for ${rows.length} pairs in ${((Date.now() - started) / 1000).toFixed(1)} s`);

const fitRows = rows.slice(0, 50_000).filter((row): row is Extract<Row, { kind: 'model' }> => row.kind === 'model');
const thresholdRows = rows.slice(50_000);
console.log(`fitting on ${fitRows.length} pairs that pass the vetoes (${fitRows.filter((r) => r.label).length} duplicates)`);

// ------------------------------------------------------------ boosted trees (logistic loss, Newton leaves)
const F = FEATURE_NAMES.length;
const n = fitRows.length;
/** Split candidates per feature: distinct quantiles of the fitting values. */
const splits: number[][] = [];
const bins: Uint8Array[] = [];
for (let f = 0; f < F; f += 1) {
  const values = fitRows.map((row) => row.x[f] as number).sort((a, b) => a - b);
  const cuts = [...new Set(Array.from({ length: BINS - 1 }, (_, i) => values[Math.floor(((i + 1) * n) / BINS)] as number))].sort((a, b) => a - b);
  splits.push(cuts);
  const column = new Uint8Array(n);
  fitRows.forEach((row, i) => {
    // bin b holds values in (cuts[b-1], cuts[b]]; a stump "x <= cuts[b]" sends bins 0..b left.
    let b = 0;
    while (b < cuts.length && (row.x[f] as number) > (cuts[b] as number)) b += 1;
    column[i] = b;
  });
  bins.push(column);
}
const labels = Float64Array.from(fitRows, (row) => row.label);
const positives = labels.reduce((s, v) => s + v, 0);
const bias = Math.log(positives / (n - positives));
const margin = new Float64Array(n).fill(bias);
const g = new Float64Array(n);
const h = new Float64Array(n);

/** The best split of the samples `members` (gain, feature, bin), or undefined when none gains. */
function bestSplit(members: Uint32Array): { feature: number; cut: number } | undefined {
  let G = 0;
  let H = 0;
  for (const i of members) {
    G += g[i] as number;
    H += h[i] as number;
  }
  let best: { gain: number; feature: number; cut: number } | undefined;
  for (let f = 0; f < F; f += 1) {
    const cuts = splits[f] as number[];
    const gs = new Float64Array(cuts.length + 1);
    const hs = new Float64Array(cuts.length + 1);
    const column = bins[f] as Uint8Array;
    for (const i of members) {
      gs[column[i] as number] += g[i] as number;
      hs[column[i] as number] += h[i] as number;
    }
    let GL = 0;
    let HL = 0;
    for (let b = 0; b < cuts.length; b += 1) {
      GL += gs[b] as number;
      HL += hs[b] as number;
      const GR = G - GL;
      const HR = H - HL;
      if (HL < MIN_HESSIAN || HR < MIN_HESSIAN) continue;
      const gain = (GL * GL) / (HL + LAMBDA) + (GR * GR) / (HR + LAMBDA) - (G * G) / (H + LAMBDA);
      if (gain > (best?.gain ?? 1e-9) + 1e-12) best = { gain, feature: f, cut: b };
    }
  }
  return best;
}

/** Grows one regression tree on the gradients (Newton leaf values, scaled by the learning rate). */
function grow(members: Uint32Array, depth: number): TreeNode {
  const split = depth < DEPTH ? bestSplit(members) : undefined;
  if (!split) {
    let G = 0;
    let H = 0;
    for (const i of members) {
      G += g[i] as number;
      H += h[i] as number;
    }
    const value = round4((LEARNING_RATE * -G) / (H + LAMBDA));
    for (const i of members) margin[i] = (margin[i] as number) + value;
    return value;
  }
  const column = bins[split.feature] as Uint8Array;
  const left = members.filter((i) => (column[i] as number) <= split.cut);
  const right = members.filter((i) => (column[i] as number) > split.cut);
  return [split.feature, round6((splits[split.feature] as number[])[split.cut] as number), grow(left, depth + 1), grow(right, depth + 1)];
}

const everyone = Uint32Array.from({ length: n }, (_, i) => i);
const trees: TreeNode[] = [];
for (let round = 0; round < ROUNDS; round += 1) {
  for (let i = 0; i < n; i += 1) {
    const p = 1 / (1 + Math.exp(-(margin[i] as number)));
    const w = labels[i] ? 1 : NEGATIVE_WEIGHT;
    g[i] = w * (p - (labels[i] as number));
    h[i] = w * Math.max(p * (1 - p), 1e-6);
  }
  trees.push(grow(everyone, 0));
}

const model: { -readonly [K in keyof VerifierModel]: VerifierModel[K] } = {
  features: FEATURE_NAMES,
  bias: round4(bias),
  trees,
  threshold: 1,
};

// ------------------------------------------------------------ operating threshold on pairs 50,000-59,999
/** Each row's probability, computed once (identical prompts: 1, vetoed: -1, never served). */
const probabilities = new Map<Row, number>();
const probabilityOf = (row: Row): number => {
  let p = probabilities.get(row);
  if (p === undefined) probabilities.set(row, (p = row.kind === 'identical' ? 1 : row.kind === 'vetoed' ? -1 : verifierProbability(row.x, model)));
  return p;
};
/**
 * The cache's decision in verifier mode: identical prompts are served; otherwise a neighbour at or
 * above the cosine floor (the default hashed embedder's cosine is feature 0) that passes the
 * vetoes is served when the verifier's probability reaches the threshold.
 */
function pipeline(rowsToScore: readonly Row[], threshold: number, floor = FLOOR) {
  let tp = 0;
  let fp = 0;
  let pos = 0;
  let neg = 0;
  for (const row of rowsToScore) {
    if (row.label) pos += 1;
    else neg += 1;
    const served = row.kind === 'identical' || (row.kind === 'model' && (row.x[0] as number) >= floor && probabilityOf(row) >= threshold);
    if (!served) continue;
    if (row.label) tp += 1;
    else fp += 1;
  }
  return { threshold, floor, precision: tp + fp ? tp / (tp + fp) : 1, recall: tp / pos, falseHitRate: fp / neg, hits: tp + fp };
}
// The lowest threshold (most recall) within both limits, among the distinct probabilities (to 3 decimals).
const candidates = [...new Set(thresholdRows.flatMap((row) => (row.kind === 'model' ? [Math.round(probabilityOf(row) * 1000) / 1000] : [])))].sort((a, b) => b - a);
const totalPositives = thresholdRows.filter((row) => row.label).length;
const totalNegatives = thresholdRows.length - totalPositives;
let chosenThreshold = 1;
for (const t of candidates) {
  const at = pipeline(thresholdRows, t);
  if (at.falseHitRate <= MAX_FALSE_HIT_RATE && at.precision >= MIN_PRECISION) chosenThreshold = t;
}
const chosen = pipeline(thresholdRows, chosenThreshold);
model.threshold = chosen.threshold;
const fmt = (s: ReturnType<typeof pipeline>) =>
  `threshold ${s.threshold.toFixed(4)}  floor ${s.floor}  precision ${s.precision.toFixed(3)}  recall ${s.recall.toFixed(4)}  false-hit rate ${s.falseHitRate.toFixed(4)}  hits ${s.hits}`;
console.log(`fit pairs (0-49,999):        ${fmt(pipeline(rows.slice(0, 50_000), model.threshold))}`);
console.log(`threshold pairs (50k-59,999): ${fmt(chosen)}`);
const guardAlone = (() => {
  let tp = 0;
  let fp = 0;
  for (const row of thresholdRows) {
    if (!(row.kind === 'identical' || (row.kind === 'model' && row.guardOk && (row.x[0] as number) >= 0.9))) continue;
    if (row.label) tp += 1;
    else fp += 1;
  }
  return `precision ${(tp / (tp + fp)).toFixed(3)}  recall ${(tp / totalPositives).toFixed(4)}  false-hit rate ${(fp / totalNegatives).toFixed(4)}  hits ${tp + fp}`;
})();
console.log(`rule-based guard, cosine >= 0.9 (threshold pairs):                ${guardAlone}`);
for (const t of [0.8, 0.85, 0.9, 0.95]) console.log(`  at ${t}: ${fmt(pipeline(thresholdRows, t))}`);
const usage = new Map<string, number>();
const count = (node: TreeNode): void => {
  if (typeof node === 'number') return;
  usage.set(FEATURE_NAMES[node[0]] as string, (usage.get(FEATURE_NAMES[node[0]] as string) ?? 0) + 1);
  count(node[2]);
  count(node[3]);
};
model.trees.forEach(count);
console.log(`${model.trees.length} trees of depth ${DEPTH}; splits by feature: ${[...usage].map(([k, v]) => `${k} ${v}`).join(', ')}`);

const outArg = process.argv.indexOf('--out');
const out = outArg > 0 ? path.resolve(process.argv[outArg + 1] as string) : path.join(root, 'src/cache/semantic/verifier-model.ts');
writeFileSync(
  out,
  `/**
 * Weights of the semantic cache's pair verifier, written by \`npm run train:verifier\`
 * (scripts/train-verifier.ts: ${ROUNDS} boosted trees of depth ${DEPTH}, rate ${LEARNING_RATE}, fitted on QQP pairs
 * 0-49,999; threshold for false-hit rate <= ${MAX_FALSE_HIT_RATE} and precision >= ${MIN_PRECISION} on pairs 50,000-59,999).
 * Do not edit by hand.
 */
export const VERIFIER_MODEL = {
  features: ${JSON.stringify(model.features)},
  bias: ${model.bias},
  threshold: ${model.threshold},
  trees: [
${model.trees.map((tree) => `    ${JSON.stringify(tree)},`).join('\n')}
  ],
} as const;
`,
);
console.log(`wrote ${path.relative(root, out)}`);
