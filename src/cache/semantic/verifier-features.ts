/**
 * Pure features of a (query, cached prompt) pair for the learned pair verifier. They describe what
 * the rule-based guard looked at, but as degrees instead of a yes/no: how much of each side's
 * content (weighted by rarity) the other side lacks, whether a one-sided word has a counterpart of
 * close meaning on the other side ("author" / "wrote"), meaning and spelling similarity, length,
 * question form. The verifier's own embeddings are fixed (hashed n-grams and SIF-weighted word
 * vectors), so its weights hold whatever embedder the cache itself was configured with.
 */
import { cosine, createHashedEmbedder, normalise, type HashedEmbedder } from '../../language/embedder.ts';
import { FUNCTION_WORDS, entities, entityOrder, hasVariant, oneSidedWords, personSet, questionKind, sameOrder } from './guard.ts';
import { COMMON_WORDS, NEGATIONS, stem, tokenize } from '../../language/text.ts';
import { defaultWordTable, type WordTable } from '../../language/word-table.ts';

/** Feature names, in the order `pairFeatures` returns them (the trained model refers to them by index). */
export const FEATURE_NAMES = [
  'cosine_hashed',
  'cosine_words',
  'jaccard_stems',
  'jaccard_idf',
  'unmatched_idf_share_max',
  'unmatched_idf_share_sum',
  'unmatched_idf_max',
  'one_sided_words',
  'one_sided_without_counterpart',
  'counterpart_similarity_min',
  'counterpart_similarity_mean',
  'one_sided_out_of_vocabulary',
  'length_ratio',
  'log_length',
  'same_first_word',
  'same_question_kind',
  'bigram_dice',
  'entities_unmatched',
  'old_guard_passes',
  'content_words_min',
  'soft_coverage_min',
  'subject_differs',
  'same_first_two_words',
  'content_words_difference',
  'word_order_differs',
  'person_one_side',
] as const;

export type FeatureVector = Float64Array;

/** What the features need: the word table and the fixed hashed embedder, built once per process. */
export interface FeatureContext {
  table: WordTable;
  hashed: HashedEmbedder;
  /** Recent texts' vectors: a lookup judges up to four neighbours of one query, and popular entries recur. */
  memo: Map<string, { hashed: Float32Array; words: Float32Array }>;
}

let shared: FeatureContext | undefined;

/** The shipped word table and embedder (loaded on first use: the table is a few MB, tens of ms). */
export function defaultFeatureContext(): FeatureContext {
  shared ??= { table: defaultWordTable(), hashed: createHashedEmbedder(), memo: new Map() };
  return shared;
}

const MEMO_SIZE = 256;
/** Texts longer than this are not remembered (the memo stays small). */
const MEMO_TEXT = 2_000;

/** Zipf: p(rank) = 1 / ((rank + 1) * H), H the harmonic number of the full vocabulary (as the SIF embedder). */
const HARMONIC = Math.log(341_479) + 0.5772;
const SIF_A = 1e-3;

/**
 * The SIF average of a text's word vectors (weight a / (a + p(w)), so "the" counts for little),
 * L2-normalised; the meaning part of the word-vector embedder without its spelling part.
 */
function sifVector(words: readonly string[], table: WordTable): Float32Array {
  const out = new Float32Array(table.dimensions);
  for (const word of words) {
    const row = table.row(word);
    if (row !== undefined) table.addTo(out, row, SIF_A / (SIF_A + 1 / ((row + 1) * HARMONIC)));
  }
  return normalise(out);
}

function vectorsOf(text: string, words: readonly string[], context: FeatureContext): { hashed: Float32Array; words: Float32Array } {
  const known = context.memo.get(text);
  if (known) {
    // Refresh its place: the memo drops the least recently used text.
    context.memo.delete(text);
    context.memo.set(text, known);
    return known;
  }
  const vectors = { hashed: context.hashed.embed(text), words: sifVector(words, context.table) };
  if (text.length <= MEMO_TEXT) {
    context.memo.set(text, vectors);
    if (context.memo.size > MEMO_SIZE) context.memo.delete(context.memo.keys().next().value as string);
  }
  return vectors;
}

/** Rarity of a word from its frequency rank in the table (Zipf: -log p grows with log rank); outside the table counts as rare. */
function idfOf(word: string, table: WordTable): number {
  const row = table.row(word);
  const rank = row === undefined ? table.size * 2 : row;
  return Math.log(rank + 2) / Math.log(table.size * 2 + 2);
}

const isContent = (w: string): boolean => w.length >= 2 && !FUNCTION_WORDS.has(w) && !NEGATIONS.has(w);

/** The word on `others` closest in meaning to `word` (cosine of word vectors; 0 when unknown). */
function bestCounterpart(word: string, others: readonly string[], table: WordTable): number {
  const row = table.row(word);
  if (row === undefined) return 0;
  let best = 0;
  // Bounded work whatever the prompt's length (the verifier itself only judges short prompts).
  for (const other of others.slice(0, 64)) {
    const r = table.row(other);
    if (r === undefined) continue;
    const s = table.similarity(row, r);
    if (s > best) best = s;
  }
  return best;
}

/** Similarity at or above which a one-sided word counts as having a counterpart. */
const COUNTERPART = 0.55;

/**
 * The features of a pair (`query` looked up, `candidate` cached). Symmetric in spirit; the few
 * one-sided quantities are taken as max/sum over both sides so the order does not matter.
 */
export function pairFeatures(query: string, candidate: string, context: FeatureContext = defaultFeatureContext()): FeatureVector {
  const { table } = context;
  const qa = tokenize(query);
  const qb = tokenize(candidate);
  const ca = qa.filter(isContent);
  const cb = qb.filter(isContent);
  const sa = new Set(ca.map(stem));
  const sb = new Set(cb.map(stem));
  let shared = 0;
  for (const s of sa) if (sb.has(s)) shared += 1;
  const union = sa.size + sb.size - shared;

  // IDF-weighted overlap: a content word counts as matched when the other side has it or a variant.
  const setA = new Set(qa);
  const setB = new Set(qb);
  // Both sides in turn, into running sums kept in this order (the model was trained on these exact values).
  const both = { matchedIdf: 0, totalIdf: 0, unmatchedMax: 0 };
  const side = (words: readonly string[], otherWords: typeof qa, otherSet: typeof setA) => {
    let total = 0;
    let unmatched = 0;
    for (const w of new Set(words)) {
      const idf = idfOf(w, table);
      total += idf;
      both.totalIdf += idf;
      if (hasVariant(w, otherWords, otherSet)) both.matchedIdf += idf;
      else {
        unmatched += idf;
        both.unmatchedMax = Math.max(both.unmatchedMax, idf);
      }
    }
    return { total, unmatched };
  };
  const { total: totalA, unmatched: unmatchedA } = side(ca, qb, setB);
  const { total: totalB, unmatched: unmatchedB } = side(cb, qa, setA);
  const { matchedIdf, totalIdf, unmatchedMax } = both;
  const shareA = totalA > 0 ? unmatchedA / totalA : 0;
  const shareB = totalB > 0 ? unmatchedB / totalB : 0;

  // One-sided words (as the strict guard sees them) and their closest counterpart on the other side.
  const { onlyA, onlyB } = oneSidedWords(qa, qb, { strict: true });
  const freeA = ca.filter((w) => !setB.has(w));
  const freeB = cb.filter((w) => !setA.has(w));
  let without = 0;
  let oov = 0;
  let minSim = 1;
  let sumSim = 0;
  for (const [words, others] of [
    [onlyA, freeB],
    [onlyB, freeA],
  ] as const) {
    for (const w of words) {
      const s = bestCounterpart(w, others, table);
      if (s < COUNTERPART) without += 1;
      if (table.row(w) === undefined) oov += 1;
      minSim = Math.min(minSim, s);
      sumSim += s;
    }
  }
  const oneSided = onlyA.length + onlyB.length;

  // Word bigrams (all words): word order and phrasing.
  const bigrams = (toks: readonly string[]) => {
    const out = new Set<string>();
    for (let i = 1; i < toks.length; i += 1) out.add(`${toks[i - 1]} ${toks[i]}`);
    return out;
  };
  const ba = bigrams(qa);
  const bb = bigrams(qb);
  let sharedBigrams = 0;
  for (const b of ba) if (bb.has(b)) sharedBigrams += 1;

  let entityMisses = 0;
  for (const e of entities(query)) if (!hasVariant(e, qb, setB)) entityMisses += 1;
  for (const e of entities(candidate)) if (!hasVariant(e, qa, setA)) entityMisses += 1;

  // Soft coverage: each content word's best match on the other side (1 for the word or a variant,
  // else the closest word vector), IDF-weighted; the worse-covered side counts.
  const coverage = (words: readonly string[], others: readonly string[], otherSet: ReadonlySet<string>): number => {
    let covered = 0;
    let total = 0;
    for (const w of new Set(words)) {
      const idf = idfOf(w, table);
      total += idf;
      covered += idf * (hasVariant(w, others, otherSet) ? 1 : bestCounterpart(w, others, table));
    }
    return total > 0 ? covered / total : 1;
  };
  const subjects = (toks: readonly string[]) => ['i', 'you', 'we', 'they'].filter((p) => toks.includes(p)).join();

  const lengthA = Math.max(1, qa.length);
  const lengthB = Math.max(1, qb.length);
  const va = vectorsOf(query, qa, context);
  const vb = vectorsOf(candidate, qb, context);
  return Float64Array.from([
    cosine(va.hashed, vb.hashed),
    cosine(va.words, vb.words),
    union > 0 ? shared / union : 1,
    totalIdf > 0 ? matchedIdf / totalIdf : 1,
    Math.max(shareA, shareB),
    shareA + shareB,
    unmatchedMax,
    oneSided,
    without,
    oneSided > 0 ? minSim : 1,
    oneSided > 0 ? sumSim / oneSided : 1,
    oov,
    Math.min(lengthA, lengthB) / Math.max(lengthA, lengthB),
    Math.log(lengthA + lengthB),
    qa[0] !== undefined && qa[0] === qb[0] ? 1 : 0,
    questionKind(qa) === questionKind(qb) ? 1 : 0,
    ba.size + bb.size > 0 ? (2 * sharedBigrams) / (ba.size + bb.size) : 1,
    entityMisses,
    oneSided === 0 ? 1 : 0,
    Math.min(ca.filter((w) => !COMMON_WORDS.has(w)).length, cb.filter((w) => !COMMON_WORDS.has(w)).length),
    Math.min(coverage(ca, cb, setB), coverage(cb, ca, setA)),
    subjects(qa) === subjects(qb) ? 0 : 1,
    qa.length >= 2 && qa[0] === qb[0] && qa[1] === qb[1] ? 1 : 0,
    Math.abs(new Set(ca).size - new Set(cb).size),
    sameOrder(entityOrder(qa), entityOrder(qb)) ? 0 : 1,
    personSet(qa).size === 0 !== (personSet(qb).size === 0) ? 1 : 0,
  ]);
}
