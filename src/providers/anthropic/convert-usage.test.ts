import { describe, expect, it } from 'vitest';
import { convertAnthropicUsage } from './convert-usage.ts';

describe('convertAnthropicUsage', () => {
  it('adds cache reads and writes to input_tokens, which excludes them', () => {
    const usage = convertAnthropicUsage({
      input_tokens: 3,
      cache_creation_input_tokens: 2051,
      cache_read_input_tokens: 14_512,
      cache_creation: { ephemeral_5m_input_tokens: 51, ephemeral_1h_input_tokens: 2000 },
      output_tokens: 503,
      service_tier: 'standard',
    });
    expect(usage?.input).toEqual({ total: 16_566, uncached: 3, cacheRead: 14_512, cacheWrite: 2051, cacheWrite1h: 2000 });
    expect(usage?.output).toEqual({ total: 503, text: 503, reasoning: 0 });
  });

  it('reads thinking tokens and web searches', () => {
    const usage = convertAnthropicUsage({
      input_tokens: 7744,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: 353,
      output_tokens_details: { thinking_tokens: 80 },
      server_tool_use: { web_search_requests: 1, web_fetch_requests: 0 },
    });
    expect(usage?.output).toEqual({ total: 353, text: 273, reasoning: 80 });
    expect(usage?.units).toEqual({ web_searches: 1 });
  });

  it('accepts a streaming message_delta usage with output only', () => {
    expect(convertAnthropicUsage({ output_tokens: 12 })?.output.total).toBe(12);
    expect(convertAnthropicUsage({})).toBeUndefined();
  });
});
