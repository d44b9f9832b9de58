/**
 * The default semantic-cache embedder: word meaning from the shipped word table, with spelling kept.
 *
 * A sentence's meaning part is the SIF average of its words' vectors (Arora et al., 2017): each word
 * weighted a / (a + p(w)), p(w) estimated from its frequency rank (Zipf), so "the" and "how" count for
 * little and "melt" for much; then the table's common direction is removed, since it carries
 * frequency, not meaning. Words outside the table, numbers and spelling are covered by the hashed
 * n-gram embedder, concatenated with a weight: cosine of the joined vectors is the weighted sum of the
 * two cosines, so "iron melt" vs "melting point of iron" scores on meaning while "C++" vs "C#", typos
 * and unknown names still count.
 */
import { createHashedEmbedder, normalise, type HashedEmbedder } from './embedder.ts';
import { tokenize } from './text.ts';
import { defaultWordTable, type WordTable } from './word-table.ts';

export interface WordVectorEmbedderOptions {
  /** Share of the cosine that comes from word meaning (0..1); the rest from the hashed n-grams. */
  meaningWeight?: number;
  /** SIF smoothing `a` (default 1e-3; smaller down-weights frequent words more). */
  sifA?: number;
  /** Dimensions of the hashed part (default 256). */
  hashedDimensions?: number;
  table?: WordTable;
}

/** Zipf: p(rank) = 1 / ((rank + 1) * H), H the harmonic number of the full vocabulary (~341k words). */
const HARMONIC = Math.log(341_479) + 0.5772;
const frequencyOf = (rank: number): number => 1 / ((rank + 1) * HARMONIC);

export function createWordVectorEmbedder(options: WordVectorEmbedderOptions = {}): HashedEmbedder {
  const table = options.table ?? defaultWordTable();
  const meaning = options.meaningWeight ?? 0.6;
  const a = options.sifA ?? 1e-3;
  const hashed = createHashedEmbedder({ dimensions: options.hashedDimensions ?? 256 });
  const dims = table.dimensions;
  const weights = new Float32Array(table.size);
  for (let r = 0; r < table.size; r += 1) weights[r] = a / (a + frequencyOf(r));
  const common = commonDirection(table, weights);
  const meaningScale = Math.sqrt(meaning);
  const hashedScale = Math.sqrt(1 - meaning);
  function embedWords(words: readonly string[]): Float32Array {
    const out = new Float32Array(dims + hashed.dimensions);
    const sentence = out.subarray(0, dims);
    let known = 0;
    for (const word of words) {
      const row = table.row(word);
      if (row === undefined) continue;
      table.addTo(sentence, row, weights[row] as number);
      known += 1;
    }
    if (known > 0) {
      let dot = 0;
      for (let d = 0; d < dims; d += 1) dot += (sentence[d] as number) * (common[d] as number);
      for (let d = 0; d < dims; d += 1) sentence[d] = (sentence[d] as number) - dot * (common[d] as number);
      normalise(sentence);
      for (let d = 0; d < dims; d += 1) sentence[d] = (sentence[d] as number) * meaningScale;
    }
    const spelling = hashed.embedWords(words);
    for (let d = 0; d < spelling.length; d += 1) out[dims + d] = (spelling[d] as number) * (known > 0 ? hashedScale : 1);
    return normalise(out);
  }

  return {
    id: `word-sif:v1:${table.size}x${dims}:m${meaning}:a${a}+${hashed.id}`,
    dimensions: dims + hashed.dimensions,
    embed: (text: string): Float32Array => embedWords(tokenize(text)),
    embedWords,
  };
}

/**
 * The first principal direction of the frequency-weighted word vectors (power iteration over the
 * table): what SIF removes. Computed from the table alone, so it needs no corpus.
 */
function commonDirection(table: WordTable, weights: Float32Array): Float32Array {
  const dims = table.dimensions;
  const count = Math.min(table.size, 20_000);
  const vectors: Float32Array[] = [];
  for (let r = 0; r < count; r += 1) {
    const v = new Float32Array(dims);
    table.addTo(v, r, (weights[r] as number) * Math.sqrt(frequencyOf(r)));
    vectors.push(v);
  }
  let u: Float32Array = new Float32Array(dims).fill(1 / Math.sqrt(dims));
  for (let iteration = 0; iteration < 12; iteration += 1) {
    const next = new Float32Array(dims);
    for (const v of vectors) {
      let dot = 0;
      for (let d = 0; d < dims; d += 1) dot += (v[d] as number) * (u[d] as number);
      for (let d = 0; d < dims; d += 1) next[d] = (next[d] as number) + dot * (v[d] as number);
    }
    u = normalise(next);
  }
  return u;
}
