import { describe, expect, it } from 'vitest';
import type { CachedAnswer } from '../exact-store.ts';
import { createHashedEmbedder } from '../../language/embedder.ts';
import { guardMatch } from './guard.ts';
import { contentKeys, NeighbourIndex } from './neighbour-index.ts';
import { SemanticCache } from './semantic-cache.ts';
import { FEATURE_NAMES, pairFeatures } from './verifier-features.ts';
import { VERIFIER_MAX_WORDS, VERIFIER_MODEL, matchDecision, verifierProbability, verifyMatch, type TreeNode } from './verifier.ts';
import { NEAR_MISSES } from '../../../test/support/semantic-pairs.ts';

const answer: CachedAnswer = { body: 'cached', wire: 'openai', servedModel: 'm', provider: 'p', costNanoUsd: 5, inputTokens: 1, outputTokens: 1, createdAtMs: 0 };
/** The verifier with a loose cosine floor, as recommended: the neighbour search only prefilters. */
const verifierCache = () => new SemanticCache(createHashedEmbedder(), undefined, { threshold: 0.3, ttlMs: 1_000, maxEntries: 1_000, now: () => 0, guard: { verifier: true } });

describe('learned pair verifier', () => {
  it('the shipped model was trained on these features and is well-formed', () => {
    expect([...VERIFIER_MODEL.features]).toEqual([...FEATURE_NAMES]);
    expect(VERIFIER_MODEL.threshold).toBeGreaterThan(0.5);
    expect(VERIFIER_MODEL.threshold).toBeLessThan(1);
    const check = (node: TreeNode): void => {
      if (typeof node === 'number') return void expect(Number.isFinite(node)).toBe(true);
      expect(node[0]).toBeGreaterThanOrEqual(0);
      expect(node[0]).toBeLessThan(FEATURE_NAMES.length);
      check(node[2]);
      check(node[3]);
    };
    VERIFIER_MODEL.trees.forEach(check);
  });

  it('features are finite, one per name, and the probability is deterministic', () => {
    const x = pairFeatures('Who wrote Hamlet?', 'Who is the author of Hamlet?');
    expect(x).toHaveLength(FEATURE_NAMES.length);
    expect([...x].every(Number.isFinite)).toBe(true);
    const p = verifierProbability(x);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1);
    expect(verifierProbability(pairFeatures('Who wrote Hamlet?', 'Who is the author of Hamlet?'))).toBe(p);
  });

  it.each(NEAR_MISSES)('near miss refused: %s ≠ %s', async (cached, query) => {
    expect(verifyMatch(query, cached, { strict: true }).ok).toBe(false);
    const cache = verifierCache();
    await cache.save('ns', cached, answer);
    expect((await cache.lookup('ns', query)).hit).toBeUndefined();
  });

  it('weighs what the guard refused outright: a one-sided word with a close counterpart scores higher than an unrelated one', () => {
    const synonym = verifyMatch('Who is the author of Hamlet?', 'Who wrote Hamlet?', { threshold: 0 });
    const different = verifyMatch('How do I learn to play the violin?', 'How do I learn to play the guitar?', { threshold: 0 });
    expect(guardMatch('Who is the author of Hamlet?', 'Who wrote Hamlet?', { strict: true }).ok).toBe(false);
    expect(synonym.probability).toBeGreaterThan((different.probability ?? 1) + 0.2);
  });

  it('serves identical prompts and keeps the hard vetoes whatever the model says', () => {
    expect(verifyMatch('What is the capital of France?', 'what is the capital of france').ok).toBe(true);
    expect(verifyMatch('What is 2+2?', 'What is 2+3?', { threshold: 0 })).toMatchObject({ ok: false, reason: 'number mismatch' });
    expect(verifyMatch('Is coffee good for you?', 'Is coffee not good for you?', { threshold: 0 })).toMatchObject({ ok: false, reason: 'negation mismatch' });
    // Leniency: a possessive of the asker on one side only is weighed, another person never is.
    expect(verifyMatch('How do I deal with my parents?', 'How do I deal with parents?', { threshold: 0 }).ok).toBe(true);
    expect(verifyMatch('How do I deal with his parents?', 'How do I deal with parents?', { threshold: 0 }).reason).toMatch(/person mismatch/);
    expect(verifyMatch('How do I deal with my parents?', 'How do I deal with her parents?', { threshold: 0 }).reason).toMatch(/person mismatch/);
    expect(verifyMatch('Export Asia to Europe trade volume', 'Export Europe to Asia trade volume', { threshold: 0 }).reason).toMatch(/order/);
    // The threshold is the model's; a caller can only move it.
    expect(verifyMatch('Who is the author of Hamlet?', 'Who wrote Hamlet?', { threshold: 1.01 }).ok).toBe(false);
  });

  it('odd inputs: empty, prototype names, long prompts (judged by the guard alone)', () => {
    expect(verifyMatch('', 'What is Rust?').ok).toBe(false);
    expect(verifyMatch('__proto__ constructor', '__proto__ constructor prototype').ok).toBe(false);
    const long = Array.from({ length: VERIFIER_MAX_WORDS + 1_000 }, (_, i) => `word${i % 97}`).join(' ');
    const started = performance.now();
    expect(verifyMatch(long, `${long} extra`)).toEqual(guardMatch(long, `${long} extra`, {}));
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('is off unless asked: the cache keeps the rule-based guard by default', () => {
    const query = 'Who is the author of Hamlet?';
    const cached = 'Who wrote Hamlet?';
    expect(matchDecision(query, cached, { strict: true })).toEqual(guardMatch(query, cached, { strict: true }));
    expect(matchDecision(query, cached, { strict: true, verifier: false })).toEqual(guardMatch(query, cached, { strict: true }));
    expect(matchDecision(query, cached, { strict: true, verifier: { threshold: 0 } })).toMatchObject({ ok: true });
  });

  it('the neighbour search keeps a candidate that lacks a query word only for the verifier', () => {
    const embed = createHashedEmbedder();
    const index = new NeighbourIndex();
    index.add('a', 'Who wrote Hamlet?', embed.embed('Who wrote Hamlet?'));
    const query = 'Who is the author of Hamlet?';
    expect(index.search(contentKeys(query), embed.embed(query), 0)).toEqual([]);
    expect(index.search(contentKeys(query), embed.embed(query), 0, 4, false).map((n) => n.id)).toEqual(['a']);
  });
});
