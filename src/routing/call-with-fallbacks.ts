import { GatewayError } from '../domain/errors.ts';
import type { Target } from '../domain/request.ts';
import type { Router } from './router.ts';

/** One upstream attempt's outcome: the caller's result, or the error that decides whether to retry or fall back. */
export type Attempt<R> = { ok: true; result: R } | { ok: false; error: GatewayError };

/** One target the request was offered to and why it did not answer (an error code, `circuit_open`, `budget`, `unsupported`). */
export interface TargetOutcome {
  key: string;
  reason: string;
}

/** The chain is exhausted: the last error that stands and every target tried. */
export type FallbackResult<R> = { ok: true; result: R } | { ok: false; error: GatewayError; outcomes: TargetOutcome[] };

export interface FallbackOptions<R> {
  router: Router | undefined;
  now: () => number;
  attemptsPerTarget: number;
  backoffMs: number;
  /** When the request arrived (the latency a failure is recorded with). */
  receivedAtMs: number;
  /** True once the client has gone: no further retry. */
  aborted: () => boolean;
  /** Why a target cannot serve this request at all (e.g. its adapter lacks the operation), or undefined. */
  unsupported: (target: Target) => GatewayError | undefined;
  /** Budget check of a fallback (never of the first target); false skips it. */
  retarget: ((target: Target) => Promise<boolean>) | undefined;
  /** Called for each target that passes the breaker (the one a failure is blamed on). */
  onTarget: (target: Target) => void;
  /**
   * A target passed over (circuit open, no budget room, unsupported) or called and failed (its error
   * code), and a fallback taken: the caller notes them in the route decision.
   */
  onPassedOver: (outcome: TargetOutcome) => void;
  onFallback: (key: string) => void;
  onUpstreamError: (target: Target, error: GatewayError) => void;
  /** After a context-length error: the remaining targets worth trying (larger contexts, largest first). */
  largerContext: (current: Target, remaining: Target[]) => Target[];
  /** One upstream attempt. */
  attempt: (target: Target) => Promise<Attempt<R>>;
}

/**
 * The retry / breaker / fallback loop: each target in turn (an open circuit skipped while another
 * remains), retried with backoff on retryable failures, a dearer fallback only if the budget allows,
 * and a context-length error handed over to larger-context targets.
 */
export async function callWithFallbacks<R>(chain: readonly Target[], options: FallbackOptions<R>): Promise<FallbackResult<R>> {
  const { router, attemptsPerTarget, backoffMs } = options;
  let lastError: GatewayError | undefined;
  let remaining = [...chain];
  let tried = 0;
  const outcomes: TargetOutcome[] = [];
  while (remaining.length > 0) {
    const candidate = remaining.shift()!;
    const key = `${candidate.upstreamModel}@${candidate.providerId}`;
    // An open circuit is skipped while another target remains (or one was tried already).
    if (router && !router.breaker.allow(key, options.now()) && (remaining.length > 0 || tried > 0)) {
      lastError ??= new GatewayError('upstream_unavailable', `${key} is failing (circuit open)`, { retryable: true });
      passOver(outcomes, options, key, 'circuit_open');
      continue;
    }
    options.onTarget(candidate);
    tried += 1;
    if (tried > 1 && options.retarget && !(await options.retarget(candidate))) {
      // A dearer fallback the budgets have no room for is skipped; the last upstream error stands.
      passOver(outcomes, options, key, 'budget');
      router?.breaker.release(key);
      continue;
    }
    if (tried > 1) options.onFallback(key);
    const unsupported = options.unsupported(candidate);
    if (unsupported) {
      lastError = unsupported;
      passOver(outcomes, options, key, 'unsupported');
      router?.breaker.release(key);
      continue;
    }
    let error: GatewayError | undefined;
    for (let attempt = 1; attempt <= attemptsPerTarget; attempt += 1) {
      router?.begin(candidate);
      let result: Attempt<R>;
      try {
        result = await options.attempt(candidate);
      } finally {
        router?.end(candidate);
      }
      if (result.ok) {
        router?.breaker.success(key);
        return { ok: true, result: result.result };
      }
      error = result.error;
      options.onUpstreamError(candidate, error);
      if (countsAgainstTarget(error)) {
        router?.breaker.failure(key, options.now());
        router?.stats.observe(key, { ok: false, latencyMs: options.now() - options.receivedAtMs, ttftMs: null });
      } else {
        // Not the target's fault: no verdict, and a half-open trial it claimed is given back.
        router?.breaker.release(key);
      }
      if (!error.retryable || attempt === attemptsPerTarget || options.aborted()) break;
      await sleep(retryDelay(error, attempt, backoffMs));
    }
    lastError = error;
    if (error) passOver(outcomes, options, key, error.code);
    if (error && isContextLengthError(error)) {
      // Too long for this model: only larger-context targets are worth trying, largest first.
      remaining = options.largerContext(candidate, remaining);
      continue;
    }
    if (!error?.retryable) break;
  }
  return { ok: false, error: lastError ?? new GatewayError('internal', 'no target could serve the request'), outcomes };
}

/** A target passed over or failed: noted in the outcomes and told to the caller. */
function passOver<R>(outcomes: TargetOutcome[], options: FallbackOptions<R>, key: string, reason: string): void {
  const outcome = { key, reason };
  outcomes.push(outcome);
  options.onPassedOver(outcome);
}

/**
 * Client mistakes (a 4xx, a request that could not be built, a prompt too long) say nothing about a
 * target's health; only transport failures, timeouts, upstream 5xx, 429 and unreadable answers do.
 */
export function countsAgainstTarget(error: GatewayError): boolean {
  if (error.code === 'upstream_unavailable' || error.code === 'upstream_timeout' || error.code === 'rate_limited' || error.code === 'upstream_bad_response') return true;
  return error.code === 'upstream_error' && error.retryable;
}

const CONTEXT_LENGTH = /context.length|context window|maximum context|too many tokens|prompt is too long|reduce the length|max_tokens.*exceed/i;

export function isContextLengthError(error: GatewayError): boolean {
  if (error.code === 'context_length_exceeded') return true;
  return (error.code === 'invalid_request' || error.code === 'payload_too_large') && CONTEXT_LENGTH.test(error.message);
}

/** Exponential backoff with jitter; an upstream's retry-after is honoured up to 2 s. */
export function retryDelay(error: GatewayError, attempt: number, baseMs: number): number {
  const retryAfter = Number(error.headers['retry-after']);
  if (Number.isFinite(retryAfter) && retryAfter > 0) return Math.min(retryAfter * 1000, 2_000);
  return baseMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
