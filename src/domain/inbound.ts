import { estimateInputTokens } from './estimate.ts';
import { lastUserText } from './prompt-text.ts';
import type { Operation } from './request.ts';

/**
 * What every stage reads off a client's request body, derived once with one coercion each: the
 * model name, whether it streams, whether a streaming client wants the usage chunk, the last
 * user text and the estimated input tokens (both computed on first use). Stages call
 * `inboundOf(request)` instead of reading the body; nothing is written onto the request.
 *
 * Memoised per body object: a stage that changes the request replaces its body (an experiment arm
 * swaps the model, a key's caps fill in max_tokens; nothing edits a body in place), so the next
 * reading is of the new body, and the old one's is dropped with it. `replaceBody` carries what
 * was already read over when the replacement leaves the prompt as it was (the same objects).
 */
export interface Inbound {
  /** The model (or alias or route) asked for; '' when missing or not a string. */
  readonly model: string;
  /** A streamed answer was asked for (never for embeddings). */
  readonly stream: boolean;
  /** A streaming OpenAI client set `stream_options.include_usage`. */
  readonly streamUsage: boolean;
  /** The last user turn's text (or a completions prompt); '' when none. */
  readonly lastUserText: string;
  /** Estimated input tokens (o200k, see `estimate.ts`), counted on first read, once per request. */
  readonly inputTokens: number;
  /** The estimate if some stage has already counted it, without counting. */
  readonly countedInputTokens: number | undefined;
  /**
   * A bound the estimate cannot exceed, without tokenising: the estimate itself once counted, else
   * three per character of the body's JSON text (see `boundFromSource`); undefined when neither
   * is known (a body not parsed from a remembered text, or whose prompt a stage replaced).
   */
  readonly inputTokensAtMost: number | undefined;
}

type Readable = { readonly body: Record<string, unknown>; readonly operation: Operation | string };

const readings = new WeakMap<object, Reading>();
/** A parsed body's JSON text length in UTF-16 units (`string.length`), set where the body is parsed. */
const sourceLengths = new WeakMap<object, number>();

/**
 * Remembers the length (`text.length`, UTF-16 code units) of the JSON text `body` was parsed
 * from, for `inputTokensAtMost`. Called where the request body is parsed; the body must not be
 * edited afterwards (stages replace it, see `replaceBody`).
 */
export function rememberSourceLength(body: object, length: number): void {
  sourceLengths.set(body, length);
}

/**
 * An upper bound on `estimateInputTokens(body)` from the length L (UTF-16 units) of the JSON text
 * it was parsed from: 3 L, plus 3 per unit of `JSON.stringify(body.tools)` when tools are sent.
 * Why it holds: an o200k token covers at least one UTF-8 byte (the sampled count of a long text
 * scales a per-window count that obeys the same), and a UTF-16 unit is at most 3 UTF-8 bytes (a
 * BMP character at most 3, a surrogate pair 4 for 2 units, a lone surrogate is encoded as U+FFFD,
 * 3), so a counted text costs at most 3 tokens per unit. Each counted string's units each come from
 * at least one unit of its literal in the source (a raw character is itself; an escape is 2 or 6
 * units for one), and the literal's two quotes (6 tokens' worth) pay for the newline joining it to
 * the next part (1 byte). Every string is one literal (a parsed JSON tree shares nothing and the
 * estimate visits each value once). The per-message overhead (4 a message, 3 a list) is paid by
 * the list's own characters: `"messages":[` and `]`, a comma between elements, and each element's
 * at least one character not otherwise spent (its braces, quotes, or the bare value). The tools are
 * counted from their re-serialisation, which may be longer than their source (`1e20` becomes 21
 * digits), so they are bounded by that text's own length instead (3 per unit, the same argument).
 */
function boundFromSource(body: Record<string, unknown>, sourceLength: number): number {
  return 3 * sourceLength + (body.tools === undefined ? 0 : 3 * (JSON.stringify(body.tools) ?? '').length);
}

export function inboundOf(request: Readable): Inbound {
  const { body, operation } = request;
  let inbound = readings.get(body);
  if (!inbound) {
    inbound = new Reading(body, operation);
    readings.set(body, inbound);
  }
  return inbound;
}

/** The body fields the prompt text and the token estimate are read from. */
const PROMPT_FIELDS = ['messages', 'system', 'prompt', 'input', 'tools'] as const;

/**
 * Replaces a request's body (the pipeline's own state). When the new body holds the same prompt
 * (the same objects in every field the estimate and the prompt text read: a model swapped, a cap
 * filled in), what was already derived from the prompt is carried over instead of derived again.
 */
export function replaceBody(request: { body: Record<string, unknown>; readonly operation: Operation | string }, body: Record<string, unknown>): void {
  // A parsed body not read yet still has its source length to carry over: read it (cheap) first.
  const before = readings.get(request.body) ?? (sourceLengths.has(request.body) ? (inboundOf(request) as Reading) : undefined);
  request.body = body;
  if (!before || body === before.body || readings.has(body)) return;
  for (const field of PROMPT_FIELDS) if (body[field] !== before.body[field]) return;
  readings.set(body, new Reading(body, request.operation, before));
}

/**
 * A class, not an object literal with a getter: one shape and one prototype getter for every
 * request instead of a fresh closure and accessor per reading (this runs on every request).
 * Frozen; the lazily read text and count live in private fields, which freezing does not cover.
 */
class Reading implements Inbound {
  readonly model: string;
  readonly stream: boolean;
  readonly streamUsage: boolean;
  readonly #body: Record<string, unknown>;
  #text: string | undefined;
  #tokens: number | undefined;
  /** The source text's length (own body's, or carried over with the same prompt); -1 until looked up (only when needed). */
  #sourceLength: number | undefined = -1;
  #atMost: number | undefined;

  constructor(body: Record<string, unknown>, operation: string, samePrompt?: Reading) {
    this.model = Object.hasOwn(body, 'model') && typeof body.model === 'string' ? body.model : '';
    this.stream = body.stream === true && operation !== 'embedding';
    const options = Object.hasOwn(body, 'stream_options') ? body.stream_options : undefined;
    this.streamUsage = typeof options === 'object' && options !== null && (options as { include_usage?: unknown }).include_usage === true;
    this.#body = body;
    if (samePrompt) {
      this.#text = samePrompt.#text;
      this.#tokens = samePrompt.#tokens;
      this.#sourceLength = samePrompt.#source();
      this.#atMost = samePrompt.#atMost;
    }
    Object.freeze(this);
  }

  get body(): Record<string, unknown> {
    return this.#body;
  }

  get lastUserText(): string {
    this.#text ??= lastUserText(this.#body);
    return this.#text;
  }

  get inputTokens(): number {
    this.#tokens ??= estimateInputTokens(this.#body);
    return this.#tokens;
  }

  get countedInputTokens(): number | undefined {
    return this.#tokens;
  }

  get inputTokensAtMost(): number | undefined {
    if (this.#tokens !== undefined) return this.#tokens;
    const sourceLength = this.#source();
    if (sourceLength === undefined) return undefined;
    this.#atMost ??= boundFromSource(this.#body, sourceLength);
    return this.#atMost;
  }

  #source(): number | undefined {
    if (this.#sourceLength === -1) this.#sourceLength = sourceLengths.get(this.#body);
    return this.#sourceLength;
  }
}
