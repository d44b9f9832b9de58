import { convertAnthropicUsage } from './convert-usage.ts';
import { anthropicHeaders } from './headers.ts';
import { ANTHROPIC_CHUNKS, AnthropicStreamReader, readAnthropicEvent } from './stream.ts';
import { ChunkShape } from '../chunk-shape.ts';
import { asRecord } from '../read-fields.ts';
import { streamTransformer } from '../stream-state.ts';
import { anthropicStreamToOpenAi } from '../translate/anthropic-stream-to-openai.ts';
import { anthropicToOpenAiResponse } from '../translate/anthropic-to-openai-response.ts';
import { openAiToAnthropicRequest } from '../translate/openai-to-anthropic-request.ts';
import type { ProviderAdapter, StreamTransformer } from '../types.ts';
import { parseUpstreamError } from '../upstream-error.ts';

/**
 * Anthropic's Messages API (base URL without `/v1`, e.g. https://api.anthropic.com). OpenAI chat
 * clients are translated to Messages and back, streams included.
 */
export function createAnthropicAdapter(): ProviderAdapter {
  return {
    kind: 'anthropic',
    wire: 'anthropic',
    supports: (operation) => operation === 'messages' || operation === 'chat' || operation === 'models',
    buildRequest(call) {
      const headers = anthropicHeaders(call.provider, call.clientHeaders);
      if (call.operation === 'models') return { method: 'GET', path: '/v1/models', headers, body: undefined };
      const body = call.clientWire === 'openai' ? openAiToAnthropicRequest(call.body, call.upstreamModel, call.stream) : { ...call.body, model: call.upstreamModel };
      return { method: 'POST', path: '/v1/messages', headers, body: JSON.stringify(body) };
    },
    parseResponse(body, call) {
      const record = asRecord(body) ?? {};
      const usage = convertAnthropicUsage(record.usage);
      const servedModel = typeof record.model === 'string' ? record.model : undefined;
      const finishReason = typeof record.stop_reason === 'string' ? record.stop_reason : undefined;
      if (call.clientWire === 'openai') {
        return { body: anthropicToOpenAiResponse(record, usage, Date.now()), passthrough: false, usage, servedModel, finishReason };
      }
      return { body, passthrough: true, usage, servedModel, finishReason };
    },
    createStreamTransformer(call) {
      return call.clientWire === 'openai' ? anthropicStreamToOpenAi(call, Date.now()) : passthroughStream();
    },
    parseError: parseUpstreamError,
  };
}

/**
 * Relays Anthropic events byte for byte while reading usage (latest value of each field). Content
 * deltas of the shape learnt from the first ones are read without parsing (`ChunkShape`); every
 * other event is parsed.
 */
function passthroughStream(): StreamTransformer {
  const reader = new AnthropicStreamReader();
  const { state } = reader;
  const shape = new ChunkShape(ANTHROPIC_CHUNKS);
  return streamTransformer(state, (event) => {
    shape.readEvent(event, state, readAnthropicEvent, reader);
    return [event.raw];
  });
}
