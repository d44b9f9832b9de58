/**
 * Embedders for the semantic cache. The built-in one needs no model download: it hashes word
 * unigrams, word bigrams and character 3–5-grams (sublinear tf; function words down-weighted) into
 * a small dense vector by signed feature hashing, then L2-normalises it.
 */
import { FNV_OFFSET, FNV_PRIME, fmix32, fnv1a32 } from '../domain/hash32.ts';
import { FeatureCounts } from './feature-counts.ts';
import { COMMON_WORDS, tokenize } from './text.ts';

export interface Embedder {
  /** Stable identifier: cache entries embedded by another embedder are not comparable. */
  id: string;
  dimensions: number;
  /** L2-normalised embedding (all zeros only for text with no features). */
  embed(text: string): Float32Array | Promise<Float32Array>;
  /**
   * The same embedding from the text's words (`tokenize(text)`), when the embedder works on them: the
   * caller tokenises once for this and its other uses. `into` (`dimensions` long): memory of the
   * caller's to write the embedding to (and return) instead of a new array; an embedder may ignore it.
   */
  embedWords?(words: readonly string[], into?: Float32Array): Float32Array;
}

export interface HashedEmbedderOptions {
  /** Output dimensions (default 256). */
  dimensions?: number;
  /** Smallest and largest character n-gram (defaults 3 and 5). */
  charMin?: number;
  charMax?: number;
  /** Relative weights of the feature families. */
  unigramWeight?: number;
  bigramWeight?: number;
  charWeight?: number;
  /** Seed mixed into every hash (changes the projection). */
  seed?: number;
}

export interface HashedEmbedder extends Embedder {
  embed(text: string): Float32Array;
  embedWords(words: readonly string[], into?: Float32Array): Float32Array;
}

const DEFAULTS: Required<HashedEmbedderOptions> = {
  dimensions: 256,
  charMin: 3,
  charMax: 5,
  unigramWeight: 1,
  bigramWeight: 0.6,
  charWeight: 0.35,
  seed: 0x9e3779b1,
};

// ---------------------------------------------------------------- hashing

/** FNV-1a from the offset basis mixed with `seed`. */
const hashString = (s: string, seed: number): number => fnv1a32(s, (FNV_OFFSET ^ seed) >>> 0);
/** murmur3 finaliser: decorrelates a feature's projection bucket and sign from its raw hash. */
const mix = fmix32;
/**
 * A feature's projection (its bucket and sign) from its raw hash. A bijection of 32-bit values
 * (an xor with a constant, then murmur3's finaliser), so counting projections instead of raw
 * hashes groups and orders the features exactly as before: the lists below hold projections,
 * each computed once (a word's with its memo) instead of once per text.
 */
const project = (h: number): number => mix(h ^ 0x5bd1e995);

const FAMILY_WORD = 0x11;
const FAMILY_BIGRAM = 0x22;
const FAMILY_CHAR = 0x33;

/** Distinct words whose hashes an embedder remembers (the memo is cleared when it is full), and the longest word remembered. */
const WORD_MEMO_SIZE = 8_192;
const WORD_MEMO_CHARS = 64;

/** A word's unigram hash and its projection, and where its character n-gram projections sit in the embedder's table of them (`start` to `end`). */
interface WordFeatures {
  hash: number;
  projected: number;
  start: number;
  end: number;
}

/** A growable list of 32-bit hashes (here: their projections), reused from one text to the next. */
class HashList {
  items = new Uint32Array(256);
  length = 0;

  push(value: number): void {
    if (this.length === this.items.length) this.grow(this.length + 1);
    this.items[this.length++] = value;
  }

  /** Appends `from[start..end)` (`from` may be another list's items). */
  pushRange(from: Uint32Array, start: number, end: number): void {
    this.reserve(end - start);
    // A loop, not `set(from.subarray(…))`: a word's few dozen hashes, without a view object per word.
    const items = this.items;
    let length = this.length;
    for (let index = start; index < end; index += 1) items[length++] = from[index]!;
    this.length = length;
  }

  /** Room for `count` more without growing. */
  reserve(count: number): void {
    if (this.length + count > this.items.length) this.grow(this.length + count);
  }

  private grow(needed: number): void {
    let capacity = this.items.length * 2;
    while (capacity < needed) capacity *= 2;
    const items = new Uint32Array(capacity);
    items.set(this.items.subarray(0, this.length));
    this.items = items;
  }
}

/**
 * Appends the projections of the character n-gram hashes of one word (`<word>` padded with boundary
 * markers) to `out`, none for a short function word. Written into the list in place: no typed array per word.
 */
function appendCharFeatures(w: string, o: Required<HashedEmbedderOptions>, out: HashList): void {
  // Character n-grams of the word padded with boundary markers; skip pure function words.
  if (COMMON_WORDS.has(w) && w.length < 5) return;
  const seedC = o.seed ^ FAMILY_CHAR;
  // `<w>` without building it (code unit `k` of the padded word is read in the loop; no closure per word).
  const L = w.length + 2;
  // At most one n-gram per length up to charMax from each position.
  out.reserve(L * Math.min(L, Math.max(0, Math.ceil(o.charMax))));
  const items = out.items;
  let count = out.length;
  for (let i = 0; i < L; i++) {
    let h = (FNV_OFFSET ^ seedC) >>> 0;
    for (let n = 1; n <= o.charMax && i + n <= L; n++) {
      const k = i + n - 1;
      h ^= k === 0 ? 0x3c : k === L - 1 ? 0x3e : w.charCodeAt(k - 1);
      h = Math.imul(h, FNV_PRIME);
      if (n >= o.charMin) items[count++] = project(h ^ n);
    }
  }
  out.length = count;
}

// ---------------------------------------------------------------- embedder

/** A hashed n-gram embedder (flat weights; function words down-weighted). */
export function createHashedEmbedder(options: HashedEmbedderOptions = {}): HashedEmbedder {
  const o: Required<HashedEmbedderOptions> = { ...DEFAULTS, ...options };
  const dims = o.dimensions;
  /** Projections of the function words' unigram hashes. */
  const commonProjections = new Set<number>();
  for (const w of COMMON_WORDS) commonProjections.add(project(hashString(w, o.seed ^ FAMILY_WORD)));
  const seedB = o.seed ^ FAMILY_BIGRAM;

  // Per-word features, remembered (bounded): most prompts repeat words the embedder has seen. The
  // remembered words' character n-gram hashes sit end to end in one table, emptied with the memo.
  const memo = new Map<string, WordFeatures>();
  const charTable = new HashList();
  const remember = (word: string): WordFeatures => {
    if (memo.size >= WORD_MEMO_SIZE) {
      memo.clear();
      charTable.length = 0;
    }
    const start = charTable.length;
    appendCharFeatures(word, o, charTable);
    const hash = hashString(word, o.seed ^ FAMILY_WORD);
    const features: WordFeatures = { hash, projected: project(hash), start, end: charTable.length };
    memo.set(word, features);
    return features;
  };
  // A unigram's weight follows its hash (a word whose hash is a function word's is down-weighted too),
  // told by its projection (one hash, one projection).
  const wordWeight = (p: number): number => (commonProjections.has(p) ? 0.3 : 1);
  // Feature hashes of the current text, grouped by family; duplicates kept (they give tf). Reused per text.
  const words = new HashList();
  const bigrams = new HashList();
  const chars = new HashList();

  // Per distinct hash in order of first occurrence (the order the float32 sums are taken in, so the vectors stay bit-identical).
  const counts = new FeatureCounts();
  /** `projections`: the features' projections (see `project`); `weightOf`: a feature's own weight (1 for every one without it). */
  function accumulate(out: Float32Array, projections: HashList, weight: number, weightOf?: (p: number) => number): void {
    if (projections.length === 0 || weight === 0) return;
    counts.count(projections.items, projections.length);
    for (let index = 0; index < counts.size; index += 1) {
      const p = counts.hashAt(index);
      const tf = counts.countAt(index);
      // 1 + Math.log(1) is exactly 1.
      const v = weight * (tf === 1 ? 1 : 1 + Math.log(tf)) * (weightOf ? weightOf(p) : 1);
      const d = p % dims;
      out[d] = (out[d] ?? 0) + (p & 0x80000000 ? -v : v);
    }
  }

  function embedWords(toks: readonly string[], into?: Float32Array): Float32Array {
    words.length = 0;
    bigrams.length = 0;
    chars.length = 0;
    let prev = -1;
    for (let index = 0; index < toks.length; index += 1) {
      const word = toks[index]!;
      let hw: number;
      if (word.length > WORD_MEMO_CHARS) {
        hw = hashString(word, o.seed ^ FAMILY_WORD);
        words.push(project(hw));
        appendCharFeatures(word, o, chars);
      } else {
        const features = memo.get(word) ?? remember(word);
        hw = features.hash;
        words.push(features.projected);
        chars.pushRange(charTable.items, features.start, features.end);
      }
      if (prev !== -1) bigrams.push(project(mix((Math.imul(prev, 31) ^ hw ^ seedB) >>> 0)));
      prev = hw;
    }
    const out = into ? into.fill(0) : new Float32Array(dims);
    accumulate(out, words, o.unigramWeight, wordWeight);
    accumulate(out, bigrams, o.bigramWeight);
    // Character n-grams are ~4x as many as words: scale so a family's mass stays comparable.
    accumulate(out, chars, o.charWeight);
    return normalise(out);
  }

  return {
    // Names the vectors: entries persisted under another id (such as the former `hashed-ngram-idf:v1:…:n0:flat`,
    // whose vectors were these same ones) are re-embedded from their text at load.
    id: `hashed-ngram:v2:d${dims}:c${o.charMin}-${o.charMax}:w${o.unigramWeight}/${o.bigramWeight}/${o.charWeight}:s${o.seed >>> 0}`,
    dimensions: dims,
    embed(text: string): Float32Array {
      return embedWords(tokenize(text));
    },
    embedWords,
  };
}

/** Scales `vector` to unit length in place (a zero vector stays zero) and returns it. */
export function normalise(vector: Float32Array): Float32Array {
  let norm = 0;
  for (let i = 0; i < vector.length; i += 1) norm += (vector[i] as number) * (vector[i] as number);
  if (norm > 0) {
    const inv = 1 / Math.sqrt(norm);
    for (let i = 0; i < vector.length; i += 1) vector[i] = (vector[i] as number) * inv;
  }
  return vector;
}

/** Cosine similarity of two L2-normalised vectors (a dot product). */
export function cosine(a: Float32Array, b: Float32Array): number {
  const n = Math.min(a.length, b.length);
  let s = 0;
  for (let i = 0; i < n; i += 1) s += (a[i] as number) * (b[i] as number);
  return s;
}
