import type { SseEvent } from './types.ts';

/** A reader that can give an event's JSON without parsing its data (it knows the event's shape). */
export interface EventJsonSource {
  /** The JSON of the event's data, as `JSON.parse` would give it; undefined when it cannot tell (the data is parsed). */
  jsonOf(event: SseEvent): unknown;
}

/** An event with its data's JSON once read (kept on the event itself: it goes with the event), or where to get it. */
type ReadEvent = SseEvent & { json?: unknown; jsonSource?: EventJsonSource };

/**
 * The JSON of an SSE event's data, parsed once per event object however many readers ask: the
 * relay's transformer reads each upstream event (usage, served model, text), and the response
 * cache's capture folds the same events into the neutral answer after the stream. An event a
 * reader read without parsing (`setEventJsonSource`) gets its JSON from that reader. Throws as
 * `JSON.parse` does.
 */
export function eventJson(event: SseEvent): unknown {
  const read = event as ReadEvent;
  // JSON.parse never returns undefined: undefined is "not parsed yet".
  if (read.json !== undefined) return read.json;
  let value: unknown = read.jsonSource?.jsonOf(event);
  if (value === undefined) value = JSON.parse(event.data);
  read.json = value;
  return value;
}

/** Marks an event as read by `source` without parsing: a later `eventJson` asks it first. */
export function setEventJsonSource(event: SseEvent, source: EventJsonSource): void {
  (event as ReadEvent).jsonSource = source;
}

/** Keeps an event's JSON, made without parsing by a reader that knows its shape: a later `eventJson` gives it. */
export function setEventJson(event: SseEvent, json: unknown): void {
  (event as ReadEvent).json = json;
}
