/**
 * Learned quality router micro-benchmark: `npx tsx bench/router.ts`. Prints one JSON line with the
 * per-prompt time of feature extraction + predict (µs, p50/p99/mean/max) over the MMLU held-out
 * prompts, for a router trained on the RouteLLM training split (target p99 < 500 µs).
 * Needs ../shared/data/routellm-evals beside the clone.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRouteLlmSplits } from '../src/routing/learned/datasets.ts';
import { extractFeatures } from '../src/routing/learned/features.ts';
import { predict, trainRouter } from '../src/routing/learned/model.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const routellmDir = process.env.ROUTELLM_DIR ?? path.resolve(repoRoot, '../shared/data/routellm-evals');

const splits = loadRouteLlmSplits(routellmDir);
const t0 = performance.now();
const model = trainRouter(splits.train.map((p) => ({ prompt: p.prompt, label: p.label })));
const trainMs = performance.now() - t0;
const prompts = splits.test.filter((p) => p.dataset === 'mmlu').map((p) => p.prompt);

let sink = 0;
for (let r = 0; r < 2; r++) for (const p of prompts) sink += predict(model, p); // warm up

const rounds = 3;
const samples: number[] = [];
for (let r = 0; r < rounds; r++) {
  for (const p of prompts) {
    const a = process.hrtime.bigint();
    sink += predict(model, p);
    samples.push(Number(process.hrtime.bigint() - a) / 1000);
  }
}
// Feature extraction alone, for reference.
const featSamples: number[] = [];
for (const p of prompts) {
  const a = process.hrtime.bigint();
  sink += extractFeatures(p).indices.length;
  featSamples.push(Number(process.hrtime.bigint() - a) / 1000);
}

const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
};
const chars = prompts.map((p) => p.length);
console.log(
  JSON.stringify({
    bench: 'learned-router',
    prompts: prompts.length,
    samples: samples.length,
    promptCharsP50: q(chars, 0.5),
    promptCharsP99: q(chars, 0.99),
    predictUsP50: Number(q(samples, 0.5).toFixed(1)),
    predictUsP99: Number(q(samples, 0.99).toFixed(1)),
    predictUsMean: Number((samples.reduce((a, b) => a + b, 0) / samples.length).toFixed(1)),
    predictUsMax: Number(Math.max(...samples).toFixed(1)),
    featuresUsP50: Number(q(featSamples, 0.5).toFixed(1)),
    featuresUsP99: Number(q(featSamples, 0.99).toFixed(1)),
    targetP99Us: 500,
    withinTarget: q(samples, 0.99) < 500,
    trainMs: Math.round(trainMs),
    checksum: Number(sink.toFixed(3)),
  }),
);
