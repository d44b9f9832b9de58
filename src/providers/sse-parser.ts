import type { SseEvent } from './types.ts';

export interface SseParser {
  /** Feeds decoded text; returns the events completed by it. */
  push(text: string): SseEvent[];
  /** End of stream: returns a final event that lacked its blank line, if any. */
  flush(): SseEvent[];
  /** True when no partial event is buffered: the text pushed so far ended on an event boundary. */
  idle(): boolean;
}

const LF = '\n';
const CR = '\r';
const COLON = 58;
const SPACE = 32;
const LF_CODE = 10;

/**
 * Incremental server-sent-events parser (WHATWG line rules: `\n`, `\r\n` or a lone `\r` ends a
 * line, a blank line ends an event, `data:` lines join with `\n`, lines starting with `:` are
 * comments). Lines are found with `indexOf`, each line is read once however the text is chunked,
 * and only the incomplete event is buffered. Every event carries its exact text in `raw`
 * (comments, blank lines before it and its closing blank line included) so an unchanged event can
 * be relayed byte for byte. A comment-only block is returned as an event with empty `data`.
 */
export function createSseParser(): SseParser {
  /** Text from the start of the current (incomplete) event. */
  let buffer = '';
  /** Start of the next unread line in `buffer`. */
  let lineStart = 0;
  /** Where to resume looking for a line end: the incomplete line before it was searched already. */
  let searchFrom = 0;
  /** Fields of the current event read so far. */
  let eventName: string | undefined;
  let data: string | undefined;
  let hasLines = false;

  function readLine(end: number): void {
    hasLines = true;
    if (buffer.charCodeAt(lineStart) === COLON) return;
    const colon = buffer.indexOf(':', lineStart);
    let field: string;
    let value: string;
    if (colon === -1 || colon > end) {
      field = buffer.slice(lineStart, end);
      value = '';
    } else {
      field = buffer.slice(lineStart, colon);
      const valueStart = buffer.charCodeAt(colon + 1) === SPACE && colon + 1 < end ? colon + 2 : colon + 1;
      value = buffer.slice(valueStart, end);
    }
    if (field === 'data') data = data === undefined ? value : `${data}\n${value}`;
    else if (field === 'event') eventName = value;
  }

  function take(final: boolean): SseEvent[] {
    const events: SseEvent[] = [];
    let eventStart = 0;
    const length = buffer.length;
    // Next line feed and carriage return at or after lineStart (-1: none left in the buffer).
    const from = Math.max(lineStart, searchFrom);
    let lf = buffer.indexOf(LF, from);
    let cr = buffer.indexOf(CR, from);
    searchFrom = length;
    while (lf !== -1 || cr !== -1) {
      let end: number;
      let next: number;
      if (cr === -1 || (lf !== -1 && lf < cr)) {
        end = lf;
        next = lf + 1;
      } else {
        end = cr;
        if (cr + 1 < length) next = buffer.charCodeAt(cr + 1) === LF_CODE ? cr + 2 : cr + 1;
        else if (final) next = cr + 1;
        else {
          searchFrom = cr; // a trailing `\r` may be the first half of `\r\n`: wait for more text
          break;
        }
      }
      if (end === lineStart) {
        // A blank line ends the event; blank lines with nothing before them stay in the next event's raw.
        if (hasLines) {
          events.push({ event: eventName, data: data ?? '', raw: buffer.slice(eventStart, next) });
          eventStart = next;
          eventName = undefined;
          data = undefined;
          hasLines = false;
        }
      } else {
        readLine(end);
      }
      lineStart = next;
      if (lf !== -1 && lf < next) lf = buffer.indexOf(LF, next);
      if (cr !== -1 && cr < next) cr = buffer.indexOf(CR, next);
    }
    if (final) {
      if (lineStart < length) {
        readLine(length);
        lineStart = length;
      }
      if (hasLines) events.push({ event: eventName, data: data ?? '', raw: buffer.slice(eventStart) });
      buffer = '';
      lineStart = 0;
      searchFrom = 0;
      eventName = undefined;
      data = undefined;
      hasLines = false;
      return events;
    }
    if (eventStart > 0) {
      buffer = buffer.slice(eventStart);
      lineStart -= eventStart;
      searchFrom -= eventStart;
    }
    return events;
  }

  return {
    push(text) {
      if (text === '') return [];
      if (searchFrom === buffer.length && buffer !== '' && text.indexOf(LF) === -1 && text.indexOf(CR) === -1) {
        // Another piece of a long line: append without rescanning (or flattening) the buffer.
        buffer += text;
        searchFrom = buffer.length;
        return [];
      }
      buffer = buffer === '' ? text : buffer + text;
      return take(false);
    },
    flush() {
      return take(true);
    },
    idle() {
      return buffer === '';
    },
  };
}
