import { readOpenAiChunk, isUsageOnlyChunk } from './stream.ts';
import { setEventJsonSource, type EventJsonSource } from '../event-json.ts';
import { asRecord } from '../read-fields.ts';
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

type Json = Record<string, unknown> | unknown[];
/** The text fields the reader reads, in a choice's delta and in a tool call's function. */
const DELTA_TEXT = ['content', 'reasoning_content', 'reasoning'] as const;
const CALL_TEXT = ['name', 'arguments'] as const;

/**
 * Reads the content chunks of an OpenAI stream without parsing them, once it has learnt their
 * shape from a parsed one. A compatible server writes every content chunk of a stream alike: the
 * same id, model and fields, and only the delta's text differs
 * (`{"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"…"},"finish_reason":null}],"usage":null}`;
 * OpenAI itself adds a random `"obfuscation"` padding last, which nobody reads).
 *
 * A shape is a parsed chunk's data cut around the JSON string literal of its one text piece
 * (prefix + literal + suffix). A chunk whose data is that prefix, any valid JSON string literal
 * and that suffix has the same JSON structure, so it reads exactly as the learnt chunk with that
 * one string changed: its text is the literal's value, its model the learnt one, and it carries
 * no usage, finish reason or error (a shape is only kept when the chunk it came from carried
 * none). Anything else (the first chunks, the finish and usage chunks, an error, a chunk with
 * other fields) does not match and is parsed as before.
 *
 * The cut is verified once, by parsing the data with a probe literal in the slot: the probe must
 * read as the whole text and nothing else. A shape is exact, not a guess: a false match is not
 * possible, a miss only costs the parse it would have cost anyway. A chunk read by its shape can
 * still give its JSON to a later reader (the response cache's fold) without a parse: the probe's
 * JSON with the slot (and padding) set (`Shape.jsonOf`).
 */
export class ChunkShape {
  private shape: Shape | undefined;
  private probes = 0;

  /**
   * Reads an event that has the learnt shape into the state (its text, the shape's model) and
   * returns true; false when it does not match (the caller parses it).
   */
  read(event: SseEvent, state: StreamState): boolean {
    const shape = this.shape;
    if (shape === undefined) return false;
    const text = shape.textOf(event.data);
    if (text === undefined) return false;
    if (shape.model !== undefined) state.servedModel = shape.model;
    state.addText(text);
    if (shape.path !== undefined) setEventJsonSource(event, shape);
    return true;
  }

  /**
   * Learns the shape of a chunk just parsed whose reading added one piece, `piece`, to the text,
   * when it is a plain content chunk (no usage, finish reason or error).
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
    this.shape = new Shape(prefix, suffix, pad !== null, probe.servedModel, chunk, slotPath(chunk));
  }
}

/** One learnt shape (immutable: a chunk read by it can give its JSON later, whatever is learnt after). */
class Shape implements EventJsonSource {
  constructor(
    readonly prefix: string,
    readonly suffix: string,
    /** The chunks end with OpenAI's `,"obfuscation":"…"}` (random padding, different in every chunk, read by nobody). */
    readonly padded: boolean,
    readonly model: string | undefined,
    /** The probe's JSON: every chunk of the shape is this with the slot (and padding) set. */
    readonly probe: Record<string, unknown>,
    /** Where the slot's string is in that JSON (undefined: not found once and only once, the JSON is parsed). */
    readonly path: Array<string | number> | undefined,
  ) {}

  /** The text of data of this shape; undefined when it is not of this shape. */
  textOf(data: string): string | undefined {
    const { prefix, suffix } = this;
    let stop = data.length;
    if (this.padded) {
      const open = padOpen(data);
      if (open === -1) return undefined;
      stop = open - PAD_KEY.length;
    }
    const end = stop - suffix.length;
    // Sliced and compared, not startsWith/endsWith: V8 compares those character by character (~10x slower here).
    if (end - prefix.length < 2 || data.slice(0, prefix.length) !== prefix || data.slice(end, stop) !== suffix) return undefined;
    if (data.charCodeAt(prefix.length) !== QUOTE || data.charCodeAt(end - 1) !== QUOTE) return undefined;
    const literal = data.slice(prefix.length, end);
    const body = literal.slice(1, -1);
    if (!NEEDS_PARSE.test(body)) return body;
    // Escapes: the literal alone is parsed (a small string, not the chunk); one that is not a valid literal is no match.
    try {
      const value: unknown = JSON.parse(literal);
      return typeof value === 'string' ? value : undefined;
    } catch {
      return undefined;
    }
  }

  /** The JSON of an event read by this shape: the probe's, copied along the slot's path, with the slot and padding set. */
  jsonOf(event: SseEvent): unknown {
    const { path } = this;
    const text = this.textOf(event.data);
    if (path === undefined || text === undefined) return undefined;
    const top = { ...this.probe };
    let node: Json = top;
    for (let depth = 0; depth < path.length - 1; depth += 1) {
      const key = path[depth]!;
      const child = (node as Record<string | number, unknown>)[key] as Json;
      const copy: Json = Array.isArray(child) ? child.slice() : { ...child };
      (node as Record<string | number, unknown>)[key] = copy;
      node = copy;
    }
    (node as Record<string | number, unknown>)[path[path.length - 1]!] = text;
    if (this.padded) top.obfuscation = event.data.slice(padOpen(event.data) + 1, -2);
    return top;
  }
}

/**
 * Where `,"obfuscation":"<padding>"}` starts to end the data: the index of the padding's opening
 * quote, the padding a plain literal (no escapes); -1 when the data does not end so.
 */
function padOpen(data: string): number {
  const length = data.length;
  if (data.charCodeAt(length - 1) !== CLOSE_BRACE || data.charCodeAt(length - 2) !== QUOTE) return -1;
  let open = length - 3;
  for (; open >= 0; open -= 1) {
    const code = data.charCodeAt(open);
    if (code === QUOTE) break;
    if (code === BACKSLASH || code < 32) return -1;
  }
  const key = open - PAD_KEY.length;
  return key >= 0 && data.slice(key, open) === PAD_KEY ? open : -1;
}

/**
 * Where the reader (`readOpenAiChunk`) found the probe's text: the one text field of a choice that
 * holds it (the reading was the probe's text and nothing else, so no other text field holds any).
 */
function slotPath(chunk: Record<string, unknown>): Array<string | number> | undefined {
  const { choices } = chunk;
  if (!Array.isArray(choices)) return undefined;
  for (let index = 0; index < choices.length; index += 1) {
    const choice = asRecord(choices[index]);
    if (!choice) continue;
    const delta = asRecord(choice.delta);
    if (!delta) {
      if (choice.text === PROBE_TEXT) return ['choices', index, 'text'];
      continue;
    }
    for (const key of DELTA_TEXT) if (delta[key] === PROBE_TEXT) return ['choices', index, 'delta', key];
    const calls = Array.isArray(delta.tool_calls) ? delta.tool_calls : [];
    for (let call = 0; call < calls.length; call += 1) {
      const fn = asRecord(asRecord(calls[call])?.function);
      for (const key of CALL_TEXT) if (fn?.[key] === PROBE_TEXT) return ['choices', index, 'delta', 'tool_calls', call, 'function', key];
    }
  }
  return undefined;
}
