import { GatewayError } from '../domain/errors.ts';
import { safeParseJson } from '../domain/safe-parse-json.ts';
import { estimateUsage } from '../domain/estimate.ts';
import { inboundOf } from '../domain/inbound.ts';
import type { Target } from '../domain/request.ts';
import type { ProviderAdapter, UpstreamCall, UpstreamRequest } from '../providers/types.ts';
import type { Attempt } from '../routing/call-with-fallbacks.ts';
import { requestBuildError } from './tried-targets.ts';
import { meter } from './meter.ts';
import { baseHeaders, costHeaders } from './response-headers.ts';
import { relayStream } from './relay-stream.ts';
import type { PipelineRequest, PipelineDeps, PipelineResult } from './types.ts';
import { toUpstreamError, type UpstreamResponse } from './upstream-client.ts';
import { saveAnswer } from './save-answer.ts';
import { neutralFromJson } from '../cache/answer-from-json.ts';

/** One upstream attempt: build the request, send it, relay a stream or parse and meter the answer, save it to the cache. */
export async function tryTarget(
  request: PipelineRequest,
  deps: PipelineDeps,
  target: Target,
  adapter: ProviderAdapter,
  call: UpstreamCall,
): Promise<Attempt<PipelineResult>> {
  let upstreamRequest: UpstreamRequest;
  try {
    upstreamRequest = adapter.buildRequest(call);
  } catch (error) {
    // Nothing was sent: the request itself is at fault (e.g. a field nested too deep to serialise).
    return { ok: false, error: requestBuildError(error) };
  }
  // A client already gone: nothing is sent (and nothing is billed upstream).
  if (request.signal?.aborted) return { ok: false, error: toUpstreamError(undefined, false, true) };
  let response: UpstreamResponse;
  try {
    response = await deps.upstream.send(target.provider, upstreamRequest, request.signal);
  } catch (error) {
    return { ok: false, error: leftDuringUpstream(request, toUpstreamError(error, false, request.signal?.aborted ?? false)) };
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
  if (typeof text !== 'string') return { ok: false, error: leftDuringUpstream(request, text) };
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
  if (!estimated && deps.cache?.willSave(request.cache)) {
    // After the answer is on its way (as for a stream): reading the neutral form and indexing it for the
    // semantic cache are not the client's wait. It runs before the event loop polls again, so a request
    // that arrives after this answer finds it cached.
    setImmediate(() => {
      // The neutral form is read from the upstream's own answer (nothing a translation dropped is lost).
      const neutral = request.operation === 'chat' || request.operation === 'messages' ? neutralFromJson(adapter.wire, parsed.value, usage) : undefined;
      saveAnswer(deps, request, record, { neutral, clientBody });
    });
  }
  return {
    ok: true,
    result: {
      kind: 'json',
      status: 200,
      // The budget headers once, after the cost (the same keys as before it, so in the same place).
      headers: costHeaders(record, baseHeaders(request, target, result.servedModel, request.budget?.headers(record.costNanoUsd))),
      body: clientBody,
    },
  };
}

export function createCall(request: PipelineRequest, target: Target, adapter: ProviderAdapter, stream: boolean): UpstreamCall {
  return {
    operation: request.operation,
    clientWire: request.wire,
    body: request.body,
    upstreamModel: target.upstreamModel,
    stream,
    clientWantsStreamUsage: inboundOf(request).streamUsage,
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

/** Notes on the request that its client left while the upstream was answering it (see `failure`). */
function leftDuringUpstream(request: PipelineRequest, error: GatewayError): GatewayError {
  if (error.code === 'client_closed') request.leftDuringUpstream = true;
  return error;
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
