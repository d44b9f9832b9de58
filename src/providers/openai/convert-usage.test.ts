import { describe, expect, it } from 'vitest';
import { convertOpenAiEmbeddingsUsage, convertOpenAiUsage } from './convert-usage.ts';

describe('convertOpenAiUsage', () => {
  it('reads chat completions: prompt_tokens includes cached, completion_tokens includes reasoning', () => {
    const usage = convertOpenAiUsage({
      prompt_tokens: 2006,
      completion_tokens: 300,
      total_tokens: 2306,
      prompt_tokens_details: { cached_tokens: 1920, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 256, audio_tokens: 0, accepted_prediction_tokens: 0 },
    });
    expect(usage?.input).toEqual({ total: 2006, uncached: 86, cacheRead: 1920, cacheWrite: 0, cacheWrite1h: 0 });
    expect(usage?.output).toEqual({ total: 300, text: 44, reasoning: 256 });
    expect(usage?.units).toEqual({});
  });

  it('reads the Responses API shape', () => {
    const usage = convertOpenAiUsage({
      input_tokens: 8576,
      input_tokens_details: { cached_tokens: 1024, cache_write_tokens: 4418 },
      output_tokens: 52,
      output_tokens_details: { reasoning_tokens: 32 },
      total_tokens: 8628,
    });
    expect(usage?.input).toEqual({ total: 8576, uncached: 3134, cacheRead: 1024, cacheWrite: 4418, cacheWrite1h: 0 });
    expect(usage?.output).toEqual({ total: 52, text: 20, reasoning: 32 });
  });

  it('clamps reasoning_tokens greater than completion_tokens (seen on Baseten/Kimi)', () => {
    const usage = convertOpenAiUsage({ prompt_tokens: 10, completion_tokens: 5, completion_tokens_details: { reasoning_tokens: 9 } });
    expect(usage?.output).toEqual({ total: 5, text: 0, reasoning: 5 });
  });

  it('keeps audio tokens as units and reads top-level cached_tokens from compatible servers', () => {
    const usage = convertOpenAiUsage({
      prompt_tokens: 100,
      completion_tokens: 40,
      cached_tokens: 30,
      prompt_tokens_details: { audio_tokens: 20 },
      completion_tokens_details: { audio_tokens: 10 },
    });
    expect(usage?.input.cacheRead).toBe(30);
    expect(usage?.units).toEqual({ input_audio_tokens: 20, output_audio_tokens: 10 });
  });

  it('returns undefined for something that is not a usage object', () => {
    expect(convertOpenAiUsage(null)).toBeUndefined();
    expect(convertOpenAiUsage({ completion_tokens: 3 })).toBeUndefined();
  });
});

describe('convertOpenAiEmbeddingsUsage', () => {
  it('bills input only', () => {
    const usage = convertOpenAiEmbeddingsUsage({ prompt_tokens: 79, total_tokens: 79, completion_tokens: 37 });
    expect(usage?.input.total).toBe(79);
    expect(usage?.output.total).toBe(0);
    expect(convertOpenAiEmbeddingsUsage({ input_tokens: 3 })).toBeUndefined();
  });
});
