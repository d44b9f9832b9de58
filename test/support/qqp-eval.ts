import { readFileSync } from 'node:fs';
import type { CachedAnswer } from '../../src/cache/exact-store.ts';
import { cosine, type HashedEmbedder } from '../../src/language/embedder.ts';
import { SemanticCache } from '../../src/cache/semantic/semantic-cache.ts';
import { verifyMatch, type MatchOptions } from '../../src/cache/semantic/verifier.ts';
import { sharedDataPath } from './shared-data.ts';

export interface QqpPair {
  text_a: string;
  text_b: string;
  label: number;
}

/** The QQP pairs as GPTCache packs them; the first 60,000 are for tuning, the rest for reporting. */
export function loadQqp(): { train: QqpPair[]; test: QqpPair[] } {
  const pairs = JSON.parse(readFileSync(sharedDataPath('gptcache-qqp/similiar_qqp_full.json'), 'utf8')) as QqpPair[];
  return { train: pairs.slice(0, 60_000), test: pairs.slice(60_000) };
}

export interface Scores {
  precision: number;
  recall: number;
  falseHitRate: number;
  hits: number;
}

export function score(labels: readonly number[], served: readonly boolean[]): Scores {
  let tp = 0;
  let fp = 0;
  let positives = 0;
  labels.forEach((label, i) => {
    if (label) positives += 1;
    if (!served[i]) return;
    if (label) tp += 1;
    else fp += 1;
  });
  const negatives = labels.length - positives;
  return { precision: tp + fp ? tp / (tp + fp) : 1, recall: tp / positives, falseHitRate: fp / negatives, hits: tp + fp };
}

/** Case, punctuation and whitespace folded: the most generous exact-match cache. */
export const exactForm = (text: string): string => text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

const answer: CachedAnswer = { body: '{}', wire: 'openai', servedModel: 'm', provider: 'p', costNanoUsd: 1, inputTokens: 1, outputTokens: 1, createdAtMs: 0 };

/**
 * Each pair through the real semantic cache: `text_b` is cached in its own namespace, `text_a`
 * looks it up. Returns, per pair, the similarity and whether the guarded cache served it.
 */
export async function runPairs(pairs: readonly QqpPair[], embedder: HashedEmbedder, threshold: number, guard?: MatchOptions): Promise<{ similarity: number[]; served: boolean[] }> {
  const cache = new SemanticCache(embedder, undefined, { threshold, ttlMs: 1e12, maxEntries: pairs.length + 1, now: () => 0, guard });
  const similarity: number[] = [];
  const served: boolean[] = [];
  for (let i = 0; i < pairs.length; i += 1) {
    const pair = pairs[i] as QqpPair;
    const vb = embedder.embed(pair.text_b);
    const va = embedder.embed(pair.text_a);
    await cache.save(`pair:${i}`, pair.text_b, answer, vb);
    const { hit } = await cache.lookup(`pair:${i}`, pair.text_a, va);
    similarity.push(cosine(va, vb));
    served.push(hit !== undefined);
  }
  return { similarity, served };
}

/** Per pair, the verifier's probability (1 for identical prompts, -1 when a hard veto refuses). */
export function verifierScores(pairs: readonly QqpPair[]): number[] {
  return pairs.map((pair) => verifyMatch(pair.text_a, pair.text_b, { strict: true, threshold: 0 }).probability ?? -1);
}

/** Scores of "serve when score >= t" for each threshold t. */
export function curve(labels: readonly number[], scores: readonly number[], thresholds: readonly number[]): Array<Scores & { threshold: number }> {
  return thresholds.map((threshold) => ({ threshold, ...score(labels, scores.map((s) => s >= threshold)) }));
}

/**
 * The best recall "serve when score >= t" reaches on these pairs with false-hit rate and precision
 * within the limits (an optimistic, after-the-fact threshold: a ceiling for that score).
 */
export function bestWithin(labels: readonly number[], scores: readonly number[], maxFalseHitRate: number, minPrecision: number): Scores & { threshold: number } {
  const order = scores.map((s, i) => [s, labels[i] ?? 0] as const).sort((a, b) => b[0] - a[0]);
  const positives = labels.filter(Boolean).length;
  const negatives = labels.length - positives;
  let tp = 0;
  let fp = 0;
  let best: Scores & { threshold: number } = { threshold: Infinity, precision: 1, recall: 0, falseHitRate: 0, hits: 0 };
  order.forEach(([s, label], i) => {
    if (label) tp += 1;
    else fp += 1;
    if (order[i + 1]?.[0] === s) return;
    if (fp / negatives <= maxFalseHitRate && tp / (tp + fp) >= minPrecision && tp / positives > best.recall) {
      best = { threshold: s, precision: tp / (tp + fp), recall: tp / positives, falseHitRate: fp / negatives, hits: tp + fp };
    }
  });
  return best;
}
