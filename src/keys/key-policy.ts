import type { KeyLimits } from '../domain/key-limits.ts';
import { GatewayError } from '../domain/errors.ts';
import { inboundOf } from '../domain/inbound.ts';
import { modelAllowed } from './model-allowlist.ts';
import { windowStart, type KeyRateLimiter } from './rate-limiter.ts';

/** What a request was counted as in its key's token window, to correct with the real usage at settle. */
export interface RateCharge {
  windowStartMs: number;
  tokens: number;
}

/** Fields that cap a request's output, in the order the upstream adapters read them. */
const OUTPUT_CAP_FIELDS = ['max_tokens', 'max_completion_tokens', 'max_output_tokens'] as const;
/** Fields that multiply a request's output. */
const MULTIPLIER_FIELDS = ['n', 'best_of'] as const;

type Operation = string;

/**
 * The body-level part of a key's limits, pure: the model asked for must be allowed (403, the key
 * lacks the permission: retrying or rephrasing will not help), `n`/`best_of` and the output cap
 * must be within the key's caps (400, naming the field), and a request without an output cap is
 * given the key's (`max_completion_tokens` for chat, `max_tokens` otherwise), which also bounds
 * its budget worst case. Returns the body to send on (the same object when nothing changed).
 */
export function applyBodyLimits(limits: KeyLimits, body: Record<string, unknown>, operation: Operation): Record<string, unknown> {
  const model = inboundOf({ body, operation }).model;
  if (!modelAllowed(limits.allowedModels, [model])) {
    throw new GatewayError('forbidden', `This API key may not use the model '${clip(model)}'`, { param: 'model' });
  }
  if (limits.maxN !== undefined) {
    for (const field of MULTIPLIER_FIELDS) {
      const value = body[field];
      if (value === undefined || value === null) continue;
      // A string or fraction could slip past the cap and be read differently upstream: only a number within it passes.
      if (typeof value !== 'number' || !Number.isFinite(value) || value > limits.maxN) {
        throw new GatewayError('invalid_request', `${field}: this API key allows at most ${limits.maxN} (got ${clip(JSON.stringify(value) ?? '')})`, { param: field });
      }
    }
  }
  if (limits.maxTokens === undefined || operation === 'embedding') return body;
  let capped = false;
  for (const field of OUTPUT_CAP_FIELDS) {
    const value = body[field];
    if (value === undefined || value === null) continue;
    capped = true;
    if (typeof value !== 'number' || !Number.isFinite(value) || value > limits.maxTokens) {
      throw new GatewayError('invalid_request', `${field}: this API key allows at most ${limits.maxTokens} output tokens (got ${clip(JSON.stringify(value) ?? '')})`, { param: field });
    }
  }
  if (capped) return body;
  return { ...body, [operation === 'chat' ? 'max_completion_tokens' : 'max_tokens']: limits.maxTokens };
}

/**
 * Counts the request against the key's requests- and tokens-per-minute windows. A refusal is a
 * 429 `rate_limited` with `retry-after` (seconds), `retry-after-ms` and `x-should-retry: true`:
 * unlike a budget block, waiting for the next window does help, and the SDKs retry it. A single
 * request larger than the whole tokens-per-minute allowance can never pass: that is a 400.
 */
export async function takeRate(limiter: KeyRateLimiter, keyId: string, limits: KeyLimits, tokens: () => number, nowMs: number): Promise<RateCharge | undefined> {
  if (limits.requestsPerMinute === undefined && limits.tokensPerMinute === undefined) return undefined;
  const count = limits.tokensPerMinute !== undefined ? Math.max(0, Math.ceil(tokens())) : 0;
  if (limits.tokensPerMinute !== undefined && count > limits.tokensPerMinute) {
    throw new GatewayError('invalid_request', `This request needs up to ${count} tokens (input plus max output); this API key allows ${limits.tokensPerMinute} per minute. Lower max_tokens or n.`, { param: 'max_tokens' });
  }
  const decision = await limiter.take(keyId, count, limits, nowMs);
  if (decision.ok) return { windowStartMs: windowStart(nowMs), tokens: count };
  const retryAfterMs = Math.max(1, decision.retryAfterMs);
  const what = decision.limit === 'requests' ? `${limits.requestsPerMinute} requests` : `${limits.tokensPerMinute} tokens`;
  throw new GatewayError('rate_limited', `Rate limit reached for this API key: ${what} per minute. Try again in ${Math.ceil(retryAfterMs / 1000)} s.`, {
    retryable: false,
    headers: {
      'retry-after': String(Math.ceil(retryAfterMs / 1000)),
      'retry-after-ms': String(retryAfterMs),
      'x-should-retry': 'true',
      'x-tollgate-rate-limit': decision.limit,
    },
  });
}

function clip(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}
