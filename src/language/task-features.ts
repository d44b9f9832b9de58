/**
 * What the task-class model reads from a prompt: a sparse vector of
 * - the hand-written cue score of each class (`task-cues.ts`),
 * - the shape of the text: code (fences, braces and semicolons at line ends, snake_case and
 *   camelCase identifiers, language keywords), maths (digits, operators, LaTeX), lists, length,
 * - hashed word unigrams and bigrams, and hashed character 3-grams so that prompts in scripts without
 *   spaces (Chinese, Japanese) and inflected languages (Russian, Czech) still share features.
 * Pure and bounded: only the head of the prompt is read.
 */
import { cueScores, CUE_CLASSES, HEAD_CHARS } from './task-cues.ts';
import { tokenize } from './text.ts';
import { createWordVectorEmbedder } from './word-vector-embedder.ts';
import type { HashedEmbedder } from './embedder.ts';

let meaning: HashedEmbedder | undefined;
const HASH_SCALE = Number(process.env.TC_HS ?? 2);
const WORD_VECTOR_SCALE = Number(process.env.TC_WV ?? 1.5);

/** Dense slots first, then the hashed buckets. */
/** Slots 0-23: cue scores and text shape; 24-123: the meaning of the words (SIF mean of word vectors). */
const SHAPE_FEATURES = 24;
export const DENSE_FEATURES = SHAPE_FEATURES + 100;
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

function count(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

/** Features of `prompt` (its head): sorted-free sparse vector, hashed part L2-normalised. */
export function taskFeatures(prompt: string): SparseFeatures {
  const head = prompt.length > HEAD_CHARS ? prompt.slice(0, HEAD_CHARS) : prompt;
  const dense = new Float32Array(DENSE_FEATURES);
  const cues = cueScores(head);
  for (let c = 0; c < CUE_CLASSES.length; c += 1) dense[c] = (cues[c] as number) / 3;
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
  meaning ??= createWordVectorEmbedder({ meaningWeight: 1 });
  const sentence = meaning.embed(head.slice(0, CHAR_NGRAM_CHARS));
  if (WORD_VECTOR_SCALE > 0) for (let i = 0; i < 100; i += 1) dense[SHAPE_FEATURES + i] = (sentence[i] as number) * WORD_VECTOR_SCALE;

  const hashed = new Map<number, number>();
  const add = (key: string, seed: number): void => {
    const bucket = DENSE_FEATURES + (fnv1a(key, seed) & (HASH_BUCKETS - 1));
    hashed.set(bucket, (hashed.get(bucket) ?? 0) + 1);
  };
  const words = tokenize(head);
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] as string;
    add(/^[0-9]/.test(word) ? '#num' : word, 1);
    if (i > 0) add(`${words[i - 1] as string} ${word}`, 2);
  }
  const chars = head.slice(0, CHAR_NGRAM_CHARS).toLowerCase().replace(/\s+/g, ' ');
  for (let i = 0; i + 3 <= chars.length; i += 1) add(chars.slice(i, i + 3), 3);

  let norm = 0;
  for (const [bucket, value] of hashed) {
    const v = Math.log1p(value);
    hashed.set(bucket, v);
    norm += v * v;
  }
  const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  const indices = new Uint32Array(DENSE_FEATURES + hashed.size);
  const values = new Float32Array(DENSE_FEATURES + hashed.size);
  for (let i = 0; i < DENSE_FEATURES; i += 1) {
    indices[i] = i;
    values[i] = dense[i] as number;
  }
  let k = DENSE_FEATURES;
  for (const [bucket, value] of hashed) {
    indices[k] = bucket;
    values[k] = value * inv * HASH_SCALE;
    k += 1;
  }
  return { indices, values };
}
