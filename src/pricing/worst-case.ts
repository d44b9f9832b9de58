import { createUsage } from '../domain/usage.ts';
import { GatewayError } from '../domain/errors.ts';
import { priceProviderFor } from './price-provider.ts';
import type { Target } from '../domain/request.ts';
import type { PriceBook } from './price-book.ts';

/** The most completions one request may ask for (`n`, `best_of`), as OpenAI's own limit. */
export const MAX_CHOICES = 128;
/**
 * Output tokens one completion is assumed to produce at most, whatever `max_tokens` says: far above
 * any model's output limit, and small enough that tokens x choices x price stays an exact integer.
 */
export const MAX_OUTPUT_TOKENS_PER_CHOICE = 10_000_000;

/** The most output one completion can produce: its own cap, else the configured default (clamped). */
export function outputBound(body: Record<string, unknown>, fallback: number): number {
  for (const field of ['max_completion_tokens', 'max_tokens', 'max_output_tokens']) {
    const value = body[field];
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) return Math.min(Math.floor(value), MAX_OUTPUT_TOKENS_PER_CHOICE);
  }
  return Math.min(fallback, MAX_OUTPUT_TOKENS_PER_CHOICE);
}

/**
 * How many completions the upstream generates (and bills) for one request: `n` on OpenAI chat and
 * completions, `best_of` on completions (it generates `best_of` and returns `n`). Anthropic has
 * neither. Absurd or malformed values are refused here, before anything is reserved. Pure.
 */
export function choicesOf(body: Record<string, unknown>, operation: string): number {
  if (operation !== 'chat' && operation !== 'completion') return 1;
  const n = choiceField(body, 'n');
  const bestOf = operation === 'completion' ? choiceField(body, 'best_of') : 1;
  return Math.max(n, bestOf);
}

function choiceField(body: Record<string, unknown>, field: 'n' | 'best_of'): number {
  const value = body[field];
  if (value === undefined || value === null) return 1;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_CHOICES) {
    throw new GatewayError('invalid_request', `'${field}' must be an integer from 1 to ${MAX_CHOICES}`, { param: field });
  }
  return value;
}

/**
 * The worst-case cost of a request on a target: every input token at the uncached input price
 * and `choices` times the output bound at the output price. Unpriced models cost 0 here (they
 * cannot be budgeted; the ledger flags them).
 */
export function worstCaseNano(priceBook: PriceBook, target: Target, inputTokens: number, outputTokens: number, timeMs: number, choices = 1): number {
  const cost = priceBook.cost(createUsage({ inputTotal: inputTokens, outputTotal: outputTokens * choices }), {
    model: target.upstreamModel,
    providerId: target.providerId,
    priceProviderId: priceProviderFor(target.provider.kind, target.provider.priceProvider),
    nodeId: target.provider.node,
    timeMs,
  });
  return cost.totalNanoUsd;
}
