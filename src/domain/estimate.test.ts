import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import { countTokensBounded, EXACT_COUNT_CHARS, MERGE_CACHE_LIMIT, mergeCacheSize } from './estimate.ts';

describe('countTokensBounded', () => {
  it('is exact for ordinary prompts', () => {
    const text = 'The quick brown fox jumps over the lazy dog. '.repeat(1_000);
    expect(text.length).toBeLessThan(EXACT_COUNT_CHARS);
    expect(countTokensBounded(text)).toBe(countTokens(text));
  });

  it('samples a multi-megabyte prompt and stays within a few percent of the exact count', () => {
    const text = Array.from({ length: 60_000 }, (_, index) => `Sentence ${index} talks about topic ${index % 97} in some detail.`).join(' ');
    expect(text.length).toBeGreaterThan(3_000_000);
    const exact = countTokens(text);
    const bounded = countTokensBounded(text);
    expect(Math.abs(bounded - exact) / exact).toBeLessThan(0.05);
  });
});

describe('special-token spellings in a prompt', () => {
  it('are counted as the text they are, exactly and when sampled, never refused', () => {
    const quoted = 'a <|endoftext|> b <|im_start|> c <|fim_middle|> d';
    // Read as text: 'a', ' <', '|', 'end', 'of', 'text', '|', '>', ' b' in o200k.
    expect(countTokensBounded('a <|endoftext|> b')).toBe(9);
    expect(countTokensBounded(quoted)).toBeGreaterThan(15);
    expect(() => countTokens(quoted)).toThrow(/special token/);
    expect(countTokensBounded(quoted.repeat(20_000))).toBeGreaterThan(15 * 20_000 * 0.9);
  });
});

describe('the tokenizer merge cache', () => {
  it('is emptied before it reaches its limit, however many new words arrive', () => {
    // 100 new words a call (letters only: one cache entry each), three times the limit in all.
    const word = (n: number) => `zq${[...n.toString(26)].map((digit) => String.fromCharCode(97 + parseInt(digit, 26))).join('')}`;
    const calls = Math.ceil((3 * MERGE_CACHE_LIMIT) / 100);
    let largest = 0;
    let emptied = 0;
    let before = mergeCacheSize();
    expect(before).toBeTypeOf('number'); // gpt-tokenizer still keeps the cache where estimate.ts reads it
    for (let call = 0; call < calls; call += 1) {
      const text = Array.from({ length: 100 }, (_, index) => word(call * 100 + index)).join(' ');
      expect(countTokensBounded(text)).toBe(countTokens(text));
      const size = mergeCacheSize()!;
      if (size < before!) emptied += 1;
      largest = Math.max(largest, size);
      before = size;
    }
    expect(emptied).toBeGreaterThanOrEqual(2);
    // Emptied before a call once at the limit: at most one call's words over it, never the library's own 100,000.
    expect(largest).toBeLessThan(MERGE_CACHE_LIMIT + 1_000);
  });
});
