import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { ProviderConfig, ProviderKind } from '../../config/schema.ts';
import { createSseParser } from '../sse-parser.ts';
import type { ProviderAdapter, SseEvent, StreamTransformer, UpstreamCall } from '../types.ts';

/** Test-only helpers: provider configs, a real HTTP round trip to the mock provider, and stream relays. */

export function providerConfig(kind: ProviderKind, baseUrl: string, extra: Partial<ProviderConfig> = {}): ProviderConfig {
  return { kind, baseUrl, apiKey: 'sk-test-secret', headers: {}, timeoutMs: 10_000, headersTimeoutMs: 10_000, totalTimeoutMs: 30_000, connections: 4, ...extra };
}

export function makeCall(call: Pick<UpstreamCall, 'provider' | 'body'> & Partial<UpstreamCall>): UpstreamCall {
  const stream = call.stream ?? call.body.stream === true;
  const options = call.body.stream_options as { include_usage?: unknown } | undefined;
  return {
    operation: 'chat',
    clientWire: 'openai',
    upstreamModel: String(call.body.model),
    clientWantsStreamUsage: options?.include_usage === true,
    ...call,
    stream,
  };
}

export interface UpstreamReply {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** Builds the request with the adapter and sends it for real (the pipeline does this with undici). */
export async function sendUpstream(adapter: ProviderAdapter, call: UpstreamCall): Promise<UpstreamReply> {
  const request = adapter.buildRequest(call);
  const response = await fetch(`${call.provider.baseUrl.replace(/\/+$/, '')}${request.path}`, {
    method: request.method,
    headers: request.headers,
    body: request.body,
  });
  return { status: response.status, headers: Object.fromEntries(response.headers), text: await response.text() };
}

/** Splits text into pieces of `size` characters (the whole text with no size). */
export function chunksOf(text: string, size = Number.POSITIVE_INFINITY): string[] {
  if (!Number.isFinite(size)) return [text];
  const pieces: string[] = [];
  for (let index = 0; index < text.length; index += size) pieces.push(text.slice(index, index + size));
  return pieces;
}

/** Relays upstream SSE text through a transformer, the way `relay-stream.ts` does; returns the client's text. */
export function relayText(transformer: StreamTransformer, text: string, chunkSize?: number): string {
  const parser = createSseParser();
  let out = '';
  const feed = (events: SseEvent[]) => {
    for (const event of events) for (const frame of transformer.push(event)) out += frame;
  };
  for (const piece of chunksOf(text, chunkSize)) feed(parser.push(piece));
  feed(parser.flush());
  for (const frame of transformer.end()) out += frame;
  return out;
}

export function parseEvents(text: string): SseEvent[] {
  const parser = createSseParser();
  return [...parser.push(text), ...parser.flush()];
}

/** The JSON payloads of an SSE text (`[DONE]` and comments left out). */
export function jsonPayloads(text: string): Record<string, unknown>[] {
  return parseEvents(text)
    .filter((event) => event.data !== '' && event.data !== '[DONE]')
    .map((event) => JSON.parse(event.data) as Record<string, unknown>);
}

function replay(body: string, contentType: string): typeof fetch {
  return async () => new Response(body, { status: 200, headers: { 'content-type': contentType } });
}

/** An official OpenAI SDK client whose every request is answered with `body` (to check what a real client makes of our output). */
export function openAiSdkReplaying(body: string, contentType = 'text/event-stream'): OpenAI {
  return new OpenAI({ apiKey: 'x', baseURL: 'http://replay.invalid/v1', maxRetries: 0, fetch: replay(body, contentType) });
}

/** An official Anthropic SDK client whose every request is answered with `body`. */
export function anthropicSdkReplaying(body: string, contentType = 'text/event-stream'): Anthropic {
  return new Anthropic({ apiKey: 'x', baseURL: 'http://replay.invalid', maxRetries: 0, fetch: replay(body, contentType) });
}
