import { describe, expect, it } from 'vitest';
import { normaliseText, tokenize } from './text.ts';
import { createHashedEmbedder } from './embedder.ts';

/** What `tokenize` was before its ASCII scanner: the regex over the normalised text. */
function regexTokens(text: string): string[] {
  const out = normaliseText(text).match(/[\p{L}\p{M}\p{N}]+(?:[.,][0-9]+)*(?:\+\+|#)?/gu);
  return out ? out.map((w) => (/^[0-9]/.test(w) ? w.replace(/,/g, '') : w)) : [];
}

describe('tokenize', () => {
  it('scans ASCII text to the same words as the regex', () => {
    const alphabet = "abcXYZ019 .,,..++##+'`-_\n\t!?";
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let round = 0; round < 5_000; round += 1) {
      let text = '';
      const length = Math.floor(next() * 40);
      for (let index = 0; index < length; index += 1) text += alphabet[Math.floor(next() * alphabet.length)];
      expect(tokenize(text), JSON.stringify(text)).toEqual(regexTokens(text));
    }
    for (const text of ['C++ and C# cost 1,000.50 or 3.5', 'v1.2.3 a.b 1,2,3 c+++ x#y', "I can't, I cannot; it's John's"]) expect(tokenize(text)).toEqual(regexTokens(text));
  });

  it('expands contractions whether or not the text has an apostrophe', () => {
    expect(normaliseText('I CANNOT go')).toBe('i can not go');
    expect(normaliseText('I can\u2019t go')).toBe('i can not go');
    expect(normaliseText('plain text')).toBe('plain text');
  });
});

describe('hashed embedder', () => {
  it('embeds the same from the words as from the text, with its word memo warm or cold', () => {
    const embedder = createHashedEmbedder();
    const texts = ['What is the capital of France?', 'what is the capital of france', 'Ωμέγα 日本語 café', ''];
    for (const text of [...texts, ...texts]) expect(Array.from(embedder.embedWords(tokenize(text)))).toEqual(Array.from(createHashedEmbedder().embed(text)));
  });
});
