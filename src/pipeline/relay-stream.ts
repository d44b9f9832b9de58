import { renderErrorBody, type WireFormat } from '../domain/error-envelope.ts';
import type { GatewayError } from '../domain/errors.ts';
import { formatUsd } from '../domain/money.ts';
import { createUsage, type Usage } from '../domain/usage.ts';
import { createSseParser } from '../providers/sse-parser.ts';
import { endsAtEventBoundary } from '../providers/sse-bytes.ts';
import type { ProviderAdapter, SseEvent, StreamTransformer, UpstreamCall } from '../providers/types.ts';
import { estimateUsage } from '../domain/estimate.ts';
import { foldAnswer, type AnswerFold } from '../cache/answer-capture.ts';
import { baseHeaders } from './response-headers.ts';
import { meter, type Outcome } from './meter.ts';
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

async function* relay(input: RelayInput): AsyncGenerator<string | Uint8Array> {
  const { request, deps, response } = input;
  const transformer = input.adapter.createStreamTransformer(input.call);
  // The response cache's copy: the upstream events the relay reads anyway, folded into the neutral form as they are read.
  const capture = deps.cache?.willSave(request.cache) ? foldAnswer(input.adapter.wire) : undefined;
  const state = new RelayState(input, transformer, capture);
  let finished = false;
  /** True while the parser holds no partial event: only then can a read be forwarded whole. */
  let aligned = true;
  try {
    for await (const chunk of response.body) {
      capture?.count(chunk.length);
      const forwarded = aligned && endsAtEventBoundary(chunk) ? transformer.forward?.(chunk) : undefined;
      if (forwarded) {
        state.defer(chunk, deps.now());
        if (forwarded.length > 0) yield forwarded;
        continue;
      }
      state.catchUp();
      const out = state.read(chunk, deps.now());
      aligned = endsAtEventBoundary(chunk);
      if (out) yield out;
    }
    state.catchUp();
    const tail = state.end(deps.now());
    finished = true;
    const { record } = meter(request, state.outcome(), deps);
    await deps.ledger.whenDurable();
    const usage = transformer.usage();
    // Read after the last bytes are on their way: the client's stream never waits on the cache's copy.
    if (capture && !record.estimated && usage) setImmediate(() => saveAnswer(deps, request, record, { neutral: capture.finish(usage) }));
    // SSE comment: ignored by SDKs, but gives streaming callers the cost that headers cannot carry.
    yield `${tail}: x-tollgate-cost-usd ${record.priced ? formatUsd(record.costNanoUsd) : 'unpriced'}\n\n`;
  } catch (error) {
    state.failed = toUpstreamError(error, false, request.signal?.aborted ?? false);
    finished = true;
    state.readWhatArrived();
    meter(request, state.outcome(), deps);
    if (state.failed.code !== 'client_closed') yield errorFrame(state.failed, request.wire);
  } finally {
    // Reached without `finished` when the client disconnected and the consumer stopped iterating.
    if (!finished) {
      state.failed = toUpstreamError(new Error('client closed'), false, true);
      state.readWhatArrived();
      meter(request, state.outcome(), deps);
      void response.dump().catch(() => undefined);
    }
  }
}

/**
 * What a relay knows of its stream: the parser, the transformer's reading of the events, TTFT and
 * the reads forwarded but not read yet. A class rather than closures in the generator: under tsx
 * (esbuild keepNames) every named closure costs an Object.defineProperty per stream.
 */
class RelayState {
  readonly parser = createSseParser();
  readonly decoder = new TextDecoder();
  ttftMs: number | null = null;
  failed: GatewayError | undefined;
  /** Reads already forwarded as they came and not yet pushed through the transformer, with when each arrived (for TTFT). */
  unread: Buffer[] = [];
  unreadAtMs: number[] = [];

  constructor(
    readonly input: RelayInput,
    readonly transformer: StreamTransformer,
    /** The response cache's fold of the upstream events (each event after the transformer has read it: its JSON is parsed once). */
    readonly capture: AnswerFold | undefined,
  ) {}

  /** Feeds one read (or the decoder's tail); returns the frames to write for it. */
  read(chunk: Uint8Array | undefined, atMs: number): string {
    return this.transform(this.parser.push(chunk === undefined ? this.decoder.decode() : this.decoder.decode(chunk, { stream: true })), atMs);
  }

  defer(chunk: Buffer, atMs: number): void {
    this.unread.push(chunk);
    this.unreadAtMs.push(atMs);
  }

  /** Reads the forwarded reads into the transformer's state; what it would write for them went out already. */
  catchUp(): void {
    if (this.unread.length === 0) return;
    // Taken first: a bad event among them throws, and must not be read twice by the failure path.
    const reads = this.unread;
    const times = this.unreadAtMs;
    this.unread = [];
    this.unreadAtMs = [];
    for (let index = 0; index < reads.length; index += 1) {
      if (this.ttftMs !== null) {
        // TTFT is known: the rest is read in one piece.
        this.read(index === reads.length - 1 ? reads[index]! : Buffer.concat(reads.slice(index)), 0);
        return;
      }
      this.read(reads[index]!, times[index]!);
    }
  }

  /** After a failure: what the client already received still counts (text for the estimate, usage seen). */
  readWhatArrived(): void {
    try {
      this.catchUp();
    } catch {
      // An in-band error or a bad event among them: the failure already recorded stands.
    }
  }

  /** The upstream finished cleanly: the last frames (a final event without its blank line, closing frames). */
  end(atMs: number): string {
    return this.read(undefined, atMs) + this.transform(this.parser.flush(), atMs) + this.transformer.end().join('');
  }

  private transform(events: SseEvent[], atMs: number): string {
    let out = '';
    for (const event of events) {
      for (const frame of this.transformer.push(event)) out += frame;
      this.capture?.add(event);
    }
    if (this.ttftMs === null && this.transformer.hasFirstToken()) this.ttftMs = atMs - this.input.request.receivedAtMs;
    return out;
  }

  outcome(): Outcome {
    const { request, deps, target } = this.input;
    const { transformer, failed } = this;
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
      ttftMs: this.ttftMs,
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
