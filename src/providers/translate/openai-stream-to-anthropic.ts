import { OPENAI_CHUNKS, readOpenAiChunk } from '../openai/stream.ts';
import { ChunkShape } from '../chunk-shape.ts';
import { asRecord } from '../read-fields.ts';
import { StreamState, sseFrame, streamTransformer } from '../stream-state.ts';
import type { StreamTransformer, UpstreamCall } from '../types.ts';
import { toAnthropicStopReason } from './finish-reasons.ts';
import { anthropicUsageOf } from './usage-shapes.ts';

/**
 * OpenAI chat completion chunks, re-emitted as Anthropic Messages events. OpenAI reports usage
 * last, so `message_start` carries zeros and the closing `message_delta` the real counts.
 * Content chunks of the shape learnt from the first ones are read without parsing (`ChunkShape`:
 * their JSON is built from the shape's); every other chunk is parsed.
 */
export function openAiStreamToAnthropic(call: UpstreamCall, shape = new ChunkShape(OPENAI_CHUNKS)): StreamTransformer {
  const state = new StreamState();
  let started = false;
  let stopped = false;
  let blockIndex = -1;
  let openBlock: 'text' | 'tool' | 'thinking' | undefined;
  const toolBlocks = new Map<number, number>();
  const event = (type: string, data: Record<string, unknown>) => sseFrame({ type, ...data }, type);

  const start = (id: unknown): string[] => {
    if (started) return [];
    started = true;
    const message = {
      id: `msg_${String(id ?? 'tollgate').replace(/^chatcmpl-/, '')}`,
      type: 'message',
      role: 'assistant',
      model: state.servedModel ?? call.upstreamModel,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 0, output_tokens: 0 },
    };
    return [event('message_start', { message })];
  };
  const closeBlock = (): string[] => {
    if (openBlock === undefined) return [];
    openBlock = undefined;
    return [event('content_block_stop', { index: blockIndex })];
  };
  const openNew = (kind: 'text' | 'thinking' | 'tool', block: Record<string, unknown>): string[] => {
    const frames = closeBlock();
    blockIndex += 1;
    openBlock = kind;
    frames.push(event('content_block_start', { index: blockIndex, content_block: block }));
    return frames;
  };
  const stop = (): string[] => {
    if (stopped || !started) return [];
    stopped = true;
    const usage = state.usage ? anthropicUsageOf(state.usage) : { output_tokens: 0 };
    return [
      ...closeBlock(),
      event('message_delta', { delta: { stop_reason: toAnthropicStopReason(state.finishReason ?? 'stop'), stop_sequence: null }, usage }),
      event('message_stop', {}),
    ];
  };

  return streamTransformer(
    state,
    (sse) => {
      if (sse.data === '[DONE]') return stop();
      const chunk = shape.readEventJson(sse, state, readOpenAiChunk, state);
      if (!chunk) return [];
      const frames = start(chunk.id);
      const choice = asRecord(Array.isArray(chunk.choices) ? chunk.choices[0] : undefined);
      const delta = asRecord(choice?.delta);
      const reasoning = delta?.reasoning_content ?? delta?.reasoning;
      if (typeof reasoning === 'string' && reasoning) {
        if (openBlock !== 'thinking') frames.push(...openNew('thinking', { type: 'thinking', thinking: '', signature: '' }));
        frames.push(event('content_block_delta', { index: blockIndex, delta: { type: 'thinking_delta', thinking: reasoning } }));
      }
      if (typeof delta?.content === 'string' && delta.content) {
        if (openBlock !== 'text') frames.push(...openNew('text', { type: 'text', text: '' }));
        frames.push(event('content_block_delta', { index: blockIndex, delta: { type: 'text_delta', text: delta.content } }));
      }
      for (const raw of Array.isArray(delta?.tool_calls) ? delta.tool_calls : []) {
        const call = asRecord(raw);
        const fn = asRecord(call?.function);
        const index = typeof call?.index === 'number' ? call.index : 0;
        if (!toolBlocks.has(index)) {
          frames.push(...openNew('tool', { type: 'tool_use', id: call?.id ?? `toolu_${index}`, name: fn?.name ?? '', input: {} }));
          toolBlocks.set(index, blockIndex);
        }
        if (typeof fn?.arguments === 'string' && fn.arguments) {
          frames.push(event('content_block_delta', { index: toolBlocks.get(index), delta: { type: 'input_json_delta', partial_json: fn.arguments } }));
        }
      }
      return frames;
    },
    // A server that ends without `[DONE]` still gets a well-formed Anthropic ending.
    () => (state.finishReason !== undefined ? stop() : []),
  );
}
