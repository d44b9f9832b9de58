import { ANTHROPIC_CHUNKS, AnthropicStreamReader, readAnthropicEvent } from '../anthropic/stream.ts';
import { ChunkShape } from '../chunk-shape.ts';
import { asRecord } from '../read-fields.ts';
import { sseFrame, streamTransformer } from '../stream-state.ts';
import type { StreamTransformer, UpstreamCall } from '../types.ts';
import { toOpenAiFinishReason } from './finish-reasons.ts';
import { openAiUsageOf } from './usage-shapes.ts';

/**
 * An Anthropic event stream, re-emitted as OpenAI chat completion chunks (`data: {…}` … `data: [DONE]`).
 * Content deltas of the shape learnt from the first ones are read without parsing (`ChunkShape`:
 * their JSON is built from the shape's); every other event is parsed.
 */
export function anthropicStreamToOpenAi(call: UpstreamCall, nowMs: number, shape = new ChunkShape(ANTHROPIC_CHUNKS)): StreamTransformer {
  const reader = new AnthropicStreamReader();
  const state = reader.state;
  const created = Math.floor(nowMs / 1000);
  let id = 'chatcmpl-tollgate';
  /** OpenAI tool-call index of each Anthropic tool_use content block. */
  const toolIndexOfBlock = new Map<unknown, number>();
  let done = false;
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) =>
    sseFrame({ id, object: 'chat.completion.chunk', created, model: state.servedModel ?? call.upstreamModel, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] });

  const finish = (): string[] => {
    if (done) return [];
    done = true;
    const frames: string[] = [];
    const usage = reader.usage();
    if (call.clientWantsStreamUsage && usage) {
      frames.push(sseFrame({ id, object: 'chat.completion.chunk', created, model: state.servedModel ?? call.upstreamModel, choices: [], usage: openAiUsageOf(usage) }));
    }
    frames.push('data: [DONE]\n\n');
    return frames;
  };

  return streamTransformer(
    state,
    (event) => {
      const payload = shape.readEventJson(event, state, readAnthropicEvent, reader);
      if (!payload) return [];
      switch (payload.type) {
        case 'message_start': {
          const messageId = asRecord(payload.message)?.id;
          if (typeof messageId === 'string') id = `chatcmpl-${messageId}`;
          return [chunk({ role: 'assistant', content: '' })];
        }
        case 'content_block_start': {
          const block = asRecord(payload.content_block);
          if (block?.type !== 'tool_use') return [];
          const toolIndex = toolIndexOfBlock.size;
          toolIndexOfBlock.set(payload.index, toolIndex);
          return [chunk({ tool_calls: [{ index: toolIndex, id: block.id, type: 'function', function: { name: block.name, arguments: '' } }] })];
        }
        case 'content_block_delta': {
          const delta = asRecord(payload.delta);
          if (delta?.type === 'text_delta') return [chunk({ content: delta.text })];
          if (delta?.type === 'thinking_delta') return [chunk({ reasoning_content: delta.thinking })];
          if (delta?.type === 'input_json_delta') {
            const toolIndex = toolIndexOfBlock.get(payload.index) ?? Math.max(toolIndexOfBlock.size - 1, 0);
            return [chunk({ tool_calls: [{ index: toolIndex, function: { arguments: delta.partial_json } }] })];
          }
          return [];
        }
        case 'message_delta': {
          const stop = asRecord(payload.delta)?.stop_reason;
          return stop === undefined || stop === null ? [] : [chunk({}, toOpenAiFinishReason(stop))];
        }
        case 'message_stop':
          return finish();
        default:
          return [];
      }
    },
    () => (state.finishReason ? finish() : []),
    () => reader.usage(),
  );
}
