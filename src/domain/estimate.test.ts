import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import { countTokensBounded, EXACT_COUNT_CHARS } from './estimate.ts';

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
