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
  return new IncrementalSseParser();
}

/** A class rather than closures: under tsx (esbuild keepNames) every named closure costs an Object.defineProperty on every stream. */
class IncrementalSseParser implements SseParser {
  /** Text from the start of the current (incomplete) event. */
  private buffer = '';
  /** Start of the next unread line in `buffer`. */
  private lineStart = 0;
  /** Where to resume looking for a line end: the incomplete line before it was searched already. */
  private searchFrom = 0;
  /** Fields of the current event read so far. */
  private eventName: string | undefined;
  private data: string | undefined;
  private hasLines = false;

  push(text: string): SseEvent[] {
    if (text === '') return [];
    if (this.searchFrom === this.buffer.length && this.buffer !== '' && text.indexOf(LF) === -1 && text.indexOf(CR) === -1) {
      // Another piece of a long line: append without rescanning (or flattening) the buffer.
      this.buffer += text;
      this.searchFrom = this.buffer.length;
      return [];
    }
    this.buffer = this.buffer === '' ? text : this.buffer + text;
    return this.take(false);
  }

  flush(): SseEvent[] {
    return this.take(true);
  }

  idle(): boolean {
    return this.buffer === '';
  }

  private readLine(end: number): void {
    const buffer = this.buffer;
    const lineStart = this.lineStart;
    this.hasLines = true;
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
    if (field === 'data') this.data = this.data === undefined ? value : `${this.data}\n${value}`;
    else if (field === 'event') this.eventName = value;
  }

  private take(final: boolean): SseEvent[] {
    const events: SseEvent[] = [];
    const buffer = this.buffer;
    let eventStart = 0;
    const length = buffer.length;
    // Next line feed and carriage return at or after lineStart (-1: none left in the buffer).
    const from = Math.max(this.lineStart, this.searchFrom);
    let lf = buffer.indexOf(LF, from);
    let cr = buffer.indexOf(CR, from);
    this.searchFrom = length;
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
          this.searchFrom = cr; // a trailing `\r` may be the first half of `\r\n`: wait for more text
          break;
        }
      }
      if (end === this.lineStart) {
        // A blank line ends the event; blank lines with nothing before them stay in the next event's raw.
        if (this.hasLines) {
          events.push({ event: this.eventName, data: this.data ?? '', raw: buffer.slice(eventStart, next) });
          eventStart = next;
          this.eventName = undefined;
          this.data = undefined;
          this.hasLines = false;
        }
      } else {
        this.readLine(end);
      }
      this.lineStart = next;
      if (lf !== -1 && lf < next) lf = buffer.indexOf(LF, next);
      if (cr !== -1 && cr < next) cr = buffer.indexOf(CR, next);
    }
    if (final) {
      if (this.lineStart < length) {
        this.readLine(length);
        this.lineStart = length;
      }
      if (this.hasLines) events.push({ event: this.eventName, data: this.data ?? '', raw: buffer.slice(eventStart) });
      this.buffer = '';
      this.lineStart = 0;
      this.searchFrom = 0;
      this.eventName = undefined;
      this.data = undefined;
      this.hasLines = false;
      return events;
    }
    if (eventStart > 0) {
      this.buffer = buffer.slice(eventStart);
      this.lineStart -= eventStart;
      this.searchFrom -= eventStart;
    }
    return events;
  }
}
