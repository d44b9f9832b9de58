import { renderErrorBody } from '../domain/error-envelope.ts';
import { GatewayError, toGatewayError } from '../domain/errors.ts';
import { safeParseJson } from '../domain/safe-parse-json.ts';
import { getAdapter } from '../providers/registry.ts';
import type { ProviderAdapter, UpstreamCall, UpstreamRequest } from '../providers/types.ts';
import { requestBuildError, withTriedTargets, type TriedTarget } from './tried-targets.ts';
import { estimateUsage, inputTokensOf } from '../domain/estimate.ts';
import { meter } from './meter.ts';
import { baseHeaders, costHeaders, failureHeaders } from './response-headers.ts';
import { replayAsStream } from '../cache/replay.ts';
import { formatUsd } from '../domain/money.ts';
import { resolveTargets } from '../routing/resolve-target.ts';
import { contextLengthMessage, knownContextWindow } from '../routing/context-window.ts';
import { relayStream } from './relay-stream.ts';
import type { Target } from '../domain/request.ts';
import type { PipelineRequest, PipelineDeps, PipelineResult } from './types.ts';
import { toUpstreamError, type UpstreamResponse } from './upstream-client.ts';
import { isValidModelName, validateBody } from './validate.ts';
import { ownEntry } from '../domain/own-entry.ts';
import { allowedChain, enforceKeyLimits } from './key-limits.ts';
import { modelAllowed } from '../keys/model-allowlist.ts';

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

async function route(request: PipelineRequest, deps: PipelineDeps): Promise<PipelineResult> {
  let target: Target | undefined;
  try {
    await enforceKeyLimits(request, deps);
    const stream = request.body.stream === true && request.operation !== 'embedding';
    const cached = await fromCache(request, deps, stream);
    if (cached) return cached;
    let chain = resolveChain(request, deps);
    chain = overflow(deps, request, chain);
    chain = allowedChain(request, deps, chain);
    chain = fitContext(deps, request, chain);
    if (deps.budgets) {
      const admission = await deps.budgets.admit(request, chain, (model) => allowedChain(request, deps, resolveTargets(deps.config, model).chain));
      chain = admission.chain;
      request.budget = admission.grant;
    }
    const { attemptsPerTarget, backoffMs } = deps.config.routing;
    let lastError: GatewayError | undefined;
    let remaining = [...chain];
    let tried = 0;
    const outcomes: TriedTarget[] = [];
    while (remaining.length > 0) {
      const candidate = remaining.shift()!;
      const key = `${candidate.upstreamModel}@${candidate.providerId}`;
      // An open circuit is skipped while another target remains (or one was tried already).
      if (deps.router && !deps.router.breaker.allow(key, deps.now()) && (remaining.length > 0 || tried > 0)) {
        lastError ??= new GatewayError('upstream_unavailable', `${key} is failing (circuit open)`, { retryable: true });
        outcomes.push({ key, reason: 'circuit_open' });
        continue;
      }
      target = candidate;
      tried += 1;
      if (tried > 1 && request.budget?.retarget && !(await request.budget.retarget(candidate))) {
        // A dearer fallback the budgets have no room for is skipped; the last upstream error stands.
        request.route = `${request.route ?? ''} +skipped:${key}(budget)`.trim();
        outcomes.push({ key, reason: 'budget' });
        deps.router?.breaker.release(key);
        continue;
      }
      if (tried > 1 && request.route !== undefined) request.route += ` +fallback:${key}`;
      else if (tried > 1) request.route = `fallback:${key}`;
      const adapter = getAdapter(candidate.provider.kind);
      if (!adapter.supports(request.operation)) {
        lastError = new GatewayError('invalid_request', `The model '${String(request.body.model)}' does not support ${request.operation} requests`, { param: 'model' });
        outcomes.push({ key, reason: 'unsupported' });
        deps.router?.breaker.release(key);
        continue;
      }
      let error: GatewayError | undefined;
      for (let attempt = 1; attempt <= attemptsPerTarget; attempt += 1) {
        const call = createCall(request, candidate, adapter, stream);
        deps.router?.begin(candidate);
        const result = await tryTarget(request, deps, candidate, adapter, call).finally(() => deps.router?.end(candidate));
        if (result.ok) {
          deps.router?.breaker.success(key);
          return result.result;
        }
        error = result.error;
        deps.metrics.observeUpstreamError(candidate.providerId, error.code);
        if (countsAgainstTarget(error)) {
          deps.router?.breaker.failure(key, deps.now());
          deps.router?.stats.observe(key, { ok: false, latencyMs: deps.now() - request.receivedAtMs, ttftMs: null });
        } else {
          // Not the target's fault: no verdict, and a half-open trial it claimed is given back.
          deps.router?.breaker.release(key);
        }
        if (!error.retryable || attempt === attemptsPerTarget || request.signal?.aborted) break;
        await sleep(retryDelay(error, attempt, backoffMs));
      }
      lastError = error;
      if (error) outcomes.push({ key, reason: error.code });
      if (error && isContextLengthError(error)) {
        // Too long for this model: only larger-context targets are worth trying, largest first.
        remaining = largerContext(deps, request, candidate, remaining);
        continue;
      }
      if (!error?.retryable) break;
    }
    throw withTriedTargets(lastError ?? new GatewayError('internal', 'no target could serve the request'), outcomes);
  } catch (error) {
    return failure(request, deps, toGatewayError(error), target);
  }
}

/**
 * Experiments on a model alias: A/B sends `share` of its requests to the candidate; shadow calls
 * the candidate as well (metered as its own ledger row, never returned). The arm is recorded in
 * the route field, which the experiment report groups by. Returns the shadow request to run.
 */
function experimentArm(request: PipelineRequest, deps: PipelineDeps): PipelineRequest | undefined {
  if (request.shadow) return undefined;
  const model = request.body.model;
  for (const [name, experiment] of Object.entries(deps.config.experiments)) {
    if (experiment.model !== model) continue;
    // A key limited to some models is never put on an experiment's candidate it may not use.
    if (!modelAllowed(request.principal.limits?.allowedModels, [experiment.candidate])) continue;
    const inSample = Math.random() < experiment.share;
    if (experiment.mode === 'ab') {
      request.route = `experiment:${name}:${inSample ? 'candidate' : 'control'}`;
      if (inSample) request.body = { ...request.body, model: experiment.candidate };
      return undefined;
    }
    if (!inSample) return undefined;
    request.route = `experiment:${name}:control`;
    const { budget: _budget, ...rest } = request;
    return { ...rest, id: `${request.id}-shadow`, body: { ...request.body, model: experiment.candidate, stream: false }, route: `experiment:${name}:shadow`, shadow: true, signal: undefined, inputTokens: undefined };
  }
  return undefined;
}

/** A cache hit (exact, or guarded semantic): the stored answer (as JSON, or replayed as a stream), metered at $0 with what it saved. */
async function fromCache(request: PipelineRequest, deps: PipelineDeps, stream: boolean): Promise<PipelineResult | undefined> {
  if (!deps.cache || request.shadow) return undefined;
  request.cache = deps.cache.ticket(request);
  if (!request.cache) {
    request.cacheStatus = 'bypass';
    return undefined;
  }
  const hit = await deps.cache.lookup(request.cache);
  if (!hit || hit.answer.wire !== request.wire) {
    request.cacheStatus = 'miss';
    return undefined;
  }
  const answer = hit.answer;
  request.cacheStatus = hit.kind === 'exact' ? 'hit' : 'semantic-hit';
  request.cache = { ...request.cache, key: hit.servedKey };
  const { record } = meter(
    request,
    { target: undefined, servedModel: answer.servedModel ?? undefined, usage: undefined, estimated: false, status: 200, errorCode: null, ttftMs: 0, stream, savedNanoUsd: answer.costNanoUsd, provider: answer.provider },
    deps,
  );
  await deps.ledger.whenDurable();
  const headers: Record<string, string> = {
    'x-tollgate-request-id': request.id,
    'x-tollgate-cache': request.cacheStatus,
    'x-tollgate-cost-usd': '0',
    'x-tollgate-saved-usd': formatUsd(record.savedNanoUsd),
    ...(hit.similarity !== undefined ? { 'x-tollgate-cache-similarity': hit.similarity.toFixed(4) } : {}),
    ...(answer.servedModel ? { 'x-tollgate-model': answer.servedModel } : {}),
    // The provider that originally answered.
    ...(answer.provider ? { 'x-tollgate-provider': answer.provider } : {}),
  };
  if (!stream) return { kind: 'json', status: 200, headers, body: answer.body };
  const options = request.body.stream_options as { include_usage?: unknown } | undefined;
  const frames = replayAsStream(answer.body, request.wire, options?.include_usage === true);
  return {
    kind: 'stream',
    status: 200,
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...headers },
    stream: (async function* () {
      yield `${frames.join('')}: x-tollgate-cost-usd 0\n\n`;
    })(),
  };
}

/** A routed model name (a route or `tollgate/<strategy>`) picks its chain by strategy; other names resolve as configured. */
function resolveChain(request: PipelineRequest, deps: PipelineDeps): Target[] {
  const decision = deps.router?.route(request);
  if (!decision) {
    const chain = resolveTargets(deps.config, request.body.model as string).chain;
    return deps.router ? deps.router.balance(request.body.model as string, chain) : chain;
  }
  request.route = decision.summary;
  return decision.ordered.map((entry) => entry.target);
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

function largerContext(deps: PipelineDeps, request: PipelineRequest, current: Target, remaining: Target[]): Target[] {
  const windowOf = (target: Target) => deps.router?.contextWindowOf(target) ?? ownEntry(deps.config.models, target.upstreamModel)?.contextWindow;
  // The alias the client asked for knows its first target's window best.
  const alias = ownEntry(deps.config.models, request.body.model as string);
  const own = alias && alias.target === `${current.upstreamModel}@${current.providerId}` ? alias.contextWindow : undefined;
  const limit = own ?? windowOf(current) ?? 0;
  return remaining.filter((target) => (windowOf(target) ?? Number.POSITIVE_INFINITY) > limit).sort((a, b) => (windowOf(b) ?? Number.POSITIVE_INFINITY) - (windowOf(a) ?? Number.POSITIVE_INFINITY));
}

/** Exponential backoff with jitter; an upstream's retry-after is honoured up to 2 s. */
function retryDelay(error: GatewayError, attempt: number, baseMs: number): number {
  const retryAfter = Number(error.headers['retry-after']);
  if (Number.isFinite(retryAfter) && retryAfter > 0) return Math.min(retryAfter * 1000, 2_000);
  return baseMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A prompt longer than the model's context window (configured or catalogued) goes to its overflow target (a larger, usually cloud, model). */
function overflow(deps: PipelineDeps, request: PipelineRequest, chain: Target[]): Target[] {
  const requested = request.body.model as string;
  const alias = ownEntry(deps.config.models, requested);
  const first = chain[0];
  if (!alias?.overflowTarget || !first || !checksContext(request)) return chain;
  const window = knownContextWindow(deps.config, deps.priceBook, first, requested, deps.now());
  if (window === undefined || fitsSurely(request, window) || promptTokens(request) <= window) return chain;
  request.route = `${request.route ?? ''} overflow:${alias.overflowTarget}`.trim();
  return resolveTargets(deps.config, alias.overflowTarget).chain;
}

/** The request's estimated input tokens; a body nested too deeply to walk is the client's 400, not a 500. */
function promptTokens(request: PipelineRequest): number {
  try {
    return inputTokensOf(request);
  } catch (error) {
    if (error instanceof RangeError) throw new GatewayError('invalid_request', 'The request is nested too deeply to read', { param: 'messages' });
    throw error;
  }
}

/**
 * True when the prompt cannot exceed `window` whatever it says, without tokenising it: an o200k
 * token covers at least one UTF-8 byte, a UTF-16 unit is at most three bytes, and the JSON text
 * of the body holds every counted character (plus more than the per-message overhead).
 */
function fitsSurely(request: PipelineRequest, window: number): boolean {
  if (request.inputTokens !== undefined) return request.inputTokens <= window;
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
  const requested = request.body.model as string;
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
  request.route = `${request.route ?? ''} ${dropped.map((key) => `+skipped:${key}(context)`).join(' ')}`.trim();
  return fitting;
}

type Attempt = { ok: true; result: PipelineResult } | { ok: false; error: GatewayError };

async function tryTarget(
  request: PipelineRequest,
  deps: PipelineDeps,
  target: Target,
  adapter: ProviderAdapter,
  call: UpstreamCall,
): Promise<Attempt> {
  let upstreamRequest: UpstreamRequest;
  try {
    upstreamRequest = adapter.buildRequest(call);
  } catch (error) {
    // Nothing was sent: the request itself is at fault (e.g. a field nested too deep to serialise).
    return { ok: false, error: requestBuildError(error) };
  }
  let response: UpstreamResponse;
  try {
    response = await deps.upstream.send(target.provider, upstreamRequest, request.signal);
  } catch (error) {
    return { ok: false, error: toUpstreamError(error, false, request.signal?.aborted ?? false) };
  }
  if (response.status >= 400) {
    const text = await readText(response, request);
    if (typeof text !== 'string') return { ok: false, error: text };
    return { ok: false, error: adapter.parseError(response.status, text, response.headers) };
  }
  if (call.stream && isEventStream(response)) {
    return { ok: true, result: relayStream({ request, deps, target, adapter, call, response }) };
  }
  const text = await readText(response, request);
  if (typeof text !== 'string') return { ok: false, error: text };
  const parsed = safeParseJson(text);
  if (!parsed.ok) {
    return { ok: false, error: new GatewayError('upstream_bad_response', 'the upstream returned a body that is not JSON', { retryable: true }) };
  }
  const result = adapter.parseResponse(parsed.value, call);
  const estimated = result.usage === undefined;
  const usage = result.usage ?? estimateUsage(request.body, '');
  const { record } = meter(
    request,
    { target, servedModel: result.servedModel, usage, estimated, status: 200, errorCode: null, ttftMs: null, stream: false, responseBody: result.body, finishReason: result.finishReason },
    deps,
  );
  const clientBody = result.passthrough ? text : JSON.stringify(result.body);
  if (!estimated) {
    deps.cache?.save(request.cache, {
      body: clientBody,
      wire: request.wire,
      servedModel: record.servedModel,
      provider: record.provider,
      costNanoUsd: record.costNanoUsd,
      inputTokens: record.inputTokens,
      outputTokens: record.outputTokens,
      createdAtMs: deps.now(),
    });
  }
  return {
    ok: true,
    result: {
      kind: 'json',
      status: 200,
      headers: { ...baseHeaders(request, target, result.servedModel), ...costHeaders(record), ...request.budget?.headers(record.costNanoUsd) },
      body: clientBody,
    },
  };
}

function createCall(request: PipelineRequest, target: Target, adapter: ProviderAdapter, stream: boolean): UpstreamCall {
  const options = request.body.stream_options as { include_usage?: unknown } | undefined;
  return {
    operation: request.operation,
    clientWire: request.wire,
    body: request.body,
    upstreamModel: target.upstreamModel,
    stream,
    clientWantsStreamUsage: options?.include_usage === true,
    provider: target.provider,
    clientHeaders: pickClientHeaders(request, adapter),
  };
}

/** Anthropic clients choose their API version and betas; those headers travel to Anthropic upstreams. */
function pickClientHeaders(request: PipelineRequest, adapter: ProviderAdapter): Record<string, string> {
  const headers: Record<string, string> = {};
  if (adapter.wire !== 'anthropic') return headers;
  for (const name of ['anthropic-version', 'anthropic-beta']) {
    const value = request.headers[name];
    if (value) headers[name] = value;
  }
  return headers;
}

async function readText(response: UpstreamResponse, request: PipelineRequest): Promise<string | GatewayError> {
  try {
    return await response.text();
  } catch (error) {
    return toUpstreamError(error, false, request.signal?.aborted ?? false);
  }
}

function isEventStream(response: UpstreamResponse): boolean {
  const type = response.headers['content-type'];
  return typeof type === 'string' && type.includes('text/event-stream');
}

/** Renders an error in the caller's envelope and still writes the ledger row for it. */
function failure(request: PipelineRequest, deps: PipelineDeps, error: GatewayError, target: Target | undefined): PipelineResult {
  // Every 500 that remains is a bug: logged with its request id (the client sees only the id).
  if (error.code === 'internal') console.error(`[tollgate] ${request.id} internal error`, error.cause ?? error);
  meter(request, { target, servedModel: undefined, usage: undefined, estimated: false, status: error.status, errorCode: error.code, ttftMs: null, stream: false }, deps);
  return {
    kind: 'json',
    status: error.status,
    headers: { 'x-tollgate-request-id': request.id, ...failureHeaders(request, target), ...request.budget?.headers(0), ...error.headers },
    body: JSON.stringify(renderErrorBody(error, request.wire)),
  };
}

/** Records a request rejected before it reached the pipeline (auth, body parsing). */
export function recordRejection(
  request: Pick<PipelineRequest, 'id' | 'receivedAtMs' | 'wire' | 'operation' | 'principal'>,
  error: GatewayError,
  deps: PipelineDeps,
): void {
  meter(
    { ...request, body: {}, headers: {}, signal: undefined },
    { target: undefined, servedModel: undefined, usage: undefined, estimated: false, status: error.status, errorCode: error.code, ttftMs: null, stream: false },
    deps,
  );
}
