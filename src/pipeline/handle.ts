import { GatewayError, toGatewayError } from '../domain/errors.ts';
import { inboundOf } from '../domain/inbound.ts';
import type { Target } from '../domain/request.ts';
import { getAdapter } from '../providers/registry.ts';
import { resolveTargets } from '../routing/resolve-target.ts';
import { callWithFallbacks } from '../routing/call-with-fallbacks.ts';
import { experimentArm } from './experiment-arm.ts';
import { failure } from './failure.ts';
import { allowedChain, enforceKeyLimits } from './key-limits.ts';
import { chainFor, largerContext } from './resolve-chain.ts';
import { noteCalling, noteFallback, noteSkipped, noteTried } from './route-notes.ts';
import { serveFromCache } from './serve-from-cache.ts';
import { withTriedTargets } from './tried-targets.ts';
import { createCall, tryTarget } from './try-target.ts';
import type { PipelineRequest, PipelineDeps, PipelineResult } from './types.ts';
import { isValidModelName, validateBody } from './validate.ts';

export { recordRejection } from './failure.ts';
export { countsAgainstTarget, isContextLengthError } from '../routing/call-with-fallbacks.ts';

/**
 * The request path as a plain function: validate, resolve the target chain, call the upstream
 * (falling back on retryable failures before anything was sent to the client), relay, meter.
 * Every outcome, success or failure, leaves exactly one ledger row.
 */
export async function handle(request: PipelineRequest, deps: PipelineDeps): Promise<PipelineResult> {
  try {
    // First, before any stage (experiments, cache keys, routing) reads the body.
    request.body = validateBody(request.body, request.operation, request.wire);
  } catch (error) {
    // The ledger keeps only a model name that passed its checks: never the hostile body itself.
    const model = (request.body as { model?: unknown } | null)?.model;
    request.body = { model: typeof model === 'string' && isValidModelName(model) ? model : '' };
    const result = failure(request, deps, toGatewayError(error), undefined);
    await deps.ledger.whenDurable();
    return result;
  }
  const shadow = experimentArm(request, deps);
  const result = await route(request, deps);
  // Only a served request is shadowed: one refused (budget, bad input) or failed costs nothing more.
  if (shadow && result.status < 400) void route(shadow, deps).catch(() => undefined);
  // The ledger row is journaled before the client hears back: an answered request is never lost.
  if (result.kind === 'json') await deps.ledger.whenDurable();
  return result;
}

/** Key limits, cache, chain, budget admission, then the upstream with retries and fallbacks. */
async function route(request: PipelineRequest, deps: PipelineDeps): Promise<PipelineResult> {
  let target: Target | undefined;
  try {
    await enforceKeyLimits(request, deps);
    const stream = inboundOf(request).stream;
    const cached = await serveFromCache(request, deps, stream);
    if (cached) return cached;
    let chain = chainFor(request, deps);
    if (deps.budgets) {
      const admission = await deps.budgets.admit(request, chain, (model) => allowedChain(request, deps, resolveTargets(deps.config, model).chain));
      chain = admission.chain;
      request.budget = admission.grant;
    }
    // Methods, not arrow properties: under tsx (esbuild keepNames) every named closure costs an
    // Object.defineProperty each time it is created, here on every request.
    const outcome = await callWithFallbacks(chain, {
      router: deps.router,
      now() {
        return deps.now();
      },
      attemptsPerTarget: deps.config.routing.attemptsPerTarget,
      backoffMs: deps.config.routing.backoffMs,
      receivedAtMs: request.receivedAtMs,
      aborted() {
        return request.signal?.aborted ?? false;
      },
      unsupported(candidate) {
        return getAdapter(candidate.provider.kind).supports(request.operation)
          ? undefined
          : new GatewayError('invalid_request', `The model '${inboundOf(request).model}' does not support ${request.operation} requests`, { param: 'model' });
      },
      retarget: request.budget?.retarget ? (candidate) => request.budget!.retarget!(candidate) : undefined,
      onTarget: (candidate) => {
        target = candidate;
        noteCalling(request, `${candidate.upstreamModel}@${candidate.providerId}`);
      },
      // Budget skips are named in the summary (the client may wonder why a fallback was not taken); the rest only in the ledger.
      onPassedOver: (outcome) => (outcome.reason === 'budget' ? noteSkipped(request, [outcome.key], 'budget') : outcome.reason === 'circuit_open' || outcome.reason === 'unsupported' ? noteSkipped(request, [outcome.key], outcome.reason, false) : noteTried(request, outcome.key, outcome.reason)),
      onFallback: (key) => noteFallback(request, key),
      onUpstreamError: (candidate, error) => deps.metrics.observeUpstreamError(candidate.providerId, error.code),
      largerContext: (current, remaining) => largerContext(deps, request, current, remaining),
      attempt: (candidate) => {
        const adapter = getAdapter(candidate.provider.kind);
        return tryTarget(request, deps, candidate, adapter, createCall(request, candidate, adapter, stream));
      },
    });
    if (outcome.ok) return outcome.result;
    throw withTriedTargets(outcome.error, outcome.outcomes);
  } catch (error) {
    return failure(request, deps, toGatewayError(error), target);
  }
}
