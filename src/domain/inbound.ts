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
}

type Readable = { readonly body: Record<string, unknown>; readonly operation: Operation | string };

const readings = new WeakMap<object, Reading>();

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
  const before = readings.get(request.body);
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

  constructor(body: Record<string, unknown>, operation: string, samePrompt?: Reading) {
    this.model = Object.hasOwn(body, 'model') && typeof body.model === 'string' ? body.model : '';
    this.stream = body.stream === true && operation !== 'embedding';
    const options = Object.hasOwn(body, 'stream_options') ? body.stream_options : undefined;
    this.streamUsage = typeof options === 'object' && options !== null && (options as { include_usage?: unknown }).include_usage === true;
    this.#body = body;
    if (samePrompt) {
      this.#text = samePrompt.#text;
      this.#tokens = samePrompt.#tokens;
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
}
