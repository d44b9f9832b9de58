import type { ProviderConfig, ProviderKind } from '../config/schema.ts';
import type { WireFormat } from '../domain/error-envelope.ts';
import type { GatewayError } from '../domain/errors.ts';
import type { Usage } from '../domain/usage.ts';
import type { Operation } from '../domain/request.ts';

/**
 * The provider adapter specification. An adapter holds only transforms (pure functions):
 * it never does I/O. The pipeline does the HTTP with undici and calls these.
 */
export interface ProviderAdapter {
  readonly kind: ProviderKind;
  /** The wire format the upstream speaks for chat. */
  readonly wire: WireFormat;
  /** Operations this adapter can serve. */
  supports(operation: Operation): boolean;
  /** Builds the upstream call from the client's body (in `call.clientWire`), translating when the wires differ. */
  buildRequest(call: UpstreamCall): UpstreamRequest;
  /** Turns a complete upstream JSON body into the client's wire format, with usage. */
  parseResponse(body: unknown, call: UpstreamCall): ParsedResponse;
  /** A per-request stream transformer (upstream SSE events in, client SSE frames out). */
  createStreamTransformer(call: UpstreamCall): StreamTransformer;
  /** Maps an upstream error status and body to a GatewayError (retryable where it should be). */
  parseError(status: number, bodyText: string, headers: Record<string, string | string[] | undefined>): GatewayError;
}

export interface UpstreamCall {
  operation: Operation;
  clientWire: WireFormat;
  /** The client's parsed body; unknown fields are passed through untouched. */
  body: Record<string, unknown>;
  /** The model name to send upstream (already resolved from the alias). */
  upstreamModel: string;
  stream: boolean;
  /** Whether the client itself asked for usage in the stream (OpenAI `stream_options.include_usage`). */
  clientWantsStreamUsage: boolean;
  provider: ProviderConfig;
  /** Client headers the adapter may forward (Anthropic clients' `anthropic-version`, `anthropic-beta`). */
  clientHeaders?: Record<string, string>;
}

export interface UpstreamRequest {
  method: 'GET' | 'POST';
  /** Path appended to the provider base URL's path, e.g. `/chat/completions` or `/v1/messages`. */
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
}

export interface ParsedResponse {
  /** Body to send to the client, in the client's wire format. When `raw` is true the upstream bytes may be sent as they are. */
  body: unknown;
  /** True when the client body is identical to the upstream body (no translation), so bytes can be relayed unchanged. */
  passthrough: boolean;
  usage: Usage | undefined;
  /** Model the upstream says it served. */
  servedModel: string | undefined;
  finishReason: string | undefined;
}

/** One server-sent event as parsed from the upstream. */
export interface SseEvent {
  event: string | undefined;
  data: string;
  /** The exact text of the event including its trailing blank line, for byte-exact relay. */
  raw: string;
}

export interface StreamTransformer {
  /**
   * Feeds one upstream event; returns frames (complete SSE text) to write to the client now. A
   * pass-through transformer returns `[event.raw]` (that very string) for an event it relays
   * unchanged, which lets the relay send the upstream's own bytes.
   */
  push(event: SseEvent): string[];
  /** Upstream finished cleanly; returns any closing frames. */
  end(): string[];
  /** Provider-reported usage, once seen. */
  usage(): Usage | undefined;
  servedModel(): string | undefined;
  finishReason(): string | undefined;
  /** Generated text so far, for estimating output tokens when the stream is cut before usage arrives. */
  outputText(): string;
  /** True once the first content token (text, tool call or reasoning) has been seen; drives TTFT. */
  hasFirstToken(): boolean;
}
