/**
 * What the task-class model reads from a prompt: a sparse vector of
 * - the hand-written cue score of each class (`task-cues.ts`),
 * - the shape of the text: code (fences, braces and semicolons at line ends, snake_case and
 *   camelCase identifiers, language keywords), maths (digits, operators, LaTeX), lists, length,
 * - the meaning of its words and, separately, of its opening words (SIF means of the shipped word
 *   vectors), so words no training prompt used still count ("sonnet" lands near "poem"),
 * - hashed word unigrams, bigrams and opening words, and hashed character 3-grams so that prompts in
 *   scripts without spaces (Chinese, Japanese) and inflected languages (Russian, Czech) still share
 *   features.
 * Pure (the word table is read once) and bounded: only the head of the prompt is read.
 */
import { cueScores, CUE_CLASSES, HEAD_CHARS } from './task-cues.ts';
import { tokenize } from './text.ts';
import { defaultWordTable, type WordTable } from './word-table.ts';

let table: WordTable | undefined;
/** SIF weight a / (a + p(w)) per table row, p from the Zipf rank (as in `word-vector-embedder.ts`). */
let sifWeights: Float32Array | undefined;
const WORD_DIMS = 100;
/** Weights of the blocks (chosen by cross-validation on MT-Bench and the even Arena-Hard prompts: `scripts/task-class-cv.ts --scales`). */
export interface FeatureScales {
  cue: number;
  wordHash: number;
  charHash: number;
  wordVector: number;
}
export const FEATURE_SCALES: Readonly<FeatureScales> = { cue: 3, wordHash: 2, charHash: 1, wordVector: 1.5 };

/**
 * Dense slots first, then the hashed buckets. Slots 0-23: cue scores and text shape; 24-123: the
 * meaning of the words; 124-223: the meaning of the opening words alone, where the ask usually is
 * ("Write a Lua program that ..." before the puzzle it quotes).
 */
const SHAPE_FEATURES = 24;
const OPENING_WORDS = 40;
export const DENSE_FEATURES = SHAPE_FEATURES + 2 * WORD_DIMS;
export const HASH_BUCKETS = 1 << 14;
export const FEATURE_COUNT = DENSE_FEATURES + HASH_BUCKETS;
/** Character n-grams are read from the first part of the head only: enough to see the language and the words. */
const CHAR_NGRAM_CHARS = 1_500;

export interface SparseFeatures {
  indices: Uint32Array;
  values: Float32Array;
}

const CODE_KEYWORDS = /\b(def|return|import|from|const|let|var|function|class|public|private|static|void|int|float|double|string|bool|struct|include|printf|println|console|self|this|null|None|True|False|elif|else|for|while|lambda|async|await)\b/g;

function fnv1a(text: string, seed: number): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Scratch counts per bucket, zeroed again after each use (features are computed one at a time). */
const counts = new Float32Array(HASH_BUCKETS);
const NUMBER_HASH = fnv1a('#num', 1);
let previous = 0;

/** SIF-weighted mean of the words' vectors, unit length, times `scale`, into `out` (zeros when no word is known). */
function wordMeaning(words: readonly string[], out: Float32Array, scale: number): void {
  table ??= defaultWordTable();
  if (!sifWeights) {
    const harmonic = Math.log(341_479) + 0.5772;
    sifWeights = new Float32Array(table.size);
    for (let r = 0; r < table.size; r += 1) sifWeights[r] = 1e-3 / (1e-3 + 1 / ((r + 1) * harmonic));
  }
  for (const word of words.length > 400 ? words.slice(0, 400) : words) {
    const row = table.row(word);
    if (row !== undefined) table.addTo(out, row, sifWeights[row] as number);
  }
  let norm = 0;
  for (let d = 0; d < out.length; d += 1) norm += (out[d] as number) ** 2;
  if (norm === 0) return;
  const inv = scale / Math.sqrt(norm);
  for (let d = 0; d < out.length; d += 1) out[d] = (out[d] as number) * inv;
}

function count(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

/** Features of `prompt` (its head) as a sparse vector: the dense slots, then the touched buckets. */
export function taskFeatures(prompt: string, scales: Readonly<FeatureScales> = FEATURE_SCALES): SparseFeatures {
  const head = prompt.length > HEAD_CHARS ? prompt.slice(0, HEAD_CHARS) : prompt;
  const dense = new Float32Array(DENSE_FEATURES);
  const cues = cueScores(head);
  const words = tokenize(head);
  for (let c = 0; c < CUE_CLASSES.length; c += 1) dense[c] = ((cues[c] as number) / 3) * scales.cue;
  const length = Math.max(head.length, 1);
  const lines = head.split('\n');
  const nonEmpty = lines.filter((line) => line.trim() !== '').length || 1;
  let d = CUE_CLASSES.length;
  dense[d++] = Math.log1p(head.length) / 8;
  dense[d++] = head.includes('```') ? 1 : 0;
  dense[d++] = count(head, /[;{}]\s*$/gm) / nonEmpty;
  dense[d++] = Math.min(count(head, /[{}()[\];=<>]/g) / length, 0.2) * 10;
  dense[d++] = Math.min(count(head, /\b[a-z]+_[a-z0-9_]+\b|\b[a-z]+[A-Z][a-zA-Z]*\b/g) / 10, 1);
  dense[d++] = Math.min(count(head, CODE_KEYWORDS) / 15, 1);
  dense[d++] = Math.min(count(head, /^\s{2,}\S/gm) / nonEmpty, 1);
  dense[d++] = Math.min(count(head, /\d/g) / length, 0.3) * 5;
  dense[d++] = Math.min(count(head, /\d\s*[-+*/×÷^=<>]\s*\d|[a-z]\s*[=^]\s*[\d(a-z]/gi) / 5, 1);
  dense[d++] = /\\(frac|sqrt|sum|int|cdot|times|leq|geq|mathbb|alpha|beta|pi|left|right)\b|\$[^$\n]{1,80}\$/.test(head) ? 1 : 0;
  dense[d++] = Math.min(count(head, /^\s*(\d+[.)]|[-*•])\s/gm) / 5, 1);
  dense[d++] = head.trim().endsWith('?') ? 1 : 0;
  dense[d++] = Math.min(count(head, /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/g) / length, 1);
  dense[d++] = Math.min(count(head, /[\u0400-\u04ff]/g) / length, 1);
  dense[d++] = head.length < 40 ? 1 : 0;
  dense[d++] = 1; // bias-like constant, so the dense block carries the class priors too
  // Word meaning carries over to words the training prompts never used ("sonnet" near "poem").
  wordMeaning(words, dense.subarray(SHAPE_FEATURES, SHAPE_FEATURES + WORD_DIMS), scales.wordVector);
  wordMeaning(words.slice(0, OPENING_WORDS), dense.subarray(SHAPE_FEATURES + WORD_DIMS, SHAPE_FEATURES + 2 * WORD_DIMS), scales.wordVector);

  // Counts per bucket in a scratch array, with the list of buckets touched (no Map, no substrings).
  const touched: number[] = [];
  // Words hash into the lower half of the buckets, character 3-grams into the upper half: each half is
  // normalised on its own, so the language a prompt is written in (which the 3-grams see first) does
  // not drown the words that say what it asks.
  let half = 0;
  const add = (hash: number): void => {
    const bucket = half + (hash & (HASH_BUCKETS / 2 - 1));
    if (counts[bucket] === 0) touched.push(bucket);
    counts[bucket] = (counts[bucket] as number) + 1;
  };
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] as string;
    const unigram = /^[0-9]/.test(word) ? NUMBER_HASH : fnv1a(word, 1);
    add(unigram);
    // The opening words again, as their own features: what the prompt asks for, before the material it quotes.
    if (i < OPENING_WORDS) add(Math.imul(unigram ^ 0x5bd1e995, 0x01000193));
    if (i > 0) add(Math.imul(previous ^ 0x9e3779b9, 0x01000193) ^ unigram);
    previous = unigram;
  }
  half = HASH_BUCKETS / 2;
  const lower = (head.length > CHAR_NGRAM_CHARS ? head.slice(0, CHAR_NGRAM_CHARS) : head).toLowerCase();
  let a = -1;
  let b = -1;
  for (let i = 0; i < lower.length; i += 1) {
    let c = lower.charCodeAt(i);
    if (c === 9 || c === 10 || c === 13 || c === 32) {
      if (b === 32) continue; // runs of white space count as one space
      c = 32;
    }
    if (a >= 0) add(Math.imul(Math.imul(Math.imul(0x811c9dc5 ^ a, 0x01000193) ^ b, 0x01000193) ^ c, 0x01000193) >>> 0);
    a = b;
    b = c;
  }

  let wordNorm = 0;
  let charNorm = 0;
  for (const bucket of touched) {
    const v = Math.log1p(counts[bucket] as number);
    counts[bucket] = v;
    if (bucket < HASH_BUCKETS / 2) wordNorm += v * v;
    else charNorm += v * v;
  }
  const wordScale = wordNorm > 0 ? scales.wordHash / Math.sqrt(wordNorm) : 0;
  const charScale = charNorm > 0 ? scales.charHash / Math.sqrt(charNorm) : 0;
  const indices = new Uint32Array(DENSE_FEATURES + touched.length);
  const values = new Float32Array(DENSE_FEATURES + touched.length);
  for (let i = 0; i < DENSE_FEATURES; i += 1) {
    indices[i] = i;
    values[i] = dense[i] as number;
  }
  for (let k = 0; k < touched.length; k += 1) {
    const bucket = touched[k] as number;
    indices[DENSE_FEATURES + k] = DENSE_FEATURES + bucket;
    values[DENSE_FEATURES + k] = (counts[bucket] as number) * (bucket < HASH_BUCKETS / 2 ? wordScale : charScale);
    counts[bucket] = 0;
  }
  return { indices, values };
}
