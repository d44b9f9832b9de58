import { convertOpenAiUsage } from './convert-usage.ts';
import { StreamState, inBandError, parseEventData } from '../stream-state.ts';
import { asRecord } from '../read-fields.ts';
import { paddedBy, type ChunkWire } from '../chunk-shape.ts';
import type { SseEvent } from '../types.ts';

/**
 * Reads one OpenAI chat/completions stream chunk into the state. Returns the parsed chunk, or
 * undefined for `[DONE]` and data-less events. Throws on an in-band error or a non-JSON event.
 */
export function readOpenAiChunk(event: SseEvent, state: StreamState): Record<string, unknown> | undefined {
  if (event.data === '[DONE]' || event.data === '') return undefined;
  const chunk = parseEventData(event);
  if (chunk.error !== undefined && chunk.choices === undefined) throw inBandError(chunk);
  if (typeof chunk.model === 'string' && chunk.model) state.servedModel = chunk.model;
  if (chunk.usage) state.usage = convertOpenAiUsage(chunk.usage) ?? state.usage;
  const choices = chunk.choices;
  if (Array.isArray(choices)) {
    for (const raw of choices) {
      const choice = asRecord(raw);
      if (!choice) continue;
      if (typeof choice.finish_reason === 'string') state.finishReason = choice.finish_reason;
      const delta = asRecord(choice.delta);
      if (delta) {
        state.addText(delta.content);
        state.addText(delta.reasoning_content);
        state.addText(delta.reasoning);
        for (const call of Array.isArray(delta.tool_calls) ? delta.tool_calls : []) {
          const fn = asRecord(asRecord(call)?.function);
          state.addText(fn?.name);
          state.addText(fn?.arguments);
        }
      } else {
        state.addText(choice.text); // legacy completions
      }
    }
  }
  return chunk;
}

/** True for the extra chunk `include_usage` adds: usage and no choices. */
export function isUsageOnlyChunk(chunk: Record<string, unknown>): boolean {
  return chunk.usage != null && Array.isArray(chunk.choices) && chunk.choices.length === 0;
}

/** OpenAI chunks for `ChunkShape`: a usage-only chunk is no content chunk; `obfuscation` is OpenAI's padding. */
export const OPENAI_CHUNKS: ChunkWire = {
  readFresh(event) {
    const state = new StreamState();
    return { chunk: readOpenAiChunk(event, state), state };
  },
  learnable: (chunk) => !isUsageOnlyChunk(chunk),
  padding: paddedBy('obfuscation'),
};
