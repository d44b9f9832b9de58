/**
 * Test-only: the translating stream transformers as they were before they read content chunks by
 * their shape (main at 9e12fbf, every upstream event parsed), kept verbatim (imports aside) as the
 * reference the shape-reading ones are compared with, step by step, on random streams.
 */
import { AnthropicStreamReader } from '../anthropic/stream.ts';
import { readOpenAiChunk } from '../openai/stream.ts';
import { asRecord } from '../read-fields.ts';
import { StreamState, sseFrame, streamTransformer } from '../stream-state.ts';
import type { StreamTransformer, UpstreamCall } from '../types.ts';
import { toAnthropicStopReason, toOpenAiFinishReason } from '../translate/finish-reasons.ts';
import { anthropicUsageOf, openAiUsageOf } from '../translate/usage-shapes.ts';

/** An Anthropic event stream, re-emitted as OpenAI chat completion chunks (`data: {…}` … `data: [DONE]`). */
export function referenceAnthropicStreamToOpenAi(call: UpstreamCall, nowMs: number): StreamTransformer {
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
      const payload = reader.read(event);
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

/**
 * OpenAI chat completion chunks, re-emitted as Anthropic Messages events. OpenAI reports usage
 * last, so `message_start` carries zeros and the closing `message_delta` the real counts.
 */
export function referenceOpenAiStreamToAnthropic(call: UpstreamCall): StreamTransformer {
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
      const chunk = readOpenAiChunk(sse, state);
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
