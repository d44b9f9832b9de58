import type { SseEvent } from './types.ts';

/**
 * The JSON of an SSE event's data, parsed once per event object however many readers ask: the
 * relay's transformer reads each upstream event (usage, served model, text), and the response
 * cache's capture folds the same events into the neutral answer right after. Throws as
 * `JSON.parse` does. Entries go with their events (a WeakMap: nothing outlives the stream).
 */
const parsed = new WeakMap<SseEvent, unknown>();

export function eventJson(event: SseEvent): unknown {
  const known = parsed.get(event);
  // JSON.parse never returns undefined: undefined is "not parsed yet".
  if (known !== undefined) return known;
  const value: unknown = JSON.parse(event.data);
  parsed.set(event, value);
  return value;
}
