import { createUsage, type Usage } from '../domain/usage.ts';

export interface TokenCounts {
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
}

/**
 * What a provider's own prompt cache saved on one call: its price had every input token been
 * uncached, minus its price as billed (cheap cache reads, dearer cache writes). Negative when
 * cache writes cost more than the reads saved. Pure: `price` is the price book for the call's model.
 */
export function promptCacheSavingsNano(counts: TokenCounts, price: (usage: Usage) => number): number {
  if (counts.cacheReadTokens === 0 && counts.cacheWriteTokens === 0) return 0;
  const output = { outputTotal: counts.outputTokens, reasoning: counts.reasoningTokens };
  const billed = createUsage({ inputTotal: counts.inputTokens, cacheRead: counts.cacheReadTokens, cacheWrite: counts.cacheWriteTokens, ...output });
  const uncached = createUsage({ inputTotal: counts.inputTokens, ...output });
  return price(uncached) - price(billed);
}
