import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { beforeAll, expect, it } from 'vitest';
import { skipUnless } from '../support/skip-unless.ts';
import { loadAlpacaRouting, loadRouteLlmSplits, type AlpacaRoutingPrompt, type RouteLlmSplits } from '../../src/routing/learned/datasets.ts';
import { compareRouters, toOutcomes, type RouterComparison, type RouterEvaluation } from '../../src/routing/learned/evaluate.ts';
import { DEFAULT_TRAIN_OPTIONS, deserialize, predict, thresholdForShare, trainRouter, type RouterModel } from '../../src/routing/learned/model.ts';
import { trainFromFiles } from '../../src/routing/learned/train-cli.ts';

/**
 * The learned quality router on real data.
 *
 * RouteLLM (Apache-2.0): train on the 70 % hash split of MMLU + GSM8K, evaluate on the held-out
 * 30 % with contaminated prompts removed; label = Mixtral wrong and GPT-4-1106 right.
 *
 * AlpacaEval routing (CC BY-NC 4.0, tests only): the same router (trained on RouteLLM only) scores
 * the AlpacaEval instructions; thresholds are calibrated on a 70 % prompt split and applied to the
 * other 30 %, giving a dollars-vs-mean-win-rate frontier between a cheap model and GPT-4-1106.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const routellmDir = path.resolve(repoRoot, '../shared/data/routellm-evals');
const alpacaDir = path.resolve(repoRoot, '../shared/data/alpaca-eval-routing');

const pct = (x: number | null) => (x === null ? 'never' : `${(x * 100).toFixed(0)}%`);

function row(name: string, e: RouterEvaluation) {
  return {
    router: name,
    APGR: Number(e.apgr.toFixed(4)),
    'share for 95% strong acc': pct(e.shareFor95PctStrongAccuracy),
    'CPT(50%)': pct(e.cpt50),
    'CPT(80%)': pct(e.cpt80),
  };
}

skipUnless(existsSync(routellmDir), `${routellmDir} is missing (RouteLLM evals, from ../shared/data)`)('learned router on RouteLLM MMLU + GSM8K', () => {
  let splits: RouteLlmSplits;
  let model: RouterModel;
  let all: RouterComparison;
  let mmluOnly: RouterComparison;
  let gsm8kOnly: RouterComparison;

  beforeAll(() => {
    splits = loadRouteLlmSplits(routellmDir);
    model = trainRouter(
      splits.train.map((p) => ({ prompt: p.prompt, label: p.label })),
      DEFAULT_TRAIN_OPTIONS,
    );
    const scores = splits.test.map((p) => predict(model, p.prompt));
    all = compareRouters(scores, toOutcomes(splits.test));
    const part = (ds: string) => {
      const idx = splits.test.map((p, i) => (p.dataset === ds ? i : -1)).filter((i) => i >= 0);
      return compareRouters(
        idx.map((i) => scores[i]!),
        toOutcomes(idx.map((i) => splits.test[i]!)),
      );
    };
    mmluOnly = part('mmlu');
    gsm8kOnly = part('gsm8k');
  });

  it('reports the held-out quality-vs-cost numbers', () => {
    const nMmluTest = splits.test.filter((p) => p.dataset === 'mmlu').length;
    console.log(
      `[routellm-router] train n=${splits.train.length} (strong-needed ${splits.train.filter((p) => p.label === 1).length}), ` +
        `test n=${splits.test.length} (MMLU ${nMmluTest}, GSM8K ${splits.test.length - nMmluTest}; ${splits.contaminatedRemoved} contaminated removed)`,
    );
    console.log(
      `[routellm-router] test weak (Mixtral) acc ${(all.learned.weakAccuracy * 100).toFixed(2)}%, ` +
        `strong (GPT-4-1106) acc ${(all.learned.strongAccuracy * 100).toFixed(2)}%, 95% of strong = ${(0.95 * all.learned.strongAccuracy * 100).toFixed(2)}%`,
    );
    console.table([row('learned', all.learned), row('random', all.random), row('oracle', all.oracle)]);
    console.log('[routellm-router] MMLU only / GSM8K only:');
    console.table([
      row('learned (MMLU)', mmluOnly.learned),
      row('oracle (MMLU)', mmluOnly.oracle),
      row('learned (GSM8K)', gsm8kOnly.learned),
      row('oracle (GSM8K)', gsm8kOnly.oracle),
    ]);
    expect(splits.train.length + splits.test.length + splits.contaminatedRemoved).toBe(14_042 + 1_319);
    expect(all.random.apgr).toBeCloseTo(0.5, 9);
    expect(all.oracle.apgr).toBeGreaterThan(1);
  });

  it('beats the random router', () => {
    // Measured (defaults: 3 epochs, AdaGrad lr 0.2, L2 1e-4, seed 1): learned APGR 0.6398 vs
    // random 0.5000 (+0.14); other seeds/hyper-parameters gave 0.617–0.641. Assert +0.10.
    expect(all.learned.apgr).toBeGreaterThan(all.random.apgr + 0.1);
    expect(all.learned.cpt50!).toBeLessThan(all.random.cpt50!);
    expect(all.learned.cpt80!).toBeLessThan(all.random.cpt80!);
    // On MMLU alone the signal is weaker (measured 0.6378 on the MMLU test part, GSM8K part 0.5756); assert +0.05 for MMLU.
    expect(mmluOnly.learned.apgr).toBeGreaterThan(0.55);
  });

  it('trainFromFiles writes an artefact calibrated to the target strong share', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tollgate-router-'));
    try {
      const out = path.join(dir, 'router.json');
      const summary = await trainFromFiles({ routellmDir, out, targetStrongShare: 0.3 });
      console.log('[routellm-router] trainFromFiles', JSON.stringify(summary));
      const loaded = deserialize(readFileSync(out, 'utf8'));
      expect(summary.nTrain).toBe(splits.train.length);
      expect(loaded.threshold).toBe(summary.threshold);
      expect(Math.abs(summary.trainStrongShare - 0.3)).toBeLessThan(0.005);
      // Same data and options as the model above, so the same predictions.
      for (const p of splits.test.slice(0, 50)) expect(predict(loaded, p.prompt)).toBe(predict(model, p.prompt));
      const heldOutShare = splits.test.filter((p) => predict(loaded, p.prompt) >= loaded.threshold).length / splits.test.length;
      expect(Math.abs(heldOutShare - 0.3)).toBeLessThan(0.05);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  skipUnless(existsSync(alpacaDir), `${alpacaDir} is missing (AlpacaEval routing, from ../shared/data)`)('AlpacaEval routing frontier (CC BY-NC, tests only)', () => {
    // $ per token: strong gpt-4-1106-preview $10/M in, $30/M out; cheap gpt-3.5-turbo-1106 $1/M in, $2/M out.
    const STRONG = { input: 10e-6, output: 30e-6 };
    const CHEAP = { input: 1e-6, output: 2e-6 };

    it('prints dollars vs mean win rate at strong shares 0..100%', () => {
      const { cheapModel, prompts } = loadAlpacaRouting(alpacaDir);
      const scored = prompts.map((p) => ({ ...p, score: predict(model, p.instruction), inputTokens: countTokens(p.instruction) }));
      const calib = scored.filter((p) => p.split === 'train');
      const test = scored.filter((p) => p.split === 'test');
      const cost = (p: AlpacaRoutingPrompt & { inputTokens: number }, strong: boolean) =>
        strong
          ? p.inputTokens * STRONG.input + p.strongOutputTokens * STRONG.output
          : p.inputTokens * CHEAP.input + p.cheapOutputTokens * CHEAP.output;
      const allCheap = test.reduce((s, p) => s + cost(p, false), 0);
      const allStrong = test.reduce((s, p) => s + cost(p, true), 0);
      const cheapWin = test.reduce((s, p) => s + p.cheapWinProb, 0) / test.length;
      const rows: Record<string, string | number>[] = [];
      for (let step = 0; step <= 10; step++) {
        const target = step / 10;
        const threshold = thresholdForShare(
          calib.map((p) => p.score),
          target,
        );
        let dollars = 0;
        let win = 0;
        let strong = 0;
        for (const p of test) {
          const s = p.score >= threshold;
          if (s) strong++;
          dollars += cost(p, s);
          win += s ? p.strongWinProb : p.cheapWinProb;
        }
        const share = strong / test.length;
        rows.push({
          'target strong share': `${step * 10}%`,
          'realised share': `${(share * 100).toFixed(1)}%`,
          '$ per 1k prompts': Number(((dollars / test.length) * 1000).toFixed(3)),
          'mean win rate': Number((win / test.length).toFixed(4)),
          // The random router at the same realised share, in expectation.
          'random: $ per 1k': Number((((allCheap + share * (allStrong - allCheap)) / test.length) * 1000).toFixed(3)),
          'random: win rate': Number((cheapWin + share * (0.5 - cheapWin)).toFixed(4)),
        });
        expect(Math.abs(share - target)).toBeLessThan(0.1);
      }
      console.log(
        `[alpaca-router] cheap=${cheapModel} vs strong=gpt4_1106_preview; calibration n=${calib.length}, test n=${test.length}; ` +
          `all-cheap win ${cheapWin.toFixed(4)} at $${((allCheap / test.length) * 1000).toFixed(3)}/1k, all-strong win 0.5 at $${((allStrong / test.length) * 1000).toFixed(3)}/1k`,
      );
      console.table(rows);
      expect(test.length).toBeGreaterThan(150);
      expect(allStrong).toBeGreaterThan(allCheap);
      expect(rows.at(-1)!['mean win rate']).toBeGreaterThan(rows[0]!['mean win rate'] as number);
    });
  });
});
