import { renderErrorBody, type WireFormat } from '../domain/error-envelope.ts';
import type { GatewayError } from '../domain/errors.ts';
import { formatUsd } from '../domain/money.ts';
import { createUsage, type Usage } from '../domain/usage.ts';
import { createSseParser } from '../providers/sse-parser.ts';
import { Utf8Reads } from '../providers/utf8-reads.ts';
import type { ProviderAdapter, StreamTransformer, UpstreamCall } from '../providers/types.ts';
import { estimateUsage } from '../domain/estimate.ts';
import { foldAnswer, type AnswerFold } from '../cache/answer-capture.ts';
import { baseHeaders } from './response-headers.ts';
import { meter, type Outcome } from './meter.ts';
import type { Target } from '../domain/request.ts';
import type { PipelineRequest, PipelineDeps, PipelineResult } from './types.ts';
import { readBody } from './body-reads.ts';
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
 * Relays an upstream SSE stream to the client read by read as it arrives. Each read is decoded
 * once and split into events once. An event's JSON is parsed at most once (the transformer's
 * reading of usage, served model and text and the response cache's fold share it), and only where
 * it is read: an OpenAI passthrough reads its content chunks without parsing them (their shape,
 * learnt from the first), and the cache's fold reads the events it was handed after the last byte
 * has gone to the client. A read made only of whole events the
 * transformer relays unchanged goes out as the very bytes undici handed over (no re-encode); any
 * other read (usage stripped, wire translated, an event cut across reads) goes out as the
 * transformer's frames. Metering happens when the stream ends, fails, or the client goes away (the
 * generator's `finally`), so a cut stream is still metered (estimated if needed).
 */
export function relayStream(input: RelayInput): PipelineResult {
  const { request, target } = input;
  return {
    kind: 'stream',
    status: 200,
    headers: baseHeaders(request, target, undefined, request.budget?.headers(), { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' }),
    stream: relay(input),
  };
}

async function* relay(input: RelayInput): AsyncGenerator<string | Uint8Array> {
  const { request, deps, response } = input;
  const transformer = input.adapter.createStreamTransformer(input.call);
  // The response cache's copy: the upstream events the relay splits anyway, kept as they are read and folded into the neutral form after the stream.
  const capture = deps.cache?.willSave(request.cache) ? foldAnswer(input.adapter.wire) : undefined;
  const state = new RelayState(input, transformer, capture);
  const reads = readBody(response.body);
  let finished = false;
  // The frames of a read that came with the upstream's end: they go out with the closing frames, one write instead of two.
  let last: string | Uint8Array = '';
  try {
    for (let chunk = await reads.next(); chunk !== null; chunk = await reads.next()) {
      // Never when the end had arrived; should a read follow all the same, the held one goes first.
      if (last.length > 0) {
        yield last;
        last = '';
      }
      capture?.count(chunk.length);
      const out = state.read(chunk, deps.now());
      const frames = out === UNCHANGED ? chunk : out;
      if (reads.ended()) last = frames;
      else if (frames.length > 0) yield frames;
    }
    const tail = state.end(deps.now());
    finished = true;
    const { record } = meter(request, state.outcome(), deps);
    await deps.ledger.whenDurable();
    const usage = transformer.usage();
    // Read after the last bytes are on their way: the client's stream never waits on the cache's copy.
    if (capture && !record.estimated && usage) setImmediate(() => saveAnswer(deps, request, record, { neutral: capture.finish(usage) }));
    // SSE comment: ignored by SDKs, but gives streaming callers the cost that headers cannot carry.
    yield joined(last, `${tail}: x-tollgate-cost-usd ${record.priced ? formatUsd(record.costNanoUsd) : 'unpriced'}\n\n`);
  } catch (error) {
    state.failed = toUpstreamError(error, false, request.signal?.aborted ?? false);
    if (!finished) await reads.cancel();
    finished = true;
    meter(request, state.outcome(), deps);
    if (state.failed.code !== 'client_closed') yield joined(last, errorFrame(state.failed, request.wire));
  } finally {
    // Reached without `finished` when the client disconnected and the consumer stopped iterating.
    if (!finished) {
      state.failed = toUpstreamError(new Error('client closed'), false, true);
      meter(request, state.outcome(), deps);
      await reads.cancel();
      void response.dump().catch(() => undefined);
    }
  }
}

/** Held frames and the closing ones as one piece (the upstream's own bytes stay bytes, with the closing text appended). */
function joined(held: string | Uint8Array, closing: string): string | Uint8Array {
  if (typeof held === 'string') return held + closing;
  return Buffer.concat([held, Buffer.from(closing)]);
}

/** What `RelayState.read` returns for a read to be sent as the upstream's own bytes. */
const UNCHANGED = Symbol('unchanged');

const LF = 10;

/**
 * What a relay knows of its stream: the decoder, the parser, the transformer's reading of the
 * events and TTFT. A class rather than closures in the generator: under tsx (esbuild keepNames)
 * every named closure costs an Object.defineProperty per stream.
 */
class RelayState {
  readonly parser = createSseParser();
  readonly utf8 = new Utf8Reads();
  ttftMs: number | null = null;
  failed: GatewayError | undefined;
  /** The frames written so far account for every upstream byte read so far (the last read ended on an event boundary): the next read may go out as it came. */
  aligned = true;

  constructor(
    readonly input: RelayInput,
    readonly transformer: StreamTransformer,
    /** The response cache's fold of the upstream events (kept as read, folded at the end: an event the transformer parsed is not parsed again). */
    readonly capture: AnswerFold | undefined,
  ) {}

  /** Feeds one read; returns the frames to write for it, or UNCHANGED when the read itself is what to write. */
  read(chunk: Uint8Array, atMs: number): string | typeof UNCHANGED {
    const events = this.parser.push(this.utf8.decode(chunk));
    let out = '';
    let unchanged = true;
    for (const event of events) {
      const frames = this.transformer.push(event);
      this.capture?.add(event);
      if (frames.length === 1 && frames[0] === event.raw) {
        out += event.raw;
      } else {
        unchanged = false;
        for (const frame of frames) out += frame;
      }
    }
    this.firstToken(atMs);
    // Everything read so far is written once this read's frames are (no partial event or character held back).
    const wasAligned = this.aligned;
    this.aligned = this.parser.idle() && chunk[chunk.length - 1] === LF;
    // Its bytes are exactly its events' text (every event whole, no BOM dropped, no character begun in the read before): the read itself can go.
    if (unchanged && wasAligned && this.aligned && this.utf8.exact) return UNCHANGED;
    // An event cut across reads held back in the parser: its bytes are written once it is whole.
    return out;
  }

  /** The upstream finished cleanly: the last frames (a final event without its blank line, closing frames). */
  end(atMs: number): string {
    let out = '';
    for (const event of [...this.parser.push(this.utf8.end()), ...this.parser.flush()]) {
      for (const frame of this.transformer.push(event)) out += frame;
      this.capture?.add(event);
    }
    this.firstToken(atMs);
    for (const frame of this.transformer.end()) out += frame;
    return out;
  }

  private firstToken(atMs: number): void {
    if (this.ttftMs === null && this.transformer.hasFirstToken()) this.ttftMs = atMs - this.input.request.receivedAtMs;
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
