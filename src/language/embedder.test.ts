import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createHashedEmbedder } from './embedder.ts';
import { tokenize } from './text.ts';

const digest = (vector: Float32Array) => createHash('sha256').update(Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength)).digest('hex').slice(0, 16);
const LONG = `The ${'x'.repeat(80)} word is long; naïve café, 1,000 C++ users!`;

describe('hashed embedder', () => {
  it('gives the vectors it always gave (persisted entries and the tuned threshold depend on them)', () => {
    const embedder = createHashedEmbedder();
    const small = createHashedEmbedder({ dimensions: 64, charMin: 2, charMax: 4 });
    // Bytes of each float32 vector, as the release before the per-word feature table gave them.
    expect(digest(embedder.embed('What is the capital of France?'))).toBe('21d3c2b529a8dda7');
    expect(digest(embedder.embed('How do I sort a list in Python 3?'))).toBe('4f2bbd2f79ca516c');
    expect(digest(embedder.embed(LONG))).toBe('8731942c8f6549b5');
    expect(digest(small.embed('What is the capital of France?'))).toBe('ab5c379d9e806c93');
    expect(digest(small.embed(LONG))).toBe('d8c735b546e95b9b');
  });

  it('gives the same vector once its memo of words has been filled and emptied', () => {
    const embedder = createHashedEmbedder();
    const before = digest(embedder.embed(LONG));
    for (let index = 0; index < 9_000; index += 1) embedder.embed(`word${index} other${index}`);
    expect(digest(embedder.embed(LONG))).toBe(before);
    expect(digest(embedder.embed('What is the capital of France?'))).toBe('21d3c2b529a8dda7');
  });

  it('writes the embedding into memory the caller gives, whatever it held', () => {
    const embedder = createHashedEmbedder();
    const into = new Float32Array(embedder.dimensions).fill(3);
    const vector = embedder.embedWords(tokenize(LONG), into);
    expect(vector).toBe(into);
    expect(digest(vector)).toBe(digest(embedder.embed(LONG)));
  });
});
