import { renderErrorBody, type WireFormat } from '../domain/error-envelope.ts';
import type { GatewayError } from '../domain/errors.ts';
import { formatUsd } from '../domain/money.ts';
import { createUsage, type Usage } from '../domain/usage.ts';
import { createSseParser } from '../providers/sse-parser.ts';
import { endsAtEventBoundary } from '../providers/sse-bytes.ts';
import type { ProviderAdapter, SseEvent, UpstreamCall } from '../providers/types.ts';
import { estimateUsage } from '../domain/estimate.ts';
import { captureAnswer } from '../cache/answer-capture.ts';
import { baseHeaders } from './response-headers.ts';
import { meter } from './meter.ts';
import type { Target } from '../domain/request.ts';
import type { PipelineRequest, PipelineDeps, PipelineResult } from './types.ts';
import { toUpstreamError, type UpstreamResponse } from './upstream-client.ts';
import { saveAnswer } from './save-answer.ts';

interface RelayInput {
  request: PipelineRequest;
  deps: PipelineDeps;
  target: Target;
  adapter: ProviderAdapter;
  call: UpstreamCall;
  response: UpstreamResponse;
}

/**
 * Relays an upstream SSE stream to the client chunk by chunk as it arrives. A pass-through read
 * the transformer can forward (whole events, no in-band error, at most a usage chunk to cut out:
 * byte searches) goes out as the very bytes undici handed over, with no decode or re-encode; its
 * events are read into the transformer's state later, all at once (`catchUp`). Any other read is
 * parsed into events, transformed (usage stripped or translated) and written at once. Metering
 * happens when the stream ends, fails, or the client goes away (the generator's `finally`), so a
 * cut stream is still metered (estimated if needed).
 */
export function relayStream(input: RelayInput): PipelineResult {
  const { request, target } = input;
  return {
    kind: 'stream',
    status: 200,
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      ...baseHeaders(request, target, undefined),
    },
    stream: relay(input),
  };
}

async function* relay({ request, deps, target, adapter, call, response }: RelayInput): AsyncGenerator<string | Uint8Array> {
  const parser = createSseParser();
  const transformer = adapter.createStreamTransformer(call);
  const decoder = new TextDecoder();
  let ttftMs: number | null = null;
  let failed: GatewayError | undefined;
  let finished = false;
  /** Reads already forwarded as they came and not yet pushed through the transformer, with when each arrived (for TTFT). */
  const unread: Buffer[] = [];
  const unreadAtMs: number[] = [];
  /** True while the parser holds no partial event: only then can a read be forwarded whole. */
  let aligned = true;
  // The response cache's copy: upstream chunks kept as they pass, read once into the neutral form at the end.
  const capture = deps.cache?.willSave(request.cache) ? captureAnswer(adapter.wire) : undefined;
  const transform = (events: SseEvent[], atMs: number): string => {
    let out = '';
    for (const event of events) for (const frame of transformer.push(event)) out += frame;
    if (ttftMs === null && transformer.hasFirstToken()) ttftMs = atMs - request.receivedAtMs;
    return out;
  };
  /** Reads the forwarded reads into the transformer's state; what it would write for them went out already. */
  const catchUp = (): void => {
    if (unread.length === 0) return;
    // Taken first: a bad event among them throws, and must not be read twice by the failure path.
    const reads = unread.splice(0);
    const times = unreadAtMs.splice(0);
    for (let index = 0; index < reads.length; index += 1) {
      if (ttftMs !== null) {
        // TTFT is known: the rest is read in one piece.
        transform(parser.push(decoder.decode(index === reads.length - 1 ? reads[index]! : Buffer.concat(reads.slice(index)), { stream: true })), 0);
        return;
      }
      transform(parser.push(decoder.decode(reads[index]!, { stream: true })), times[index]!);
    }
  };
  try {
    for await (const chunk of response.body) {
      capture?.push(chunk);
      const forwarded = aligned && endsAtEventBoundary(chunk) ? transformer.forward?.(chunk) : undefined;
      if (forwarded) {
        unread.push(chunk);
        unreadAtMs.push(deps.now());
        if (forwarded.length > 0) yield forwarded;
        continue;
      }
      catchUp();
      const out = transform(parser.push(decoder.decode(chunk, { stream: true })), deps.now());
      aligned = endsAtEventBoundary(chunk);
      if (out) yield out;
    }
    catchUp();
    const now = deps.now();
    const tail = transform(parser.push(decoder.decode()), now) + transform(parser.flush(), now) + transformer.end().join('');
    finished = true;
    const { record } = meter(request, outcome(), deps);
    await deps.ledger.whenDurable();
    const usage = transformer.usage();
    // Read after the last bytes are on their way: the client's stream never waits on the cache's copy.
    if (capture && !record.estimated && usage) setImmediate(() => saveAnswer(deps, request, record, { neutral: capture.finish(usage) }));
    // SSE comment: ignored by SDKs, but gives streaming callers the cost that headers cannot carry.
    yield `${tail}: x-tollgate-cost-usd ${record.priced ? formatUsd(record.costNanoUsd) : 'unpriced'}\n\n`;
  } catch (error) {
    failed = toUpstreamError(error, false, request.signal?.aborted ?? false);
    finished = true;
    readWhatArrived();
    meter(request, outcome(), deps);
    if (failed.code !== 'client_closed') yield errorFrame(failed, request.wire);
  } finally {
    // Reached without `finished` when the client disconnected and the consumer stopped iterating.
    if (!finished) {
      failed = toUpstreamError(new Error('client closed'), false, true);
      readWhatArrived();
      meter(request, outcome(), deps);
      void response.dump().catch(() => undefined);
    }
  }

  /** After a failure: what the client already received still counts (text for the estimate, usage seen). */
  function readWhatArrived(): void {
    try {
      catchUp();
    } catch {
      // An in-band error or a bad event among them: the failure already recorded stands.
    }
  }

  function outcome() {
    const reported = transformer.usage();
    if (failed) deps.metrics.observeUpstreamError(target.providerId, failed.code);
    // A stream cut short may carry early usage (Anthropic's message_start) without the final
    // output count: the input stands, the output is the larger of reported and counted.
    const usage = reported && !failed ? reported : completeCutUsage(reported, estimateUsage(request.body, transformer.outputText()));
    return {
      target,
      servedModel: transformer.servedModel(),
      usage,
      estimated: reported === undefined || failed !== undefined,
      status: failed ? failed.status : 200,
      errorCode: failed ? failed.code : null,
      ttftMs,
      stream: true,
      outputText: transformer.outputText(),
      finishReason: transformer.finishReason(),
    };
  }
}

function completeCutUsage(reported: Usage | undefined, estimate: Usage): Usage {
  if (!reported) return estimate;
  return createUsage({
    inputTotal: reported.input.total,
    cacheRead: reported.input.cacheRead,
    cacheWrite: reported.input.cacheWrite,
    cacheWrite1h: reported.input.cacheWrite1h,
    outputTotal: Math.max(reported.output.total, estimate.output.total),
    reasoning: reported.output.reasoning,
    units: reported.units,
  });
}

/** A mid-stream error in the client's own streaming format: the OpenAI SDK throws on a `data: {"error":…}` event, the Anthropic SDK on `event: error`. */
function errorFrame(error: GatewayError, wire: WireFormat): string {
  const body = JSON.stringify(renderErrorBody(error, wire));
  return wire === 'anthropic' ? `event: error\ndata: ${body}\n\n` : `data: ${body}\n\n`;
}
