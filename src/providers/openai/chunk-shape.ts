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
/** OpenAI's padding field (`stream_options.include_obfuscation`, on by default), last in every chunk. */
const PAD_KEY = ',"obfuscation":';
const PADDED = /,"obfuscation":"[^"\\\u0000-\u001f]*"\}$/;
const PROBE_PAD = 'tollgate-probe';
const QUOTE = 34;
const BACKSLASH = 92;
const CLOSE_BRACE = 125;

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
  /** The chunks end with OpenAI's `,"obfuscation":"…"}` (random padding, different in every chunk, read by nobody). */
  private padded = false;
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
    let stop = data.length;
    if (this.padded) {
      // `,"obfuscation":"<padding>"}` last: found from the end, the padding a plain literal (no escapes) or no match.
      if (data.charCodeAt(stop - 1) !== CLOSE_BRACE || data.charCodeAt(stop - 2) !== QUOTE) return false;
      let open = stop - 3;
      for (; open >= 0; open -= 1) {
        const code = data.charCodeAt(open);
        if (code === QUOTE) break;
        if (code === BACKSLASH || code < 32) return false;
      }
      stop = open - PAD_KEY.length;
      if (stop < 0 || data.slice(stop, open) !== PAD_KEY) return false;
    }
    const end = stop - suffix.length;
    // Sliced and compared, not startsWith/endsWith: V8 compares those character by character (~10x slower here).
    if (end - prefix.length < 2 || data.slice(0, prefix.length) !== prefix || data.slice(end, stop) !== suffix) return false;
    if (data.charCodeAt(prefix.length) !== QUOTE || data.charCodeAt(end - 1) !== QUOTE) return false;
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
    let suffix = data.slice(at + literal.length);
    const pad = PADDED.exec(suffix);
    if (pad) suffix = suffix.slice(0, pad.index);
    this.probes += 1;
    const probe = new StreamState();
    let chunk: Record<string, unknown> | undefined;
    try {
      chunk = readOpenAiChunk({ event: event.event, data: prefix + PROBE_LITERAL + suffix + (pad ? `${PAD_KEY}"${PROBE_PAD}"}` : ''), raw: '' }, probe);
    } catch {
      return;
    }
    if (!chunk || probe.text !== PROBE_TEXT || probe.usage !== undefined || probe.finishReason !== undefined || isUsageOnlyChunk(chunk)) return;
    // The padding is the top-level `obfuscation` (which the reader does not read), not a field of the same name deeper in.
    if (pad && chunk.obfuscation !== PROBE_PAD) return;
    this.prefix = prefix;
    this.suffix = suffix;
    this.padded = pad !== null;
    this.model = probe.servedModel;
    this.known = true;
  }
}
