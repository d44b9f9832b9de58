import type { MockUsage } from './types.ts';

/** Token counts of one answer, provider-neutral (`input` includes cache reads/writes, `output` includes reasoning). */
export interface ResolvedUsage {
  input: number;
  cacheRead: number;
  cacheWrite: number;
  cacheWrite1h: number;
  output: number;
  reasoning: number;
}

/**
 * Computed counts (from the request and the answer) with a test's overrides on top. Overrides are
 * reported exactly as given, even inconsistent ones (cacheRead > input), so tests can imitate
 * providers' bugs; only Anthropic's derived `input_tokens` is floored at 0.
 */
export function resolveUsage(computed: { input: number; output: number }, override: MockUsage | undefined): ResolvedUsage {
  return {
    input: override?.input ?? Math.max(1, computed.input),
    cacheRead: override?.cacheRead ?? 0,
    cacheWrite: override?.cacheWrite ?? 0,
    cacheWrite1h: override?.cacheWrite1h ?? 0,
    output: override?.output ?? computed.output,
    reasoning: override?.reasoning ?? 0,
  };
}

/**
 * OpenAI chat usage: `prompt_tokens` includes cached tokens, `completion_tokens` includes
 * reasoning tokens. `cache_write_tokens` is not sent by OpenAI itself (it does not bill writes);
 * some OpenAI-compatible servers send it, so it appears only when a test asks for cache writes.
 */
export function toOpenAiChatUsage(usage: ResolvedUsage): Record<string, unknown> {
  const promptDetails: Record<string, number> = { cached_tokens: usage.cacheRead, audio_tokens: 0 };
  if (usage.cacheWrite > 0) promptDetails.cache_write_tokens = usage.cacheWrite;
  return {
    prompt_tokens: usage.input,
    completion_tokens: usage.output,
    total_tokens: usage.input + usage.output,
    prompt_tokens_details: promptDetails,
    completion_tokens_details: {
      reasoning_tokens: usage.reasoning,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** Legacy completions usage: no details objects. */
export function toOpenAiCompletionUsage(usage: ResolvedUsage): Record<string, unknown> {
  return { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output };
}

/** Anthropic usage: `input_tokens` EXCLUDES cache reads and cache writes. */
export function toAnthropicUsage(usage: ResolvedUsage): Record<string, unknown> {
  const result: Record<string, unknown> = {
    input_tokens: anthropicUncachedInput(usage),
    cache_creation_input_tokens: usage.cacheWrite,
    cache_read_input_tokens: usage.cacheRead,
    cache_creation: {
      ephemeral_5m_input_tokens: Math.max(0, usage.cacheWrite - usage.cacheWrite1h),
      ephemeral_1h_input_tokens: usage.cacheWrite1h,
    },
    output_tokens: usage.output,
    service_tier: 'standard',
  };
  if (usage.reasoning > 0) result.output_tokens_details = { thinking_tokens: usage.reasoning };
  return result;
}

/**
 * Anthropic `message_start` usage: the input side is final, output is a small running count
 * (the real API reports 1 or a few tokens there).
 */
export function toAnthropicStartUsage(usage: ResolvedUsage): Record<string, unknown> {
  return { ...toAnthropicUsage(usage), output_tokens: Math.min(1, usage.output) };
}

/** Anthropic `message_delta` usage: cumulative counts, including the input side. */
export function toAnthropicDeltaUsage(usage: ResolvedUsage): Record<string, unknown> {
  const result: Record<string, unknown> = {
    input_tokens: anthropicUncachedInput(usage),
    cache_creation_input_tokens: usage.cacheWrite,
    cache_read_input_tokens: usage.cacheRead,
    output_tokens: usage.output,
  };
  if (usage.reasoning > 0) result.output_tokens_details = { thinking_tokens: usage.reasoning };
  return result;
}

function anthropicUncachedInput(usage: ResolvedUsage): number {
  return Math.max(0, usage.input - usage.cacheRead - usage.cacheWrite);
}
