import type { ProviderKind } from '../../config/schema.ts';
import { convertOpenAiEmbeddingsUsage, convertOpenAiUsage } from './convert-usage.ts';
import { openAiHeaders } from './headers.ts';
import { isUsageOnlyChunk, readOpenAiChunk } from './stream.ts';
import { asRecord } from '../read-fields.ts';
import { StreamState, streamTransformer } from '../stream-state.ts';
import { primeEventJson } from '../event-json.ts';
import { eventAround, mayCarryError, nonNullKeyAt } from '../sse-bytes.ts';
import { createSseParser } from '../sse-parser.ts';
import { safeParseJson } from '../../domain/safe-parse-json.ts';
import { anthropicToOpenAiRequest } from '../translate/anthropic-to-openai-request.ts';
import { openAiStreamToAnthropic } from '../translate/openai-stream-to-anthropic.ts';
import { openAiToAnthropicResponse } from '../translate/openai-to-anthropic-response.ts';
import type { ProviderAdapter, StreamTransformer, UpstreamCall } from '../types.ts';
import { parseUpstreamError } from '../upstream-error.ts';

const PATHS = { chat: '/chat/completions', completion: '/completions', embedding: '/embeddings', models: '/models', messages: '/chat/completions' } as const;

/**
 * OpenAI wire format: OpenAI itself, OpenRouter, and OpenAI-compatible servers (vLLM, Ollama,
 * llama.cpp). The base URL includes the version prefix (`…/v1`). Anthropic-wire clients are
 * translated to chat completions and back.
 */
export function createOpenAiAdapter(kind: ProviderKind): ProviderAdapter {
  return {
    kind,
    wire: 'openai',
    supports: () => true,
    buildRequest(call) {
      const headers = openAiHeaders(call.provider);
      if (call.operation === 'models') return { method: 'GET', path: PATHS.models, headers, body: undefined };
      let body: Record<string, unknown>;
      if (call.clientWire === 'anthropic') {
        body = anthropicToOpenAiRequest(call.body, call.upstreamModel, call.stream, {
          maxTokensField: kind === 'openai' ? 'max_completion_tokens' : 'max_tokens',
        });
      } else {
        body = { ...call.body, model: call.upstreamModel };
        // Ask for usage even when the client did not; the extra chunk is stripped on the way back.
        if (call.stream) body.stream_options = { ...asRecord(call.body.stream_options), include_usage: true };
      }
      return { method: 'POST', path: PATHS[call.operation], headers, body: JSON.stringify(body) };
    },
    parseResponse(body, call) {
      const record = asRecord(body) ?? {};
      const usage = call.operation === 'embedding' ? convertOpenAiEmbeddingsUsage(record.usage) : convertOpenAiUsage(record.usage);
      const choice = asRecord(Array.isArray(record.choices) ? record.choices[0] : undefined);
      const finishReason = typeof choice?.finish_reason === 'string' ? choice.finish_reason : undefined;
      const servedModel = typeof record.model === 'string' ? record.model : undefined;
      if (call.clientWire === 'anthropic') {
        return { body: openAiToAnthropicResponse(record, usage), passthrough: false, usage, servedModel, finishReason };
      }
      return { body, passthrough: true, usage, servedModel, finishReason };
    },
    createStreamTransformer(call) {
      return call.clientWire === 'anthropic' ? openAiStreamToAnthropic(call) : passthroughStream(call);
    },
    parseError: parseUpstreamError,
  };
}

const USAGE_KEY = Buffer.from('"usage"');

/**
 * Relays OpenAI chunks byte for byte, reading usage; drops the usage-only chunk the client did not
 * ask for. A read without an in-band error goes out as it came (less that one chunk, cut out by
 * byte range) and is read afterwards.
 */
function passthroughStream(call: UpstreamCall): StreamTransformer {
  const state = new StreamState();
  /** The usage event read at forwarding time, so that reading the events afterwards does not parse it again. */
  let usage: ReadUsage | undefined;
  const remember = (read: ReadUsage) => {
    usage = read;
  };
  return streamTransformer(
    state,
    (event) => {
      if (usage && event.data === usage.data) {
        primeEventJson(event, usage.chunk);
        usage = undefined;
      }
      const chunk = readOpenAiChunk(event, state);
      if (chunk && !call.clientWantsStreamUsage && isUsageOnlyChunk(chunk)) return [];
      return [event.raw];
    },
    undefined,
    undefined,
    (bytes) => {
      if (mayCarryError(bytes)) return undefined;
      if (call.clientWantsStreamUsage) return bytes;
      const at = nonNullKeyAt(bytes, USAGE_KEY);
      return at === -1 ? bytes : withoutUsageOnlyChunk(bytes, at, remember);
    },
  );
}

/**
 * The read less its usage-only chunk (the one event carrying usage, at `at`), or the read itself
 * when that event also carries choices; undefined when it cannot tell (the read is then parsed).
 */
function withoutUsageOnlyChunk(bytes: Buffer, at: number, remember: (read: ReadUsage) => void): Uint8Array | undefined {
  const range = eventAround(bytes, at);
  if (!range || nonNullKeyAt(bytes, USAGE_KEY, range[1]) !== -1) return undefined;
  let data = singleDataLine(bytes, range[0], range[1]);
  if (data === undefined) {
    const parser = createSseParser();
    const events = [...parser.push(bytes.toString('utf8', range[0], range[1])), ...parser.flush()];
    if (events.length !== 1) return undefined;
    data = events[0]!.data;
  }
  if (data === '[DONE]') return undefined;
  const parsed = safeParseJson(data);
  const chunk = parsed.ok ? asRecord(parsed.value) : undefined;
  if (!chunk) return undefined;
  remember({ data, chunk });
  if (!isUsageOnlyChunk(chunk)) return bytes;
  if (range[1] === bytes.length) return bytes.subarray(0, range[0]);
  return Buffer.concat([bytes.subarray(0, range[0]), bytes.subarray(range[1])]);
}

/** A usage event's data as read when its read was forwarded, and its JSON. */
interface ReadUsage {
  data: string;
  chunk: unknown;
}

const DATA_FIELD = Buffer.from('data:');
const LF = 10;
const CR = 13;
const SPACE = 32;

/**
 * The data of the event in `bytes[start, end)` when that event is one `data:` line and its blank
 * line (how every OpenAI-compatible server writes a chunk), read as the SSE parser reads it (one
 * space after the colon dropped); undefined for any other shape, which the parser then reads.
 */
function singleDataLine(bytes: Buffer, start: number, end: number): string | undefined {
  const lineEnd = end - 2;
  if (lineEnd < start + DATA_FIELD.length || bytes[lineEnd] !== LF || bytes[lineEnd + 1] !== LF) return undefined;
  if (bytes.compare(DATA_FIELD, 0, DATA_FIELD.length, start, start + DATA_FIELD.length) !== 0) return undefined;
  const lf = bytes.indexOf(LF, start);
  const cr = bytes.indexOf(CR, start);
  if (lf !== lineEnd || (cr !== -1 && cr < end)) return undefined;
  let valueStart = start + DATA_FIELD.length;
  if (bytes[valueStart] === SPACE && valueStart < lineEnd) valueStart += 1;
  return bytes.toString('utf8', valueStart, lineEnd);
}
