import { GatewayError, toGatewayError } from '../domain/errors.ts';
import { inboundOf } from '../domain/inbound.ts';
import type { Target } from '../domain/request.ts';
import { getAdapter } from '../providers/registry.ts';
import { resolveTargets } from '../routing/resolve-target.ts';
import { callWithFallbacks, type Attempt, type FallbackOptions, type TargetOutcome } from '../routing/call-with-fallbacks.ts';
import { experimentArm } from './experiment-arm.ts';
import { failure } from './failure.ts';
import { allowedChain, enforceKeyLimits } from './key-limits.ts';
import { chainFor, largerContext } from './resolve-chain.ts';
import { noteCalling, noteFallback, noteSkipped, noteTried } from './route-notes.ts';
import { serveFromCache } from './serve-from-cache.ts';
import { withTriedTargets } from './tried-targets.ts';
import { createCall, tryTarget } from './try-target.ts';
import type { PipelineRequest, PipelineDeps, PipelineResult } from './types.ts';
import { isValidModelName } from '../domain/model-name.ts';
import { validateBody } from './validate.ts';

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
  let hooks: RouteHooks | undefined;
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
    hooks = new RouteHooks(request, deps, stream);
    const outcome = await callWithFallbacks(chain, hooks);
    if (outcome.ok) return outcome.result;
    throw withTriedTargets(outcome.error, outcome.outcomes);
  } catch (error) {
    return failure(request, deps, toGatewayError(error), hooks?.target);
  }
}

/**
 * The call loop's hooks for one request, as methods of one object: under tsx (esbuild keepNames)
 * every named closure costs an Object.defineProperty each time it is created, and an object of
 * arrow functions made a dozen of them on every request.
 */
class RouteHooks implements FallbackOptions<PipelineResult> {
  readonly router: PipelineDeps['router'];
  readonly attemptsPerTarget: number;
  readonly backoffMs: number;
  readonly receivedAtMs: number;
  readonly retarget: FallbackOptions<PipelineResult>['retarget'];
  /** The target last called (the one a failure is blamed on). */
  target: Target | undefined;

  constructor(
    private readonly request: PipelineRequest,
    private readonly deps: PipelineDeps,
    private readonly stream: boolean,
  ) {
    this.router = deps.router;
    this.attemptsPerTarget = deps.config.routing.attemptsPerTarget;
    this.backoffMs = deps.config.routing.backoffMs;
    this.receivedAtMs = request.receivedAtMs;
    this.retarget = request.budget?.retarget ? this.budgetRetarget : undefined;
  }

  now(): number {
    return this.deps.now();
  }

  aborted(): boolean {
    return this.request.signal?.aborted ?? false;
  }

  unsupported(candidate: Target): GatewayError | undefined {
    return getAdapter(candidate.provider.kind).supports(this.request.operation)
      ? undefined
      : new GatewayError('invalid_request', `The model '${inboundOf(this.request).model}' does not support ${this.request.operation} requests`, { param: 'model' });
  }

  /** `retarget` when the budget grant has one: called as the hooks' method. */
  private budgetRetarget(this: RouteHooks, candidate: Target): Promise<boolean> {
    return this.request.budget!.retarget!(candidate);
  }

  onTarget(candidate: Target): void {
    this.target = candidate;
    noteCalling(this.request, `${candidate.upstreamModel}@${candidate.providerId}`);
  }

  // Budget skips are named in the summary (the client may wonder why a fallback was not taken); the rest only in the ledger.
  onPassedOver(outcome: TargetOutcome): void {
    if (outcome.reason === 'budget') noteSkipped(this.request, [outcome.key], 'budget');
    else if (outcome.reason === 'circuit_open' || outcome.reason === 'unsupported') noteSkipped(this.request, [outcome.key], outcome.reason, false);
    else noteTried(this.request, outcome.key, outcome.reason);
  }

  onFallback(key: string): void {
    noteFallback(this.request, key);
  }

  onUpstreamError(candidate: Target, error: GatewayError): void {
    this.deps.metrics.observeUpstreamError(candidate.providerId, error.code);
  }

  largerContext(current: Target, remaining: Target[]): Target[] {
    return largerContext(this.deps, this.request, current, remaining);
  }

  attempt(candidate: Target): Promise<Attempt<PipelineResult>> {
    const adapter = getAdapter(candidate.provider.kind);
    return tryTarget(this.request, this.deps, candidate, adapter, createCall(this.request, candidate, adapter, this.stream));
  }
}
