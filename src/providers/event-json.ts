import type { SseEvent } from './types.ts';

/** An event with its data's JSON once read (kept on the event itself: it goes with the event). */
type ReadEvent = SseEvent & { json?: unknown };

/**
 * The JSON of an SSE event's data, parsed once per event object however many readers ask: the
 * relay's transformer reads each upstream event (usage, served model, text), and the response
 * cache's capture folds the same events into the neutral answer right after. Throws as
 * `JSON.parse` does.
 */
export function eventJson(event: SseEvent): unknown {
  const read = event as ReadEvent;
  // JSON.parse never returns undefined: undefined is "not parsed yet".
  if (read.json !== undefined) return read.json;
  const value: unknown = JSON.parse(event.data);
  read.json = value;
  return value;
}

