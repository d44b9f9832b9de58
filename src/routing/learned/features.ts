/**
 * Sparse hashed features for the learned quality router.
 *
 * A prompt becomes lower-cased word unigrams, word bigrams and character 3-grams of words
 * (with `^`/`$` word-boundary markers), each hashed (FNV-1a 32-bit + murmur3 fmix32) into
 * {@link HASH_BUCKETS} buckets, followed by {@link DENSE_FEATURE_COUNT} dense cues (length,
 * numbers, math symbols, code markers, question words, task verbs, multiple-choice markers).
 * The hashed block is L2-normalised, the dense cues lie in [0, 1], and then the whole vector is
 * L2-normalised. Pure, allocation-light, well under 1 ms for normal prompts.
 */

import { FNV_OFFSET, FNV_PRIME, fmix32, fnv1a32 } from '../../domain/hash32.ts';

export const HASH_BITS = 18;
export const HASH_BUCKETS = 1 << HASH_BITS;
const HASH_MASK = HASH_BUCKETS - 1;

/** Names of the dense cues, in index order (index = HASH_BUCKETS + position). */
export const DENSE_FEATURE_NAMES = [
  'log_chars',
  'log_words',
  'log_numbers',
  'has_digit',
  'digit_fraction',
  'has_math_symbol',
  'log_math_symbols',
  'has_code_marker',
  'has_question_word',
  'cue_explain',
  'cue_prove',
  'cue_calculate',
  'cue_solve',
  'cue_write',
  'multiple_choice',
  'answer_suffix',
  'has_question_mark',
  'log_lines',
] as const;
export const DENSE_FEATURE_COUNT = DENSE_FEATURE_NAMES.length;

/** Total feature dimension: hashed buckets followed by dense cues. */
export const FEATURE_DIM = HASH_BUCKETS + DENSE_FEATURE_COUNT;

/** Description of the feature extractor, stored in serialised models to detect mismatches. */
export const FEATURE_CONFIG = {
  name: 'tollgate-hashed-v1',
  hash: 'fnv1a32+fmix32',
  hashBits: HASH_BITS,
  dense: DENSE_FEATURE_NAMES.length,
  unigrams: true,
  bigrams: true,
  charTrigrams: true,
} as const;
export type FeatureConfig = typeof FEATURE_CONFIG;

export interface SparseFeatures {
  indices: Uint32Array;
  values: Float32Array;
}

// Namespace seeds so unigrams, bigrams and trigrams with equal text land in different buckets.
const NS_UNI = 0x9e3779b1;
const NS_BI = 0x85ebca77;
const NS_TRI = 0xc2b2ae3d;

const W_UNI = 1;
const W_BI = 1;
const W_TRI = 0.5;

/** FNV-1a over the UTF-16 code units of `s` (exported for deterministic splits etc.). */
export { fnv1a32 };

// Scratch accumulator shared by all calls (extraction is synchronous, so this is safe).
const scratch = new Float64Array(HASH_BUCKETS);
let touched = new Uint32Array(4096);
let touchedCount = 0;

function add(bucket: number, w: number): void {
  if (scratch[bucket] === 0) {
    if (touchedCount === touched.length) {
      const bigger = new Uint32Array(touched.length * 2);
      bigger.set(touched);
      touched = bigger;
    }
    touched[touchedCount++] = bucket;
  }
  scratch[bucket] = (scratch[bucket] ?? 0) + w;
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c >= 128;
}

const QUESTION_WORDS = new Set(['what', 'why', 'how', 'which', 'who', 'whom', 'whose', 'when', 'where']);
const EXPLAIN = new Set(['explain', 'describe', 'discuss', 'elaborate', 'why']);
const PROVE = new Set(['prove', 'proof', 'derive', 'show', 'demonstrate', 'justify']);
const CALCULATE = new Set(['calculate', 'compute', 'evaluate', 'estimate', 'total', 'many', 'much']);
const SOLVE = new Set(['solve', 'find', 'determine', 'simplify']);
const WRITE = new Set(['write', 'compose', 'draft', 'generate', 'create', 'implement', 'code']);
const CODE_WORDS = new Set(['def', 'function', 'return', 'const', 'class', 'import', 'printf', 'var', 'void']);

function isMathSymbol(c: number): boolean {
  // + * / = ^ % < > $ and a few unicode maths symbols.
  return (
    c === 43 || c === 42 || c === 47 || c === 61 || c === 94 || c === 37 || c === 60 || c === 62 || c === 36 ||
    c === 0x221a || c === 0x222b || c === 0x2211 || c === 0x03c0 || c === 0x00d7 || c === 0x00f7 || c === 0x2264 || c === 0x2265
  );
}

/** Extract the sparse, L2-normalised feature vector of a prompt. Indices are ascending. */
export function extractFeatures(prompt: string): SparseFeatures {
  const text = prompt.toLowerCase();
  const n = text.length;
  touchedCount = 0;

  let words = 0;
  let numbers = 0;
  let digits = 0;
  let mathSymbols = 0;
  let lines = 1;
  let questionMark = false;
  let questionWord = false;
  let explain = false;
  let prove = false;
  let calculate = false;
  let solve = false;
  let write = false;
  let codeMarker = false;
  let mcMarkers = 0;
  let lineStart = true;

  let prevWordHash = 0;
  let havePrev = false;

  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (!isWordChar(c)) {
      if (c === 10) {
        lines++;
        lineStart = true;
      } else if (c === 63) {
        questionMark = true;
      } else if (c === 96 && text.charCodeAt(i + 1) === 96 && text.charCodeAt(i + 2) === 96) {
        codeMarker = true;
      } else if ((c === 123 || c === 125 || c === 59) && i + 1 < n && text.charCodeAt(i + 1) === 10) {
        codeMarker = true; // `{`, `}` or `;` at a line end
      }
      if (isMathSymbol(c)) mathSymbols++;
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) lineStart = false;
      i++;
      continue;
    }
    // A word: [start, end).
    const start = i;
    let h = FNV_OFFSET;
    let allDigits = true;
    while (i < n) {
      const d = text.charCodeAt(i);
      if (!isWordChar(d)) break;
      if (d >= 48 && d <= 57) digits++;
      else allDigits = false;
      h = Math.imul(h ^ d, FNV_PRIME);
      i++;
    }
    const end = i;
    const len = end - start;
    words++;
    if (allDigits) numbers++;

    // Multiple-choice marker: a single letter a-j at a line start followed by `.` or `)`.
    if (lineStart && len === 1) {
      const c0 = text.charCodeAt(start);
      const nx = text.charCodeAt(end);
      if (c0 >= 97 && c0 <= 106 && (nx === 46 || nx === 41)) mcMarkers++;
    }
    lineStart = false;

    // Unigram.
    const uh = fmix32(h ^ NS_UNI);
    add(uh & HASH_MASK, W_UNI);
    // Bigram.
    if (havePrev) {
      const bh = fmix32(Math.imul(prevWordHash, 31) ^ h ^ NS_BI);
      add(bh & HASH_MASK, W_BI);
    }
    prevWordHash = h;
    havePrev = true;

    // Character 3-grams of "^word$".
    if (len <= 24) {
      // Sequence: ^ w0 w1 ... w(len-1) $
      const total = len + 2;
      for (let k = 0; k + 3 <= total; k++) {
        let th = NS_TRI;
        for (let m = k; m < k + 3; m++) {
          const ch = m === 0 ? 94 : m === total - 1 ? 36 : text.charCodeAt(start + m - 1);
          th = Math.imul(th ^ ch, FNV_PRIME);
        }
        add(fmix32(th) & HASH_MASK, W_TRI);
      }
    }

    // Cue words (only short words can be cues; avoid substring allocation otherwise).
    if (len <= 10 && !allDigits) {
      const w = text.slice(start, end);
      if (QUESTION_WORDS.has(w)) questionWord = true;
      if (EXPLAIN.has(w)) explain = true;
      if (PROVE.has(w)) prove = true;
      if (CALCULATE.has(w)) calculate = true;
      if (SOLVE.has(w)) solve = true;
      if (WRITE.has(w)) write = true;
      if (CODE_WORDS.has(w) && (w !== 'def' || text.charCodeAt(end) === 32)) {
        if (w === 'def' || w === 'function' || w === 'printf') codeMarker = true;
      }
    }
  }

  // L2-normalise the hashed block.
  let sq = 0;
  for (let k = 0; k < touchedCount; k++) {
    const v = scratch[touched[k]!]!;
    sq += v * v;
  }
  const hashedScale = sq > 0 ? 1 / Math.sqrt(sq) : 0;

  const trimmed = prompt.trimEnd();
  const answerSuffix = trimmed.endsWith('Answer:') || trimmed.endsWith('answer:');
  const dense: number[] = [
    Math.min(1, Math.log1p(n) / 10),
    Math.min(1, Math.log1p(words) / 8),
    Math.min(1, Math.log1p(numbers) / 4),
    digits > 0 ? 1 : 0,
    n > 0 ? Math.min(1, (digits / n) * 5) : 0,
    mathSymbols > 0 ? 1 : 0,
    Math.min(1, Math.log1p(mathSymbols) / 4),
    codeMarker ? 1 : 0,
    questionWord ? 1 : 0,
    explain ? 1 : 0,
    prove ? 1 : 0,
    calculate ? 1 : 0,
    solve ? 1 : 0,
    write ? 1 : 0,
    mcMarkers >= 2 ? 1 : 0,
    answerSuffix ? 1 : 0,
    questionMark ? 1 : 0,
    Math.min(1, Math.log1p(lines) / 5),
  ];
  let denseSq = 0;
  let denseNonZero = 0;
  for (const v of dense) {
    denseSq += v * v;
    if (v !== 0) denseNonZero++;
  }

  const hashedNorm = sq > 0 ? 1 : 0;
  const totalNorm = Math.sqrt(hashedNorm + denseSq);
  const scale = totalNorm > 0 ? 1 / totalNorm : 0;

  const sorted = touched.subarray(0, touchedCount).sort();
  const size = touchedCount + denseNonZero;
  const indices = new Uint32Array(size);
  const values = new Float32Array(size);
  let o = 0;
  for (let k = 0; k < touchedCount; k++) {
    const b = sorted[k]!;
    indices[o] = b;
    values[o] = scratch[b]! * hashedScale * scale;
    scratch[b] = 0;
    o++;
  }
  for (let d = 0; d < dense.length; d++) {
    const v = dense[d]!;
    if (v === 0) continue;
    indices[o] = HASH_BUCKETS + d;
    values[o] = v * scale;
    o++;
  }
  touchedCount = 0;
  return { indices, values };
}
