import { createUsage } from '../domain/usage.ts';
import { priceProviderFor } from '../pipeline/meter.ts';
import type { Target } from '../pipeline/types.ts';
import type { PriceBook } from '../pricing/price-book.ts';

/** The most output a request can produce: its own cap, else the configured default. */
export function outputBound(body: Record<string, unknown>, fallback: number): number {
  for (const field of ['max_completion_tokens', 'max_tokens', 'max_output_tokens']) {
    const value = body[field];
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) return Math.floor(value);
  }
  return fallback;
}

/**
 * The worst-case cost of a request on a target: every input token at the uncached input price
 * and the output bound at the output price. Unpriced models cost 0 here (they cannot be
 * budgeted; the ledger flags them).
 */
export function worstCaseNano(priceBook: PriceBook, target: Target, inputTokens: number, outputTokens: number, timeMs: number): number {
  const cost = priceBook.cost(createUsage({ inputTotal: inputTokens, outputTotal: outputTokens }), {
    model: target.upstreamModel,
    providerId: target.providerId,
    priceProviderId: priceProviderFor(target.provider.kind, target.provider.priceProvider),
    nodeId: target.provider.node,
    timeMs,
  });
  return cost.totalNanoUsd;
}
