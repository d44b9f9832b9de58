import type { Usage } from '../../domain/usage.ts';

/** A normalised Usage in OpenAI's shape: prompt_tokens include cached tokens. */
export function openAiUsageOf(usage: Usage): Record<string, unknown> {
  return {
    prompt_tokens: usage.input.total,
    completion_tokens: usage.output.total,
    total_tokens: usage.input.total + usage.output.total,
    prompt_tokens_details: { cached_tokens: usage.input.cacheRead, cache_write_tokens: usage.input.cacheWrite },
    completion_tokens_details: { reasoning_tokens: usage.output.reasoning },
  };
}

/** A normalised Usage in Anthropic's shape: input_tokens exclude cache reads and writes. */
export function anthropicUsageOf(usage: Usage): Record<string, number> {
  return {
    input_tokens: usage.input.uncached,
    output_tokens: usage.output.total,
    cache_read_input_tokens: usage.input.cacheRead,
    cache_creation_input_tokens: usage.input.cacheWrite,
  };
}
