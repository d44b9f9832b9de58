import type { ProviderKind } from '../config/schema.ts';

/** The genai-prices provider whose list prices apply to a provider kind (OpenAI-compatible servers have none). */
export function priceProviderFor(kind: ProviderKind, override: string | undefined): string | undefined {
  if (override) return override;
  return kind === 'openai-compatible' ? undefined : kind;
}
