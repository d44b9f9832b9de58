import { describe, expect, it } from 'vitest';
import { convertGeminiUsage } from './gemini.ts';

describe('convertGeminiUsage', () => {
  it('adds thoughts to candidates and tool-use prompt tokens to the prompt', () => {
    const usage = convertGeminiUsage({
      promptTokenCount: 1000,
      cachedContentTokenCount: 600,
      candidatesTokenCount: 50,
      thoughtsTokenCount: 200,
      toolUsePromptTokenCount: 40,
      promptTokensDetails: [
        { modality: 'TEXT', tokenCount: 700 },
        { modality: 'IMAGE', tokenCount: 258 },
        { modality: 'DOCUMENT', tokenCount: 42 },
      ],
      cacheTokensDetails: [{ modality: 'TEXT', tokenCount: 600 }],
      candidatesTokensDetails: [{ modality: 'TEXT', tokenCount: 50 }],
      toolUsePromptTokensDetails: [{ modality: 'TEXT', tokenCount: 40 }],
    });
    expect(usage?.input).toEqual({ total: 1040, uncached: 440, cacheRead: 600, cacheWrite: 0, cacheWrite1h: 0 });
    expect(usage?.output).toEqual({ total: 250, text: 50, reasoning: 200 });
    expect(usage?.units).toEqual({
      input_text_tokens: 740,
      input_image_tokens: 300,
      input_text_tool_tokens: 40,
      input_tool_tokens: 40,
      cache_text_read_tokens: 600,
      output_text_tokens: 50,
    });
  });

  it('returns undefined without any count', () => {
    expect(convertGeminiUsage({ totalTokenCount: 5 })).toBeUndefined();
    expect(convertGeminiUsage(undefined)).toBeUndefined();
  });
});
