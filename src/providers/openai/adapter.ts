import type { ProviderKind } from '../../config/schema.ts';
import { convertOpenAiEmbeddingsUsage, convertOpenAiUsage } from './convert-usage.ts';
import { openAiHeaders } from './headers.ts';
import { OPENAI_CHUNKS, isUsageOnlyChunk, readOpenAiChunk } from './stream.ts';
import { ChunkShape } from '../chunk-shape.ts';
import { asRecord } from '../read-fields.ts';
import { StreamState, streamTransformer } from '../stream-state.ts';
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

/**
 * Relays OpenAI chunks byte for byte, reading usage; drops the usage-only chunk the client did not
 * ask for. Content chunks of the shape learnt from the first ones are read without parsing
 * (`ChunkShape`); every other chunk is parsed.
 */
function passthroughStream(call: UpstreamCall): StreamTransformer {
  const state = new StreamState();
  const shape = new ChunkShape(OPENAI_CHUNKS);
  return streamTransformer(state, (event) => {
    const chunk = shape.readEvent(event, state, readOpenAiChunk, state);
    if (chunk && !call.clientWantsStreamUsage && isUsageOnlyChunk(chunk)) return [];
    return [event.raw];
  });
}
