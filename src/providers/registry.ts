import type { ProviderKind } from '../config/schema.ts';
import { createAnthropicAdapter } from './anthropic/adapter.ts';
import { createOpenAiAdapter } from './openai/adapter.ts';
import type { ProviderAdapter } from './types.ts';

const ADAPTERS: Record<ProviderKind, ProviderAdapter> = {
  openai: createOpenAiAdapter('openai'),
  openrouter: createOpenAiAdapter('openrouter'),
  'openai-compatible': createOpenAiAdapter('openai-compatible'),
  anthropic: createAnthropicAdapter(),
};

/** The adapter for a provider kind (stateless singletons; per-request state lives in stream transformers). */
export function getAdapter(kind: ProviderKind): ProviderAdapter {
  return ADAPTERS[kind];
}
