import { expect, it } from 'vitest';
import { createHashedEmbedder } from '../../src/language/embedder.ts';
import { exactForm, loadQqp, runPairs, score, type Scores } from '../support/qqp-eval.ts';
import { hasSharedData, missingSharedData } from '../support/shared-data.ts';
import { skipUnless } from '../support/skip-unless.ts';

const DEFAULT_THRESHOLD = 0.9;
const fmt = (s: Scores) => `precision ${s.precision.toFixed(3)}  recall ${s.recall.toFixed(4)}  false-hit rate ${s.falseHitRate.toFixed(4)}  hits ${s.hits}`;

/**
 * QQP duplicate pairs (GPTCache's packaging): the threshold was tuned on the first 60,000 pairs;
 * this reports on the other 20,854. Each pair goes through the real SemanticCache (text_b cached,
 * text_a looked up), against a plain cosine threshold with the same embedder and against exact match.
 */
skipUnless(hasSharedData('gptcache-qqp/similiar_qqp_full.json'), missingSharedData('gptcache-qqp/similiar_qqp_full.json'))('semantic cache on QQP (held-out pairs)', () => {
  it('guarded cache: precision at least that of exact match, recall many times exact match', async () => {
    const { train, test } = loadQqp();
    const embedder = createHashedEmbedder();
    const lines: string[] = [];
    const results: Record<string, Scores> = {};
    for (const [split, pairs] of [['train (tuning)', train], ['held-out', test]] as const) {
      const labels = pairs.map((pair) => pair.label);
      const exact = score(labels, pairs.map((pair) => exactForm(pair.text_a) === exactForm(pair.text_b)));
      const run = await runPairs(pairs, embedder, DEFAULT_THRESHOLD);
      const guarded = score(labels, run.served);
      const plain = score(labels, run.similarity.map((s) => s >= DEFAULT_THRESHOLD));
      // The plain threshold that matches the guarded cache's recall, for a like-for-like precision.
      const sorted = [...run.similarity].map((s, i) => [s, labels[i]] as const).sort((a, b) => b[0] - a[0]);
      let tp = 0;
      let k = 0;
      const positives = labels.filter(Boolean).length;
      while (k < sorted.length && tp / positives < guarded.recall) tp += sorted[k++]![1] ?? 0;
      const plainAtRecall = score(labels, run.similarity.map((s) => s >= (sorted[k - 1]?.[0] ?? 1)));
      lines.push(
        `${split}: ${pairs.length} pairs, ${positives} duplicates`,
        `  exact match (case/punctuation folded)   ${fmt(exact)}`,
        `  plain cosine ≥ ${DEFAULT_THRESHOLD}                     ${fmt(plain)}`,
        `  plain cosine ≥ ${(sorted[k - 1]?.[0] ?? 1).toFixed(3)} (same recall)       ${fmt(plainAtRecall)}`,
        `  guarded semantic cache (≥ ${DEFAULT_THRESHOLD} + guard)  ${fmt(guarded)}`,
      );
      results[split] = guarded;
      if (split === 'held-out') {
        results.exact = exact;
        results.plain = plain;
        results.plainAtRecall = plainAtRecall;
      }
    }
    console.log(lines.join('\n'));
    const heldOut = results['held-out']!;
    expect(heldOut.precision).toBeGreaterThanOrEqual(results.exact!.precision - 0.01);
    expect(heldOut.precision).toBeGreaterThan(results.plain!.precision + 0.15);
    expect(heldOut.precision).toBeGreaterThan(results.plainAtRecall!.precision);
    expect(heldOut.recall).toBeGreaterThan(results.exact!.recall * 5);
    expect(heldOut.falseHitRate).toBeLessThan(0.005);
  }, 120_000);
});
