import { GatewayError } from '../domain/errors.ts';
import { choicesOf, outputBound } from '../pricing/worst-case.ts';
import { applyBodyLimits, takeRate } from '../keys/key-policy.ts';
import { modelAllowed, targetNames } from '../keys/model-allowlist.ts';
import { inboundOf, replaceBody } from '../domain/inbound.ts';
import type { Target } from '../domain/request.ts';
import type { PipelineRequest, PipelineDeps } from './types.ts';

/**
 * The key's own limits, once per request before the cache and the budgets: allowed model, caps on
 * max_tokens and n (a missing cap is filled in, so the budget worst case is bounded too), then the
 * requests- and tokens-per-minute windows. Shadow calls of experiments are the gateway's, not the key's.
 */
export async function enforceKeyLimits(request: PipelineRequest, deps: PipelineDeps): Promise<void> {
  const limits = request.principal.limits;
  if (!limits || request.shadow) return;
  replaceBody(request, applyBodyLimits(limits, request.body, request.operation));
  const keyId = request.principal.keyId;
  if (!keyId || !deps.keyLimiter) return;
  const charge = await takeRate(deps.keyLimiter, keyId, limits, () => requestTokens(request, deps), deps.now());
  if (!charge || limits.tokensPerMinute === undefined) return;
  const limiter = deps.keyLimiter;
  let settled = false;
  // At settle the window holds the real tokens (input + output as metered; 0 for a failure or a cache hit), not the estimate.
  request.keyRate = {
    settle(usedTokens) {
      if (settled) return;
      settled = true;
      const delta = Math.max(0, usedTokens) - charge.tokens;
      if (delta !== 0) void limiter.adjust(keyId, charge.windowStartMs, delta).catch(() => undefined);
    },
  };
}

/** Estimated input tokens plus the most output the request may produce (its cap × n). */
function requestTokens(request: PipelineRequest, deps: PipelineDeps): number {
  const input = inboundOf(request).inputTokens;
  if (request.operation === 'embedding') return input;
  return input + outputBound(request.body, deps.config.enforcement.defaultMaxOutputTokens) * choicesOf(request.body, request.operation);
}

/** Whether the key may be served by this target (routing picks, fallbacks, equivalents, downgrades). */
export function targetAllowed(request: PipelineRequest, deps: PipelineDeps, target: Target): boolean {
  return modelAllowed(request.principal.limits?.allowedModels, targetNames(target, deps.config.models));
}

/** The chain without targets the key may not use (handed to `onDropped`); none left is a 403 naming what was asked for. */
export function allowedChain(request: PipelineRequest, deps: PipelineDeps, chain: Target[], onDropped?: (keys: string[]) => void): Target[] {
  if (!request.principal.limits?.allowedModels) return chain;
  const allowed = chain.filter((target) => targetAllowed(request, deps, target));
  if (allowed.length === 0) {
    const names = chain.map((target) => `${target.upstreamModel}@${target.providerId}`).join(', ');
    throw new GatewayError('forbidden', `This API key may not use the model(s) '${inboundOf(request).model}' resolves to (${names.slice(0, 200)})`, { param: 'model' });
  }
  if (onDropped && allowed.length < chain.length) onDropped(chain.filter((target) => !allowed.includes(target)).map((target) => `${target.upstreamModel}@${target.providerId}`));
  return allowed;
}
