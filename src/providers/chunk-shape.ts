import { setEventJson, setEventJsonSource, type EventJsonSource } from './event-json.ts';
import { parseEventData, type StreamState } from './stream-state.ts';
import type { SseEvent } from './types.ts';

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
/** JSON's whitespace, first character after a key: a slot followed by it is a key, not a value. */
const KEY_NEXT = /^[ \t\n\r]*:/;
const PROBE_PAD = 'tollgate-probe';
/** A plain string literal (no escapes) closing the chunk. */
const PLAIN_PAD = /"[^"\\\u0000-\u001f]*"\}$/;
const QUOTE = 34;
const BACKSLASH = 92;
const CLOSE_BRACE = 125;

type Json = Record<string, unknown> | unknown[];

/** What differs per wire: how a chunk is read, and which chunks are plain content chunks. */
export interface ChunkWire {
  /**
   * Reads one event into a fresh state, as the wire's stream reader does (and throws as it does):
   * the event's JSON (undefined: none) and the state it left.
   */
  readFresh(event: SseEvent): { chunk: Record<string, unknown> | undefined; state: StreamState };
  /** Whether a parsed chunk whose reading was one text piece and nothing else may give a shape (the relay treats every chunk of it alike). */
  learnable(chunk: Record<string, unknown>): boolean;
  /** Random padding read by nobody, last in the chunk (OpenAI's `obfuscation`): `paddedBy`. */
  padding?: Padding;
}

/** A top-level field, last in the chunk, whose value is random padding: a shape learnt from a padded chunk takes any plain padding. */
export interface Padding {
  field: string;
  /** `,"<field>":` */
  key: string;
  /** The padding ending a chunk's data: `,"<field>":"<plain literal>"}`. */
  trailing: RegExp;
}

/** The padding of a wire whose chunks may end with `,"<field>":"…"}` (built once per wire, not per stream). */
export function paddedBy(field: string): Padding {
  const key = `,${JSON.stringify(field)}:`;
  return { field, key, trailing: new RegExp(escapeRegExp(key) + PLAIN_PAD.source) };
}

/**
 * Reads the content chunks of a stream without parsing them, once it has learnt their shape from
 * a parsed one. A server writes every content chunk of a stream alike: only the text differs
 * (OpenAI: `{"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"…"},"finish_reason":null}],"usage":null}`,
 * with a random `"obfuscation"` padding last, which nobody reads; Anthropic:
 * `event: content_block_delta` + `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"…"}}`).
 *
 * A shape is a parsed chunk's SSE event name and data, the data cut around the JSON string
 * literal of its one text piece (prefix + literal + suffix). A chunk of the same event name whose
 * data is that prefix, any valid JSON string literal and that suffix has the same JSON structure,
 * so it reads exactly as the learnt chunk with that one string changed: its text is the literal's
 * value, its model the learnt one, and it carries no usage, finish reason or error (a shape is
 * only kept when the chunk it came from carried none). Anything else (the first chunks, the finish
 * and usage chunks, an error, a chunk with other fields) does not match and is parsed as before.
 *
 * The cut is verified once, by parsing the data with a probe literal in the slot: the probe must
 * read as the whole text and nothing else, and the slot must be a value (not a key). A shape is
 * exact, not a guess: a false match is not possible, a miss only costs the parse it would have
 * cost anyway. A chunk read by its shape can still give its JSON to a later reader (the response
 * cache's fold) without a parse: the probe's JSON with the slot (and padding) set (`Shape.jsonOf`).
 *
 * The wire's reader must read a chunk's JSON (and event name) into its state only, and a text
 * field only as text (its value no switch). Anthropic's reader also keeps the raw usage, which
 * only chunks that add no text change.
 */
export class ChunkShape {
  private shape: Shape | undefined;
  private probes = 0;

  /** `learn: false` never learns a shape, so every event is parsed: the reference that reading by shape must equal (tests). */
  constructor(
    private readonly wire: ChunkWire,
    private readonly options: { learn: boolean } = { learn: true },
  ) {}

  /**
   * Reads one event into `state`: by the learnt shape when it has it (undefined is returned: no
   * JSON was made), else with `read`, the wire's parsing reader (given `context`: no closure per
   * stream), learning a shape from the chunk when its reading added one text piece and nothing
   * else. Returns what `read` returned; throws as it throws.
   */
  readEvent<C>(event: SseEvent, state: StreamState, read: (event: SseEvent, context: C) => Record<string, unknown> | undefined, context: C): Record<string, unknown> | undefined {
    if (this.readByShape(event, state) === undefined) return this.readParsed(event, state, read, context);
    const shape = this.shape!;
    if (shape.path !== undefined) setEventJsonSource(event, shape);
    return undefined;
  }

  /**
   * As `readEvent`, but a chunk read by its shape also gives its JSON (what a translating reader
   * builds its own events from): the learnt probe's JSON with the slot set, built without a parse
   * (parsed when the slot's path is not known), and kept on the event for later readers
   * (`eventJson`). Returns what a parse would have returned: `read`'s result, or that JSON.
   */
  readEventJson<C>(event: SseEvent, state: StreamState, read: (event: SseEvent, context: C) => Record<string, unknown> | undefined, context: C): Record<string, unknown> | undefined {
    const text = this.readByShape(event, state);
    if (text === undefined) return this.readParsed(event, state, read, context);
    const shape = this.shape!;
    if (shape.path === undefined) return parseEventData(event);
    const json = shape.build(event, text);
    setEventJson(event, json);
    return json;
  }

  /** Reads an event with `read` (a parse), learning a shape from it when its reading added one text piece and nothing else. */
  private readParsed<C>(event: SseEvent, state: StreamState, read: (event: SseEvent, context: C) => Record<string, unknown> | undefined, context: C): Record<string, unknown> | undefined {
    // Counted, not sliced off the text: a slice would flatten the whole text at every parsed chunk.
    const pieces = state.pieces;
    const chunk = read(event, context);
    if (chunk && state.pieces === pieces + 1 && this.options.learn) this.learn(event, chunk, state.lastPiece);
    return chunk;
  }

  /** Reads an event that has the learnt shape (`this.shape`) into the state (its text, the shape's model) and returns its text; undefined when it does not match. */
  private readByShape(event: SseEvent, state: StreamState): string | undefined {
    const shape = this.shape;
    if (shape === undefined || event.event !== shape.event) return undefined;
    const text = shape.textOf(event.data);
    if (text === undefined) return undefined;
    if (shape.model !== undefined) state.servedModel = shape.model;
    state.addText(text);
    return text;
  }

  /**
   * Learns the shape of a chunk just parsed (`chunk`, its JSON) whose reading added one piece,
   * `piece`, to the text, when it is a plain content chunk (no usage, finish reason or error).
   */
  private learn(event: SseEvent, chunk: Record<string, unknown>, piece: string): void {
    // (A piece that is the probe's own text could not tell the slot from the probe.)
    if (piece === '' || piece === PROBE_TEXT || this.probes >= MAX_PROBES || !this.wire.learnable(chunk)) return;
    const { data } = event;
    const literal = JSON.stringify(piece);
    const at = data.indexOf(literal);
    // Not written as JSON.stringify writes it (other escapes), or written twice: no cut to make.
    if (at === -1 || data.indexOf(literal, at + 1) !== -1) return;
    const prefix = data.slice(0, at);
    let suffix = data.slice(at + literal.length);
    // A key (followed by a colon) is no text slot: renaming it could change what is read.
    if (KEY_NEXT.test(suffix)) return;
    const { padding } = this.wire;
    const pad = padding?.trailing.exec(suffix) ?? null;
    if (pad) suffix = suffix.slice(0, pad.index);
    this.probes += 1;
    let read: ReturnType<ChunkWire['readFresh']>;
    try {
      read = this.wire.readFresh({ event: event.event, data: prefix + PROBE_LITERAL + suffix + (pad ? `${padding!.key}"${PROBE_PAD}"}` : ''), raw: '' });
    } catch {
      return;
    }
    const { chunk: probed, state: probe } = read;
    // Checked again on the probe's JSON: the shape is that of every chunk with any text in the slot.
    if (!probed || probe.text !== PROBE_TEXT || probe.usage !== undefined || probe.finishReason !== undefined || !this.wire.learnable(probed)) return;
    // The padding is the top-level field (which the reader does not read), not a field of the same name deeper in.
    if (pad && probed[padding!.field] !== PROBE_PAD) return;
    this.shape = new Shape(event.event, prefix, suffix, pad ? padding : undefined, probe.servedModel, probed, slotPath(probed));
  }
}

/** One learnt shape (immutable: a chunk read by it can give its JSON later, whatever is learnt after). */
class Shape implements EventJsonSource {
  constructor(
    /** The SSE event name the chunks carry. */
    readonly event: string | undefined,
    readonly prefix: string,
    readonly suffix: string,
    /** The chunks end with `<key>"…"}` (random padding, different in every chunk, read by nobody). */
    readonly padding: Padding | undefined,
    readonly model: string | undefined,
    /** The probe's JSON: every chunk of the shape is this with the slot (and padding) set. */
    readonly probe: Record<string, unknown>,
    /** Where the slot's string is in that JSON (undefined: not found once and only once, the JSON is parsed). */
    readonly path: Array<string | number> | undefined,
  ) {}

  /** The text of data of this shape; undefined when it is not of this shape. */
  textOf(data: string): string | undefined {
    const { prefix, suffix, padding } = this;
    let stop = data.length;
    if (padding !== undefined) {
      const open = padOpen(data, padding.key);
      if (open === -1) return undefined;
      stop = open - padding.key.length;
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
    const text = this.textOf(event.data);
    if (this.path === undefined || text === undefined) return undefined;
    return this.build(event, text);
  }

  /** The JSON of an event of this shape whose slot reads `text`, the slot's path known: the probe's, copied along the path, with the slot and padding set. */
  build(event: SseEvent, text: string): Record<string, unknown> {
    const path = this.path!;
    const { padding } = this;
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
    if (padding !== undefined) top[padding.field] = event.data.slice(padOpen(event.data, padding.key) + 1, -2);
    return top;
  }
}

/**
 * Where `<key>"<padding>"}` starts to end the data: the index of the padding's opening quote, the
 * padding a plain literal (no escapes); -1 when the data does not end so.
 */
function padOpen(data: string, padKey: string): number {
  const length = data.length;
  if (data.charCodeAt(length - 1) !== CLOSE_BRACE || data.charCodeAt(length - 2) !== QUOTE) return -1;
  let open = length - 3;
  for (; open >= 0; open -= 1) {
    const code = data.charCodeAt(open);
    if (code === QUOTE) break;
    if (code === BACKSLASH || code < 32) return -1;
  }
  const key = open - padKey.length;
  return key >= 0 && data.slice(key, open) === padKey ? open : -1;
}

/**
 * Where the probe's text is in the probe's JSON: the one value that holds it (the reading was the
 * probe's text and nothing else, and the slot is a value, so the slot holds it); undefined when
 * some other value holds it too.
 */
function slotPath(chunk: Record<string, unknown>): Array<string | number> | undefined {
  const found: Array<Array<string | number>> = [];
  findText(chunk, [], found);
  return found.length === 1 ? found[0] : undefined;
}

/** Collects the paths of the values under `node` that are the probe's text (stops at two); `path` is `node`'s, restored on return. */
function findText(node: unknown, path: Array<string | number>, found: Array<Array<string | number>>): void {
  if (node === PROBE_TEXT) {
    found.push(path.slice());
  } else if (Array.isArray(node)) {
    for (let index = 0; index < node.length && found.length < 2; index += 1) {
      path.push(index);
      findText(node[index], path, found);
      path.pop();
    }
  } else if (typeof node === 'object' && node !== null) {
    for (const key of Object.keys(node)) {
      if (found.length > 1) return;
      path.push(key);
      findText((node as Record<string, unknown>)[key], path, found);
      path.pop();
    }
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
