import type { SseEvent } from './types.ts';

export interface SseParser {
  /** Feeds decoded text; returns the events completed by it. */
  push(text: string): SseEvent[];
  /** End of stream: returns a final event that lacked its blank line, if any. */
  flush(): SseEvent[];
}

/**
 * Incremental server-sent-events parser (WHATWG rules: `\n`, `\r\n` or `\r` line ends, events
 * end at a blank line, `data:` lines join with `\n`, comment lines start with `:`). Only the
 * incomplete tail is buffered; complete events are returned at once, with their exact text in
 * `raw` so an unchanged event can be relayed byte for byte.
 */
export function createSseParser(): SseParser {
  let buffer = '';

  function take(final: boolean): SseEvent[] {
    const events: SseEvent[] = [];
    let start = 0;
    EVENT_END.lastIndex = 0;
    for (let match = EVENT_END.exec(buffer); match; match = EVENT_END.exec(buffer)) {
      const end = match.index + match[0].length;
      const event = parseEvent(buffer.slice(start, end));
      if (event) events.push(event);
      start = end;
    }
    buffer = start === 0 ? buffer : buffer.slice(start);
    if (final && buffer.trim() !== '') {
      const event = parseEvent(buffer);
      if (event) events.push(event);
      buffer = '';
    }
    return events;
  }

  return {
    push(text) {
      buffer += text;
      return take(false);
    },
    flush() {
      return take(true);
    },
  };
}

/** A blank line ends an event: two line breaks in a row. */
const EVENT_END = /\r\n\r\n|\n\n|\r\r(?!\n)|\n\r\n|\r\n\n/g;

function parseEvent(raw: string): SseEvent | undefined {
  let event: string | undefined;
  let data: string | undefined;
  for (const line of raw.split(/\r\n|\r|\n/)) {
    if (line === '' || line.charCodeAt(0) === 58 /* : */) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') data = data === undefined ? value : `${data}\n${value}`;
    else if (field === 'event') event = value;
  }
  // A comment-only block is no event for the parser, but keep it for byte-exact relay as data-less.
  if (data === undefined && event === undefined) return raw.trim() === '' ? undefined : { event: undefined, data: '', raw };
  return { event, data: data ?? '', raw };
}
