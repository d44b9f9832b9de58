import { describe, expect, it } from 'vitest';
import { DENSE_FEATURE_NAMES, extractFeatures, FEATURE_DIM, HASH_BUCKETS } from './features.ts';

function dense(prompt: string, name: (typeof DENSE_FEATURE_NAMES)[number]): number {
  const f = extractFeatures(prompt);
  const idx = HASH_BUCKETS + DENSE_FEATURE_NAMES.indexOf(name);
  const k = Array.from(f.indices).indexOf(idx);
  return k === -1 ? 0 : f.values[k]!;
}

describe('extractFeatures', () => {
  it('exports a 2^18 hashed space plus dense cues', () => {
    expect(HASH_BUCKETS).toBe(262_144);
    expect(FEATURE_DIM).toBe(HASH_BUCKETS + DENSE_FEATURE_NAMES.length);
  });

  it('returns ascending, unique, in-range indices and an L2-normalised vector', () => {
    const f = extractFeatures('What is the derivative of x^2 + 3x? Explain step by step.\nA. 2x+3\nB. x+3');
    expect(f.indices.length).toBe(f.values.length);
    expect(f.indices.length).toBeGreaterThan(20);
    let sq = 0;
    for (let k = 0; k < f.indices.length; k++) {
      if (k > 0) expect(f.indices[k]!).toBeGreaterThan(f.indices[k - 1]!);
      expect(f.indices[k]!).toBeLessThan(FEATURE_DIM);
      expect(f.values[k]!).toBeGreaterThan(0);
      sq += f.values[k]! ** 2;
    }
    expect(Math.sqrt(sq)).toBeCloseTo(1, 5);
  });

  it('is deterministic and case-insensitive', () => {
    const a = extractFeatures('Solve the Equation for X');
    const b = extractFeatures('solve the equation for x');
    const c = extractFeatures('Solve the Equation for X');
    expect(Array.from(a.indices)).toEqual(Array.from(b.indices));
    expect(Array.from(a.values)).toEqual(Array.from(b.values));
    expect(Array.from(a.values)).toEqual(Array.from(c.values));
  });

  it('different prompts give different vectors; word order matters through bigrams', () => {
    const a = extractFeatures('dog bites man');
    const b = extractFeatures('man bites dog');
    expect(Array.from(a.indices)).not.toEqual(Array.from(b.indices));
  });

  it('handles empty and whitespace-only prompts', () => {
    for (const p of ['', '   \n\t ']) {
      const f = extractFeatures(p);
      for (const v of f.values) expect(Number.isFinite(v)).toBe(true);
    }
  });

  it('sets the dense cues', () => {
    expect(dense('```python\nprint(1)\n```', 'has_code_marker')).toBeGreaterThan(0);
    expect(dense('def foo(x): return x', 'has_code_marker')).toBeGreaterThan(0);
    expect(dense('write a poem', 'has_code_marker')).toBe(0);
    expect(dense('Which is right?\nA. one\nB. two\nC. three\nD. four\nAnswer:', 'multiple_choice')).toBeGreaterThan(0);
    expect(dense('Which is right?\nA. one\nB. two\nC. three\nD. four\nAnswer:', 'answer_suffix')).toBeGreaterThan(0);
    expect(dense('I like apples.', 'multiple_choice')).toBe(0);
    expect(dense('Compute 3 * 4 = ?', 'has_math_symbol')).toBeGreaterThan(0);
    expect(dense('Compute 3 * 4 = ?', 'has_digit')).toBeGreaterThan(0);
    expect(dense('Compute 3 * 4 = ?', 'cue_calculate')).toBeGreaterThan(0);
    expect(dense('Prove that the square root of two is irrational', 'cue_prove')).toBeGreaterThan(0);
    expect(dense('Explain photosynthesis', 'cue_explain')).toBeGreaterThan(0);
    expect(dense('Solve for y', 'cue_solve')).toBeGreaterThan(0);
    expect(dense('Write an email', 'cue_write')).toBeGreaterThan(0);
    expect(dense('Why is the sky blue', 'has_question_word')).toBeGreaterThan(0);
    expect(dense('hello there', 'has_question_word')).toBe(0);
  });
});
