import { readOpenAiChunk, isUsageOnlyChunk } from './stream.ts';
import { StreamState } from '../stream-state.ts';
import type { SseEvent } from '../types.ts';

/**
 * A probe string literal for a slot: its escapes are a syntax error outside a JSON string, so a
 * probe that parses shows the slot is one whole string token.
 */
const PROBE_LITERAL = '"\\u0000\\u0001"';
const PROBE_TEXT = '\u0000\u0001';
/** Shapes tried per stream (each try costs one extra parse): bounds the cost on a stream whose chunks never repeat a shape. */
const MAX_PROBES = 4;
/** A string literal's body that is its own value: no quote, backslash or control character. */
const NEEDS_PARSE = /["\\\u0000-\u001f]/;

/**
 * The shape of an OpenAI content chunk, learnt once from a parsed chunk and then read without
 * parsing. A compatible server writes every content chunk of a stream alike: the same id, model and
 * fields, and only the delta's text differs (`{"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"…"},"finish_reason":null}],"usage":null}`).
 * A shape is a parsed chunk's data cut around the JSON string literal of its one text piece
 * (prefix + literal + suffix). A chunk whose data is that prefix, any valid JSON string literal and
 * that suffix has the same JSON structure, so it reads exactly as the learnt chunk with that one
 * string changed: its text is the literal's value, its model the learnt one, and it carries no
 * usage, finish reason or error (the shape is only kept when the chunk it came from carried none).
 * Anything else (the first chunks, the finish and usage chunks, an error, a chunk with other
 * fields) does not match and is parsed as before.
 *
 * The cut is verified once, by parsing the data with a probe literal in the slot: the probe must
 * read as the whole text and nothing else. A shape is exact, not a guess: a false match is not
 * possible, a miss only costs the parse it would have cost anyway.
 */
export class ChunkShape {
  private prefix = '';
  private suffix = '';
  private model: string | undefined;
  private known = false;
  private probes = 0;

  /**
   * Reads an event that has the learnt shape into the state (its text, the shape's model) and
   * returns true; false when it does not match (the caller parses it).
   */
  read(event: SseEvent, state: StreamState): boolean {
    if (!this.known) return false;
    const { data } = event;
    const { prefix, suffix } = this;
    const end = data.length - suffix.length;
    // Sliced and compared, not startsWith/endsWith: V8 compares those character by character (~10x slower here).
    if (end - prefix.length < 2 || data.slice(0, prefix.length) !== prefix || data.slice(end) !== suffix) return false;
    if (data.charCodeAt(prefix.length) !== 34 || data.charCodeAt(end - 1) !== 34) return false;
    const literal = data.slice(prefix.length, end);
    let text: string;
    if (!NEEDS_PARSE.test(literal.slice(1, -1))) text = literal.slice(1, -1);
    else {
      // Escapes: the literal alone is parsed (a small string, not the chunk); one that is not a valid literal is no match.
      try {
        const value: unknown = JSON.parse(literal);
        if (typeof value !== 'string') return false;
        text = value;
      } catch {
        return false;
      }
    }
    if (this.model !== undefined) state.servedModel = this.model;
    state.addText(text);
    return true;
  }

  /**
   * Learns the shape of a chunk just parsed whose reading added `piece` to the text, when it is a
   * plain content chunk (its text is one string, no usage, finish reason or error).
   */
  learn(event: SseEvent, piece: string): void {
    // (A piece that is the probe's own text could not tell the slot from the probe.)
    if (piece === '' || piece === PROBE_TEXT || this.probes >= MAX_PROBES) return;
    const { data } = event;
    const literal = JSON.stringify(piece);
    const at = data.indexOf(literal);
    // Not written as JSON.stringify writes it (other escapes), or written twice: no cut to make.
    if (at === -1 || data.indexOf(literal, at + 1) !== -1) return;
    const prefix = data.slice(0, at);
    const suffix = data.slice(at + literal.length);
    this.probes += 1;
    const probe = new StreamState();
    let chunk: Record<string, unknown> | undefined;
    try {
      chunk = readOpenAiChunk({ event: event.event, data: prefix + PROBE_LITERAL + suffix, raw: '' }, probe);
    } catch {
      return;
    }
    if (!chunk || probe.text !== PROBE_TEXT || probe.usage !== undefined || probe.finishReason !== undefined || isUsageOnlyChunk(chunk)) return;
    this.prefix = prefix;
    this.suffix = suffix;
    this.model = probe.servedModel;
    this.known = true;
  }
}
