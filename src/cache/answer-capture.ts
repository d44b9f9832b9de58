import type { WireFormat } from '../domain/request.ts';
import { answerIdCore, type NeutralAnswer, type NeutralBlock, type NeutralFinish } from '../domain/neutral-answer.ts';
import type { Usage } from '../domain/usage.ts';
import { eventJson } from '../providers/event-json.ts';
import { asRecord } from '../providers/read-fields.ts';
import { createSseParser } from '../providers/sse-parser.ts';
import type { SseEvent } from '../providers/types.ts';
import { finishFromAnthropic, finishFromOpenAi } from './answer-from-json.ts';

/** Streams longer than this are not kept for the cache (nor held in memory to be). */
export const MAX_CAPTURE_BYTES = 4 * 1024 * 1024;

/**
 * Captures a streamed answer for the response cache from its raw chunks: `push` keeps a reference
 * (no parse, no copy); once the stream has ended, `finish` reads the events once, straight into
 * the neutral form. No JSON body is built and parsed again on the way.
 */
export interface AnswerCapture {
  push(chunk: Uint8Array | string): void;
  /** The answer the stream amounted to; undefined when it was cut, too large, or holds what the neutral form cannot carry. */
  finish(usage: Usage): NeutralAnswer | undefined;
}

/**
 * The same capture fed with the events the relay has already split (the relay's own reading of the
 * stream, so the stream is split once, and an event the relay's reader parsed is not parsed again):
 * `count` each upstream read (the size bound is in bytes), `add` each upstream event in order.
 * `add` only keeps the event (a reference, no parse); `finish` folds them into the answer, so the
 * client's stream never waits on the cache's reading of it (the relay finishes after the last byte).
 */
export interface AnswerFold {
  count(bytes: number): void;
  add(event: SseEvent): void;
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
      const fold = foldAnswer(upstreamWire, maxBytes);
      const parser = createSseParser();
      const decoder = new TextDecoder();
      for (const chunk of chunks) for (const event of parser.push(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }))) fold.add(event);
      for (const event of [...parser.push(decoder.decode()), ...parser.flush()]) fold.add(event);
      chunks.length = 0;
      return fold.finish(usage);
    },
  };
}

/** A fold of a stream's events in the upstream's wire format (see `AnswerFold`). */
export function foldAnswer(upstreamWire: WireFormat, maxBytes = MAX_CAPTURE_BYTES): AnswerFold {
  return upstreamWire === 'anthropic' ? new AnthropicFold(maxBytes) : new OpenAiFold(maxBytes);
}

/** Not representable neutrally: the fold gives up (the answer is simply not cached). */
class NotNeutral extends Error {}

/**
 * What both folds share: the size bound, the events kept until the end, and giving up on the first
 * event that is not JSON or not representable (the answer is then not cached).
 */
abstract class Fold implements AnswerFold {
  private bytes = 0;
  /** The events added, not read yet (dropped once the stream is past the size bound). */
  private events: SseEvent[] = [];

  constructor(private readonly maxBytes: number) {}

  count(bytes: number): void {
    this.bytes += bytes;
    if (this.bytes > this.maxBytes) this.events = [];
  }

  add(event: SseEvent): void {
    if (this.bytes <= this.maxBytes) this.events.push(event);
  }

  finish(usage: Usage): NeutralAnswer | undefined {
    if (this.bytes > this.maxBytes) return undefined;
    const { events } = this;
    this.events = [];
    try {
      // An event that is not JSON (the relay reported it), or one the form cannot hold: the answer is not kept.
      for (const event of events) if (!this.read(event)) return undefined;
      return this.answer(usage);
    } catch {
      return undefined;
    }
  }

  /** Reads one event; false: the answer cannot be neutral. */
  protected abstract read(event: SseEvent): boolean;
  protected abstract answer(usage: Usage): NeutralAnswer | undefined;
}

class OpenAiFold extends Fold {
  private id = '';
  private model = '';
  private text: string | undefined;
  private reasoning = '';
  private finishedAs: NeutralFinish | undefined;
  private readonly tools: Array<{ id: string; name: string; arguments: string }> = [];

  protected read(event: SseEvent): boolean {
    if (event.data === '' || event.data === '[DONE]') return true;
    const chunk = asRecord(eventJson(event));
    if (!chunk || chunk.error !== undefined) return false;
    if (!this.id && typeof chunk.id === 'string') this.id = chunk.id;
    if (typeof chunk.model === 'string' && chunk.model) this.model = chunk.model;
    for (const raw of Array.isArray(chunk.choices) ? chunk.choices : []) {
      const choice = asRecord(raw);
      if (!choice) continue;
      if ((choice.index ?? 0) !== 0 || (choice.logprobs !== undefined && choice.logprobs !== null)) return false;
      const delta = asRecord(choice.delta);
      if (delta) {
        if (delta.refusal !== undefined && delta.refusal !== null) return false;
        if (typeof delta.content === 'string') this.text = (this.text ?? '') + delta.content;
        const thought = delta.reasoning_content ?? delta.reasoning;
        if (typeof thought === 'string') this.reasoning += thought;
        for (const rawCall of Array.isArray(delta.tool_calls) ? delta.tool_calls : []) {
          const call = asRecord(rawCall);
          const index = typeof call?.index === 'number' ? call.index : 0;
          const fn = asRecord(call?.function);
          const tool = (this.tools[index] ??= { id: '', name: '', arguments: '' });
          if (typeof call?.id === 'string') tool.id = call.id;
          if (typeof fn?.name === 'string') tool.name += fn.name;
          if (typeof fn?.arguments === 'string') tool.arguments += fn.arguments;
        }
      }
      if (typeof choice.finish_reason === 'string') {
        this.finishedAs = finishFromOpenAi(choice.finish_reason);
        if (!this.finishedAs) return false;
      }
    }
    return true;
  }

  protected answer(usage: Usage): NeutralAnswer | undefined {
    const { tools } = this;
    if (!this.finishedAs) return undefined;
    // By index, not `some`: a call index the stream skipped is a hole `some` would not visit.
    for (let index = 0; index < tools.length; index += 1) if (!tools[index]?.id || !tools[index]?.name) return undefined;
    const content: NeutralBlock[] = [];
    if (this.reasoning) content.push({ type: 'reasoning', text: this.reasoning });
    if (this.text) content.push({ type: 'text', text: this.text });
    for (const tool of tools) content.push({ type: 'tool_call', ...tool });
    return { id: answerIdCore(this.id), model: this.model, content, finish: this.finishedAs, stopSequence: null, usage };
  }
}

type OpenBlock = NeutralBlock & { input?: unknown };

class AnthropicFold extends Fold {
  private id = '';
  private model = '';
  private finishedAs: NeutralFinish | undefined;
  private stopSequence: string | null = null;
  private readonly blocks: OpenBlock[] = [];

  private blockAt(index: unknown): OpenBlock {
    const block = typeof index === 'number' ? this.blocks[index] : undefined;
    if (!block) throw new NotNeutral();
    return block;
  }

  protected read(event: SseEvent): boolean {
    if (event.data === '') return true;
    const payload = asRecord(eventJson(event));
    if (!payload) return false;
    switch (payload.type ?? event.event) {
      case 'message_start': {
        const message = asRecord(payload.message);
        this.id = answerIdCore(message?.id);
        if (typeof message?.model === 'string') this.model = message.model;
        break;
      }
      case 'content_block_start': {
        const block = asRecord(payload.content_block);
        if (typeof payload.index !== 'number' || payload.index < 0 || payload.index > 10_000 || !block) return false;
        if (block.type === 'text' && !hasItems(block.citations)) this.blocks[payload.index] = { type: 'text', text: typeof block.text === 'string' ? block.text : '' };
        else if (block.type === 'thinking') this.blocks[payload.index] = { type: 'reasoning', text: typeof block.thinking === 'string' ? block.thinking : '' };
        else if (block.type === 'redacted_thinking' && typeof block.data === 'string') this.blocks[payload.index] = { type: 'redacted_reasoning', data: block.data };
        else if (block.type === 'tool_use' && typeof block.id === 'string' && typeof block.name === 'string') {
          this.blocks[payload.index] = { type: 'tool_call', id: block.id, name: block.name, arguments: '', input: block.input };
        } else return false;
        break;
      }
      case 'content_block_delta': {
        const block = this.blockAt(payload.index);
        const delta = asRecord(payload.delta);
        if (delta?.type === 'text_delta' && block.type === 'text') block.text += String(delta.text ?? '');
        else if (delta?.type === 'thinking_delta' && block.type === 'reasoning') block.text += String(delta.thinking ?? '');
        else if (delta?.type === 'signature_delta' && block.type === 'reasoning') block.signature = (block.signature ?? '') + String(delta.signature ?? '');
        else if (delta?.type === 'input_json_delta' && block.type === 'tool_call') block.arguments += String(delta.partial_json ?? '');
        else return false;
        break;
      }
      case 'message_delta': {
        const delta = asRecord(payload.delta);
        if (delta?.stop_reason !== undefined && delta.stop_reason !== null) {
          this.finishedAs = finishFromAnthropic(delta.stop_reason);
          if (!this.finishedAs) return false;
        }
        if (typeof delta?.stop_sequence === 'string') this.stopSequence = delta.stop_sequence;
        break;
      }
      case 'error':
        return false;
      default:
        break;
    }
    return true;
  }

  protected answer(usage: Usage): NeutralAnswer | undefined {
    if (!this.finishedAs) return undefined;
    const content: NeutralBlock[] = [];
    for (const block of this.blocks) {
      if (!block) return undefined; // an index the stream skipped
      if (block.type === 'tool_call') {
        // A tool with no input deltas carries its input on the start block.
        content.push({ type: 'tool_call', id: block.id, name: block.name, arguments: block.arguments || JSON.stringify(block.input ?? {}) });
      } else content.push(block);
    }
    return { id: this.id, model: this.model, content, finish: this.finishedAs, stopSequence: this.stopSequence, usage };
  }
}

function hasItems(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}
