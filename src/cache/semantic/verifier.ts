/**
 * The learned pair verifier: decides whether a cached prompt may answer a query once the neighbour
 * search found it. The rule-based guard refused any content word present on one side only, which
 * kept precision but turned away most real paraphrases ("author" / "wrote"). Here the checks whose
 * mismatch always changes the answer stay hard vetoes (numbers, negation, symbols, names, their
 * order, quoted text, outside context, question kind, another person) and the rest is weighed by boosted
 * trees over `pairFeatures`, trained on QQP pairs 0-59,999 by `scripts/train-verifier.ts` (weights
 * in `verifier-model.ts`). A pair is served when the model's probability of "same question"
 * reaches the threshold picked on the tuning pairs for a low false-hit rate.
 */
import { guardMatch, hardMismatch, type GuardOptions, type GuardResult } from './guard.ts';
import { normaliseText, tokenize } from '../../language/text.ts';
import { defaultFeatureContext, pairFeatures, type FeatureContext } from './verifier-features.ts';
import { VERIFIER_MODEL as TRAINED } from './verifier-model.ts';

/** A leaf's value, or a split: samples with x[feature] <= split go left. */
export type TreeNode = number | readonly [feature: number, split: number, left: TreeNode, right: TreeNode];

/** Boosted trees: score = bias + the sum of each tree's leaf; probability = sigmoid(score). */
export interface VerifierModel {
  features: readonly string[];
  bias: number;
  trees: readonly TreeNode[];
  /** Smallest probability that serves the cached answer. */
  threshold: number;
}

export interface VerifierOptions {
  model?: VerifierModel;
  /** Overrides the model's threshold (higher: fewer, safer hits). */
  threshold?: number;
  context?: FeatureContext;
}

export interface MatchOptions extends GuardOptions {
  /**
   * The learned verifier instead of the all-or-nothing rule-based guard. Off by default: on QQP's
   * held-out pairs it serves about a third more duplicates within the same precision and false-hit
   * limits (far from the 3x asked for), and its QQP-tuned threshold refuses some plain paraphrases
   * the guard serves ("capital of France?"); see test/data/semantic-qqp.test.ts.
   */
  verifier?: boolean | VerifierOptions;
}

export interface VerifierResult extends GuardResult {
  /** The model's probability that the two prompts ask the same, when it was asked. */
  probability?: number;
}

/** The shipped model (`verifier-model.ts`). */
export const VERIFIER_MODEL: VerifierModel = TRAINED;

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** The model's probability that a pair with these features asks the same question. */
export function verifierProbability(features: ArrayLike<number>, model: VerifierModel = VERIFIER_MODEL): number {
  let z = model.bias;
  for (let node of model.trees) {
    while (typeof node !== 'number') node = (features[node[0]] as number) <= node[1] ? node[2] : node[3];
    z += node;
  }
  return sigmoid(z);
}

/**
 * Prompts longer than this (in words) are outside what the model was trained on (questions of up
 * to a few dozen words): for them the rule-based guard decides alone.
 */
export const VERIFIER_MAX_WORDS = 80;

/**
 * Hard vetoes first, then the model's probability decides (the rule-based guard's all-clear is one
 * of its features, not a pass: on QQP many pairs it clears are different questions).
 */
export function verifyMatch(query: string, candidate: string, options: GuardOptions & VerifierOptions = {}): VerifierResult {
  if (normaliseText(query).trim() === normaliseText(candidate).trim()) return { ok: true, probability: 1 };
  const veto = hardMismatch(query, candidate, { ...options, lenient: true });
  if (veto !== undefined) return { ok: false, reason: veto };
  if (tokenize(query).length > VERIFIER_MAX_WORDS || tokenize(candidate).length > VERIFIER_MAX_WORDS) return guardMatch(query, candidate, options);
  const model = options.model ?? VERIFIER_MODEL;
  const probability = verifierProbability(pairFeatures(query, candidate, options.context ?? defaultFeatureContext()), model);
  const threshold = options.threshold ?? model.threshold;
  if (probability >= threshold) return { ok: true, probability };
  return { ok: false, reason: `verifier: ${probability.toFixed(3)} below ${threshold.toFixed(3)}`, probability };
}

/** The cache's decision for one neighbour: the rule-based guard unless `verifier` is set. */
export function matchDecision(query: string, candidate: string, options: MatchOptions = {}): VerifierResult {
  const { verifier, ...guard } = options;
  if (verifier === undefined || verifier === false) return guardMatch(query, candidate, guard);
  return verifyMatch(query, candidate, { ...guard, ...(typeof verifier === 'object' ? verifier : {}) });
}
