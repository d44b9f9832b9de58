import type { WireFormat } from '../domain/request.ts';
import { answerIdCore, type NeutralAnswer, type NeutralBlock, type NeutralFinish } from '../domain/neutral-answer.ts';
import type { Usage } from '../domain/usage.ts';
import { asRecord } from '../providers/read-fields.ts';
import { createSseParser } from '../providers/sse-parser.ts';
import type { SseEvent } from '../providers/types.ts';
import { finishFromAnthropic, finishFromOpenAi } from './answer-from-json.ts';

/** Streams longer than this are not kept for the cache (nor held in memory to be). */
export const MAX_CAPTURE_BYTES = 4 * 1024 * 1024;

/**
 * Captures a streamed answer for the response cache. The relay hands it each upstream chunk as it
 * arrives (`push` keeps a reference: no parse, no copy on the streaming path); once the stream
 * has ended, `finish` reads the events once, straight into the neutral form. No JSON body is built
 * and parsed again on the way.
 */
export interface AnswerCapture {
  push(chunk: Uint8Array | string): void;
  /** The answer the stream amounted to; undefined when it was cut, too large, or holds what the neutral form cannot carry. */
  finish(usage: Usage): NeutralAnswer | undefined;
}

/** A capture of a stream in the upstream's wire format. */
export function captureAnswer(upstreamWire: WireFormat, maxBytes = MAX_CAPTURE_BYTES): AnswerCapture {
  const chunks: Array<Uint8Array | string> = [];
  let bytes = 0;
  return {
    push(chunk) {
      if (bytes > maxBytes) return;
      bytes += chunk.length;
      if (bytes <= maxBytes) chunks.push(chunk);
      else chunks.length = 0;
    },
    finish(usage) {
      if (bytes > maxBytes) return undefined;
      const parser = createSseParser();
      const decoder = new TextDecoder();
      const events: SseEvent[] = [];
      for (const chunk of chunks) events.push(...parser.push(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true })));
      events.push(...parser.push(decoder.decode()), ...parser.flush());
      chunks.length = 0;
      try {
        return upstreamWire === 'anthropic' ? fromAnthropicEvents(events, usage) : fromOpenAiEvents(events, usage);
      } catch {
        return undefined; // an event that is not JSON: the relay reported it; nothing to keep
      }
    },
  };
}

/** Not representable neutrally: the fold gives up (the answer is simply not cached). */
class NotNeutral extends Error {}

function fromOpenAiEvents(events: readonly SseEvent[], usage: Usage): NeutralAnswer | undefined {
  let id = '';
  let model = '';
  let text: string | undefined;
  let reasoning = '';
  let finish: NeutralFinish | undefined;
  const tools: Array<{ id: string; name: string; arguments: string }> = [];
  for (const event of events) {
    if (event.data === '' || event.data === '[DONE]') continue;
    const chunk = asRecord(JSON.parse(event.data));
    if (!chunk || chunk.error !== undefined) return undefined;
    if (!id && typeof chunk.id === 'string') id = chunk.id;
    if (typeof chunk.model === 'string' && chunk.model) model = chunk.model;
    for (const raw of Array.isArray(chunk.choices) ? chunk.choices : []) {
      const choice = asRecord(raw);
      if (!choice) continue;
      if ((choice.index ?? 0) !== 0 || (choice.logprobs !== undefined && choice.logprobs !== null)) return undefined;
      const delta = asRecord(choice.delta);
      if (delta) {
        if (delta.refusal !== undefined && delta.refusal !== null) return undefined;
        if (typeof delta.content === 'string') text = (text ?? '') + delta.content;
        const thought = delta.reasoning_content ?? delta.reasoning;
        if (typeof thought === 'string') reasoning += thought;
        for (const rawCall of Array.isArray(delta.tool_calls) ? delta.tool_calls : []) {
          const call = asRecord(rawCall);
          const index = typeof call?.index === 'number' ? call.index : 0;
          const fn = asRecord(call?.function);
          const tool = (tools[index] ??= { id: '', name: '', arguments: '' });
          if (typeof call?.id === 'string') tool.id = call.id;
          if (typeof fn?.name === 'string') tool.name += fn.name;
          if (typeof fn?.arguments === 'string') tool.arguments += fn.arguments;
        }
      }
      if (typeof choice.finish_reason === 'string') {
        finish = finishFromOpenAi(choice.finish_reason);
        if (!finish) return undefined;
      }
    }
  }
  if (!finish) return undefined;
  // By index, not `some`: a call index the stream skipped is a hole `some` would not visit.
  for (let index = 0; index < tools.length; index += 1) if (!tools[index]?.id || !tools[index]?.name) return undefined;
  const content: NeutralBlock[] = [];
  if (reasoning) content.push({ type: 'reasoning', text: reasoning });
  if (text) content.push({ type: 'text', text });
  for (const tool of tools) content.push({ type: 'tool_call', ...tool });
  return { id: answerIdCore(id), model, content, finish, stopSequence: null, usage };
}

type OpenBlock = NeutralBlock & { input?: unknown };

function fromAnthropicEvents(events: readonly SseEvent[], usage: Usage): NeutralAnswer | undefined {
  let id = '';
  let model = '';
  let finish: NeutralFinish | undefined;
  let stopSequence: string | null = null;
  const blocks: OpenBlock[] = [];
  const blockAt = (index: unknown): OpenBlock => {
    const block = typeof index === 'number' ? blocks[index] : undefined;
    if (!block) throw new NotNeutral();
    return block;
  };
  try {
    for (const event of events) {
      if (event.data === '') continue;
      const payload = asRecord(JSON.parse(event.data));
      if (!payload) return undefined;
      switch (payload.type ?? event.event) {
        case 'message_start': {
          const message = asRecord(payload.message);
          id = answerIdCore(message?.id);
          if (typeof message?.model === 'string') model = message.model;
          break;
        }
        case 'content_block_start': {
          const block = asRecord(payload.content_block);
          if (typeof payload.index !== 'number' || payload.index < 0 || payload.index > 10_000 || !block) return undefined;
          if (block.type === 'text' && !hasItems(block.citations)) blocks[payload.index] = { type: 'text', text: typeof block.text === 'string' ? block.text : '' };
          else if (block.type === 'thinking') blocks[payload.index] = { type: 'reasoning', text: typeof block.thinking === 'string' ? block.thinking : '' };
          else if (block.type === 'redacted_thinking' && typeof block.data === 'string') blocks[payload.index] = { type: 'redacted_reasoning', data: block.data };
          else if (block.type === 'tool_use' && typeof block.id === 'string' && typeof block.name === 'string') {
            blocks[payload.index] = { type: 'tool_call', id: block.id, name: block.name, arguments: '', input: block.input };
          } else return undefined;
          break;
        }
        case 'content_block_delta': {
          const block = blockAt(payload.index);
          const delta = asRecord(payload.delta);
          if (delta?.type === 'text_delta' && block.type === 'text') block.text += String(delta.text ?? '');
          else if (delta?.type === 'thinking_delta' && block.type === 'reasoning') block.text += String(delta.thinking ?? '');
          else if (delta?.type === 'signature_delta' && block.type === 'reasoning') block.signature = (block.signature ?? '') + String(delta.signature ?? '');
          else if (delta?.type === 'input_json_delta' && block.type === 'tool_call') block.arguments += String(delta.partial_json ?? '');
          else return undefined;
          break;
        }
        case 'message_delta': {
          const delta = asRecord(payload.delta);
          if (delta?.stop_reason !== undefined && delta.stop_reason !== null) {
            finish = finishFromAnthropic(delta.stop_reason);
            if (!finish) return undefined;
          }
          if (typeof delta?.stop_sequence === 'string') stopSequence = delta.stop_sequence;
          break;
        }
        case 'error':
          return undefined;
        default:
          break;
      }
    }
  } catch (error) {
    if (error instanceof NotNeutral) return undefined;
    throw error;
  }
  if (!finish) return undefined;
  const content: NeutralBlock[] = [];
  for (const block of blocks) {
    if (!block) return undefined; // an index the stream skipped
    if (block.type === 'tool_call') {
      // A tool with no input deltas carries its input on the start block.
      content.push({ type: 'tool_call', id: block.id, name: block.name, arguments: block.arguments || JSON.stringify(block.input ?? {}) });
    } else content.push(block);
  }
  return { id, model, content, finish, stopSequence, usage };
}

function hasItems(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}
