import { GatewayError } from '../domain/errors.ts';
import { inboundOf } from '../domain/inbound.ts';
import { ownEntry } from '../domain/own-entry.ts';
import type { Target } from '../domain/request.ts';
import { resolveTargets } from '../routing/resolve-target.ts';
import { contextLengthMessage, knownContextWindow } from '../routing/context-window.ts';
import { allowedChain } from './key-limits.ts';
import { noteOverflow, noteSelection, noteSkipped } from './route-notes.ts';
import type { PipelineRequest, PipelineDeps } from './types.ts';

/**
 * The target chain for a request: by route or strategy (or as configured), sent to the overflow
 * target when the prompt is too long for the first, narrowed to what the key may use, and to the
 * targets whose context window fits the prompt.
 */
export function chainFor(request: PipelineRequest, deps: PipelineDeps): Target[] {
  let chain = resolveChain(request, deps);
  chain = overflow(deps, request, chain);
  chain = allowedChain(request, deps, chain, (dropped) => noteSkipped(request, dropped, 'allowlist', false));
  return fitContext(deps, request, chain);
}

/** A routed model name (a route or `tollgate/<strategy>`) picks its chain by strategy; other names resolve as configured. */
function resolveChain(request: PipelineRequest, deps: PipelineDeps): Target[] {
  const decision = deps.router?.route(request);
  if (!decision) {
    const chain = resolveTargets(deps.config, inboundOf(request).model).chain;
    return deps.router ? deps.router.balance(inboundOf(request).model, chain) : chain;
  }
  noteSelection(request, decision.decision);
  return decision.ordered.map((entry) => entry.target);
}

/** After a context-length error: the remaining targets with a larger window than `current`, largest first. */
export function largerContext(deps: PipelineDeps, request: PipelineRequest, current: Target, remaining: Target[]): Target[] {
  const windowOf = (target: Target) => deps.router?.contextWindowOf(target) ?? ownEntry(deps.config.models, target.upstreamModel)?.contextWindow;
  // The alias the client asked for knows its first target's window best.
  const alias = ownEntry(deps.config.models, inboundOf(request).model);
  const own = alias && alias.target === `${current.upstreamModel}@${current.providerId}` ? alias.contextWindow : undefined;
  const limit = own ?? windowOf(current) ?? 0;
  return remaining.filter((target) => (windowOf(target) ?? Number.POSITIVE_INFINITY) > limit).sort((a, b) => (windowOf(b) ?? Number.POSITIVE_INFINITY) - (windowOf(a) ?? Number.POSITIVE_INFINITY));
}

/** A prompt longer than the model's context window (configured or catalogued) goes to its overflow target (a larger, usually cloud, model). */
function overflow(deps: PipelineDeps, request: PipelineRequest, chain: Target[]): Target[] {
  const requested = inboundOf(request).model;
  const alias = ownEntry(deps.config.models, requested);
  const first = chain[0];
  if (!alias?.overflowTarget || !first || !checksContext(request)) return chain;
  const window = knownContextWindow(deps.config, deps.priceBook, first, requested, deps.now());
  if (window === undefined || fitsSurely(request, window) || promptTokens(request) <= window) return chain;
  noteOverflow(request, alias.overflowTarget);
  return resolveTargets(deps.config, alias.overflowTarget).chain;
}

/** The request's estimated input tokens; a body nested too deeply to walk is the client's 400, not a 500. */
function promptTokens(request: PipelineRequest): number {
  try {
    return inboundOf(request).inputTokens;
  } catch (error) {
    if (error instanceof RangeError) throw new GatewayError('invalid_request', 'The request is nested too deeply to read', { param: 'messages' });
    throw error;
  }
}

/**
 * True when the prompt cannot exceed `window` whatever it says, without tokenising it: an o200k
 * token covers at least one UTF-8 byte, a UTF-16 unit is at most three bytes, and the JSON text
 * of the body holds every counted character (plus more than the per-message overhead). The
 * count once made, else the bound from the body's source text (`inputTokensAtMost`, no
 * serialising); a body with neither (built in process) is serialised to get the same bound.
 */
function fitsSurely(request: PipelineRequest, window: number): boolean {
  const atMost = inboundOf(request).inputTokensAtMost;
  if (atMost !== undefined) return atMost <= window;
  try {
    return 3 * JSON.stringify(request.body).length <= window;
  } catch {
    return false;
  }
}

/** Embedding limits are per input (a batch may exceed one window in total): only prompts are checked. */
function checksContext(request: PipelineRequest): boolean {
  return request.operation === 'chat' || request.operation === 'messages' || request.operation === 'completion';
}

/**
 * Every call whose target's context window is known is checked before anything goes upstream: the
 * estimated input alone must fit (output is the upstream's to cap). Targets it overflows are
 * dropped from the chain; when none is left the caller gets OpenAI's `context_length_exceeded`
 * (param `messages`) or Anthropic's invalid_request_error.
 */
function fitContext(deps: PipelineDeps, request: PipelineRequest, chain: Target[]): Target[] {
  if (!checksContext(request)) return chain;
  const requested = inboundOf(request).model;
  const windows = chain.map((target) => knownContextWindow(deps.config, deps.priceBook, target, requested, deps.now()));
  const known = windows.filter((window): window is number => window !== undefined);
  if (known.length === 0 || fitsSurely(request, Math.min(...known))) return chain;
  const inputTokens = promptTokens(request);
  let largest: number | undefined;
  const fitting = chain.filter((_, index) => {
    const window = windows[index];
    if (window === undefined || inputTokens <= window) return true;
    largest = largest === undefined ? window : Math.max(largest, window);
    return false;
  });
  if (fitting.length === chain.length) return chain;
  if (fitting.length === 0) {
    throw new GatewayError('context_length_exceeded', contextLengthMessage(largest!, inputTokens, request.wire), { param: request.operation === 'completion' ? 'prompt' : 'messages' });
  }
  const dropped = chain.filter((target) => !fitting.includes(target)).map((target) => `${target.upstreamModel}@${target.providerId}`);
  noteSkipped(request, dropped, 'context');
  return fitting;
}
