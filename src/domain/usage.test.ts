import { describe, expect, it } from 'vitest';
import { addUsage, createUsage } from './usage.ts';

describe('createUsage', () => {
  it('derives uncached input and text output', () => {
    const usage = createUsage({ inputTotal: 1000, cacheRead: 600, cacheWrite: 100, cacheWrite1h: 40, outputTotal: 300, reasoning: 120 });
    expect(usage.input).toEqual({ total: 1000, uncached: 300, cacheRead: 600, cacheWrite: 100, cacheWrite1h: 40 });
    expect(usage.output).toEqual({ total: 300, text: 180, reasoning: 120 });
  });

  it('clamps impossible provider splits instead of producing negative counts', () => {
    // reasoning_tokens > completion_tokens has been seen in the wild (Baseten Kimi).
    const usage = createUsage({ inputTotal: 10, cacheRead: 50, outputTotal: 5, reasoning: 9 });
    expect(usage.input.cacheRead).toBe(10);
    expect(usage.input.uncached).toBe(0);
    expect(usage.output.reasoning).toBe(5);
    expect(usage.output.text).toBe(0);
  });

  it('ignores negative, fractional and non-numeric counts', () => {
    const usage = createUsage({ inputTotal: -3, outputTotal: 2.7, reasoning: Number.NaN });
    expect(usage.input.total).toBe(0);
    expect(usage.output.total).toBe(2);
    expect(usage.output.reasoning).toBe(0);
  });
});

describe('addUsage', () => {
  it('sums every field including extra units', () => {
    const a = createUsage({ inputTotal: 10, cacheRead: 4, outputTotal: 3, units: { web_searches: 1 } });
    const b = createUsage({ inputTotal: 5, cacheWrite: 2, outputTotal: 1, reasoning: 1, units: { web_searches: 2, input_audio_tokens: 7 } });
    const sum = addUsage(a, b);
    expect(sum.input).toMatchObject({ total: 15, cacheRead: 4, cacheWrite: 2, uncached: 9 });
    expect(sum.output).toMatchObject({ total: 4, reasoning: 1 });
    expect(sum.units).toEqual({ web_searches: 3, input_audio_tokens: 7 });
  });
});
