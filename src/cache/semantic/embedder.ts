/**
 * Embedders for the semantic cache. The built-in one needs no model download: it hashes word
 * unigrams, word bigrams and character 3–5-grams (sublinear tf, IDF-weighted) into a small dense
 * vector by signed feature hashing, then L2-normalises it. IDF weights can be fitted on any corpus
 * and serialised to a compact JSON (deflated, base64) so a gateway can load them at start.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { FNV_OFFSET, FNV_PRIME, fmix32, fnv1a32 } from '../../domain/hash32.ts';
import { COMMON_WORDS, tokenize } from './text.ts';

export interface Embedder {
  /** Stable identifier: cache entries embedded by another embedder are not comparable. */
  id: string;
  dimensions: number;
  /** L2-normalised embedding (all zeros only for text with no features). */
  embed(text: string): Float32Array | Promise<Float32Array>;
  /** Optional inverse document frequency of a single (normalised) word; used by the guard. */
  wordIdf?(word: string): number | undefined;
}

export interface HashedEmbedderOptions {
  /** Output dimensions (default 256). */
  dimensions?: number;
  /** log2 of the IDF table size per feature family (default 17). */
  tableBits?: number;
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

export interface HashedEmbedderModel {
  kind: 'hashed-ngram-idf';
  version: 1;
  options: Required<HashedEmbedderOptions>;
  /** Number of documents the IDF was fitted on (0 = unfitted). */
  documents: number;
  /** Quantised IDF (×IDF_SCALE, uint8) of word features and of n-gram/bigram features; deflate-raw + base64. */
  wordIdf?: string;
  featureIdf?: string;
}

export interface HashedEmbedder extends Embedder {
  readonly model: HashedEmbedderModel;
  embed(text: string): Float32Array;
  wordIdf(word: string): number | undefined;
  toJSON(): HashedEmbedderModel;
}

const IDF_SCALE = 16;

const DEFAULTS: Required<HashedEmbedderOptions> = {
  dimensions: 256,
  tableBits: 17,
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
/** murmur3 finaliser: decorrelates the projection bucket/sign from the IDF-table bucket. */
const mix = fmix32;

const FAMILY_WORD = 0x11;
const FAMILY_BIGRAM = 0x22;
const FAMILY_CHAR = 0x33;

/** Feature hashes of one text, grouped by family; duplicates kept (they give tf). */
interface Features {
  words: number[];
  bigrams: number[];
  chars: number[];
}

function extractFeatures(text: string, o: Required<HashedEmbedderOptions>): Features {
  const toks = tokenize(text);
  const words: number[] = [];
  const bigrams: number[] = [];
  const chars: number[] = [];
  const seedW = o.seed ^ FAMILY_WORD;
  const seedB = o.seed ^ FAMILY_BIGRAM;
  const seedC = o.seed ^ FAMILY_CHAR;
  let prev = -1;
  for (const w of toks) {
    const hw = hashString(w, seedW);
    words.push(hw);
    if (prev !== -1) bigrams.push(mix((Math.imul(prev, 31) ^ hw ^ seedB) >>> 0));
    prev = hw;
    // Character n-grams of the word padded with boundary markers; skip pure function words.
    if (COMMON_WORDS.has(w) && w.length < 5) continue;
    const padded = `<${w}>`;
    const L = padded.length;
    for (let i = 0; i < L; i++) {
      let h = (FNV_OFFSET ^ seedC) >>> 0;
      for (let n = 1; n <= o.charMax && i + n <= L; n++) {
        h ^= padded.charCodeAt(i + n - 1);
        h = Math.imul(h, FNV_PRIME);
        if (n >= o.charMin) chars.push((h ^ n) >>> 0);
      }
    }
  }
  return { words, bigrams, chars };
}

// ---------------------------------------------------------------- IDF tables

function encodeTable(t: Uint8Array): string {
  return deflateRawSync(t, { level: 9 }).toString('base64');
}

function decodeTable(s: string, size: number): Uint8Array {
  const buf = inflateRawSync(Buffer.from(s, 'base64'));
  if (buf.length !== size) throw new Error(`embedder model: IDF table has ${buf.length} entries, expected ${size}`);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
}

// ---------------------------------------------------------------- embedder

function build(model: HashedEmbedderModel): HashedEmbedder {
  const o = model.options;
  const size = 1 << o.tableBits;
  const mask = size - 1;
  const dims = o.dimensions;
  const wordTable = model.wordIdf ? decodeTable(model.wordIdf, size) : undefined;
  const featTable = model.featureIdf ? decodeTable(model.featureIdf, size) : undefined;
  // Unfitted: function words get a low weight, everything else a flat one.
  const unfittedWord = (h: number): number => (commonHashes.has(h) ? 0.3 : 1);
  const commonHashes = new Set<number>();
  for (const w of COMMON_WORDS) commonHashes.add(hashString(w, o.seed ^ FAMILY_WORD));

  const idfW = (h: number): number => (wordTable ? (wordTable[mix(h) & mask] ?? 0) / IDF_SCALE : unfittedWord(h));
  const idfF = (h: number): number => (featTable ? (featTable[mix(h) & mask] ?? 0) / IDF_SCALE : 1);

  const counts = new Map<number, number>();
  function accumulate(out: Float32Array, hashes: number[], weight: number, idf: (h: number) => number): void {
    if (hashes.length === 0 || weight === 0) return;
    counts.clear();
    for (const h of hashes) counts.set(h, (counts.get(h) ?? 0) + 1);
    for (const [h, tf] of counts) {
      const v = weight * (1 + Math.log(tf)) * idf(h);
      const p = mix(h ^ 0x5bd1e995);
      const d = p % dims;
      out[d] = (out[d] ?? 0) + (p & 0x80000000 ? -v : v);
    }
  }

  const id = `hashed-ngram-idf:v1:d${dims}:c${o.charMin}-${o.charMax}:w${o.unigramWeight}/${o.bigramWeight}/${o.charWeight}:s${o.seed >>> 0}:n${model.documents}:${model.wordIdf ? hashString(model.wordIdf, 0).toString(36) : 'flat'}`;

  return {
    id,
    dimensions: dims,
    model,
    embed(text: string): Float32Array {
      const f = extractFeatures(text, o);
      const out = new Float32Array(dims);
      accumulate(out, f.words, o.unigramWeight, idfW);
      accumulate(out, f.bigrams, o.bigramWeight, idfF);
      // Character n-grams are ~4x as many as words: scale so a family's mass stays comparable.
      accumulate(out, f.chars, o.charWeight, idfF);
      let norm = 0;
      for (let i = 0; i < dims; i++) norm += (out[i] ?? 0) * (out[i] ?? 0);
      if (norm > 0) {
        const inv = 1 / Math.sqrt(norm);
        for (let i = 0; i < dims; i++) out[i] = (out[i] ?? 0) * inv;
      }
      return out;
    },
    wordIdf(word: string): number | undefined {
      if (!wordTable) return undefined;
      return idfW(hashString(word.toLowerCase(), o.seed ^ FAMILY_WORD));
    },
    toJSON(): HashedEmbedderModel {
      return model;
    },
  };
}

/** An unfitted hashed embedder (flat weights; function words down-weighted). */
export function createHashedEmbedder(options: HashedEmbedderOptions = {}): HashedEmbedder {
  return build({ kind: 'hashed-ngram-idf', version: 1, options: { ...DEFAULTS, ...options }, documents: 0 });
}

/** Fit IDF weights on `texts` (one document each) and return the fitted embedder. */
export function fitHashedEmbedder(texts: readonly string[], options: HashedEmbedderOptions = {}): HashedEmbedder {
  const o: Required<HashedEmbedderOptions> = { ...DEFAULTS, ...options };
  const size = 1 << o.tableBits;
  const mask = size - 1;
  const dfW = new Uint32Array(size);
  const dfF = new Uint32Array(size);
  const seen = new Set<number>();
  for (const t of texts) {
    const f = extractFeatures(t, o);
    seen.clear();
    for (const h of f.words) {
      const b = mix(h) & mask;
      if (!seen.has(b)) {
        seen.add(b);
        dfW[b] = (dfW[b] ?? 0) + 1;
      }
    }
    seen.clear();
    for (const h of f.bigrams.concat(f.chars)) {
      const b = mix(h) & mask;
      if (!seen.has(b)) {
        seen.add(b);
        dfF[b] = (dfF[b] ?? 0) + 1;
      }
    }
  }
  const n = texts.length;
  const quantise = (df: Uint32Array): Uint8Array => {
    const q = new Uint8Array(size);
    for (let i = 0; i < size; i++) {
      const idf = Math.log((n + 1) / ((df[i] ?? 0) + 1)) + 1;
      q[i] = Math.max(1, Math.min(255, Math.round(idf * IDF_SCALE)));
    }
    return q;
  };
  return build({
    kind: 'hashed-ngram-idf',
    version: 1,
    options: o,
    documents: n,
    wordIdf: encodeTable(quantise(dfW)),
    featureIdf: encodeTable(quantise(dfF)),
  });
}

/** Load an embedder serialised with `JSON.stringify(embedder)` / `embedder.toJSON()`. */
export function loadHashedEmbedder(model: HashedEmbedderModel | string): HashedEmbedder {
  const m: HashedEmbedderModel = typeof model === 'string' ? (JSON.parse(model) as HashedEmbedderModel) : model;
  if (m.kind !== 'hashed-ngram-idf' || m.version !== 1) throw new Error('embedder model: unsupported kind or version');
  return build({ ...m, options: { ...DEFAULTS, ...m.options } });
}

/** Cosine similarity of two L2-normalised vectors. */
export function cosine(a: Float32Array, b: Float32Array): number {
  let s = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
}
