import { convertAnthropicUsage } from './convert-usage.ts';
import type { Usage } from '../../domain/usage.ts';
import { StreamState, inBandError, parseEventData } from '../stream-state.ts';
import { asRecord } from '../read-fields.ts';
import type { ChunkWire } from '../chunk-shape.ts';
import type { SseEvent } from '../types.ts';

/**
 * Reads Anthropic stream events into the state. Usage arrives in `message_start` and again in
 * `message_delta`, whose counts are CUMULATIVE (and may repeat the input counts): each field
 * takes its latest value, never a sum.
 */
export class AnthropicStreamReader {
  readonly state = new StreamState();
  private readonly rawUsage: Record<string, unknown> = {};

  read(event: SseEvent): Record<string, unknown> | undefined {
    if (event.data === '') return undefined;
    const payload = parseEventData(event);
    const type = payload.type ?? event.event;
    switch (type) {
      case 'message_start': {
        const message = asRecord(payload.message);
        if (typeof message?.model === 'string') this.state.servedModel = message.model;
        this.mergeUsage(message?.usage);
        break;
      }
      case 'content_block_start': {
        const block = asRecord(payload.content_block);
        if (block?.type === 'tool_use') this.state.addText(block.name);
        else if (block?.type === 'text') this.state.addText(block.text);
        break;
      }
      case 'content_block_delta': {
        const delta = asRecord(payload.delta);
        this.state.addText(delta?.text);
        this.state.addText(delta?.thinking);
        this.state.addText(delta?.partial_json);
        break;
      }
      case 'message_delta': {
        const stop = asRecord(payload.delta)?.stop_reason;
        if (typeof stop === 'string') this.state.finishReason = stop;
        this.mergeUsage(payload.usage);
        break;
      }
      case 'error':
        throw inBandError(payload);
      default:
        break;
    }
    return payload;
  }

  usage(): Usage | undefined {
    return this.state.usage;
  }

  private mergeUsage(value: unknown): void {
    const usage = asRecord(value);
    if (!usage) return;
    for (const [key, field] of Object.entries(usage)) if (field !== null && field !== undefined) this.rawUsage[key] = field;
    this.state.usage = convertAnthropicUsage(this.rawUsage);
  }
}

/** A reader's parse of one event, as `ChunkShape.readEvent` calls it (a module function: no closure per stream). */
export function readAnthropicEvent(event: SseEvent, reader: AnthropicStreamReader): Record<string, unknown> | undefined {
  return reader.read(event);
}

/**
 * Anthropic events for `ChunkShape`: a content block's delta that reads as one text piece and
 * nothing else (a block's start comes once per block, with its own id: no shape worth a probe);
 * the event name is part of the shape.
 */
export const ANTHROPIC_CHUNKS: ChunkWire = {
  readFresh(event) {
    const reader = new AnthropicStreamReader();
    return { chunk: reader.read(event), state: reader.state };
  },
  learnable: (chunk) => chunk.type === 'content_block_delta',
};
