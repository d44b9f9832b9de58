import { lastUserText } from './prompt-text.ts';
import type { Operation } from './request.ts';

/**
 * What every stage reads off a client's request body, derived once with one coercion each: the
 * model name, whether it streams, whether a streaming client wants the usage chunk, and the last
 * user text (computed on first use). Stages call `inboundOf(request)` instead of reading the body.
 *
 * Memoised per body object: a stage that changes the request replaces its body (an experiment arm
 * swaps the model, a key's caps fill in max_tokens; nothing edits a body in place), so the next
 * reading is of the new body, and the old one's is dropped with it.
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
}

const readings = new WeakMap<object, Inbound>();

export function inboundOf(request: { readonly body: Record<string, unknown>; readonly operation: Operation | string }): Inbound {
  const { body, operation } = request;
  let inbound = readings.get(body);
  if (!inbound) {
    inbound = new Reading(body, operation);
    readings.set(body, inbound);
  }
  return inbound;
}

/**
 * A class, not an object literal with a getter: one shape and one prototype getter for every
 * request instead of a fresh closure and accessor per reading (this runs on every request).
 * Frozen; the lazily read text lives in private fields, which freezing does not cover.
 */
class Reading implements Inbound {
  readonly model: string;
  readonly stream: boolean;
  readonly streamUsage: boolean;
  readonly #body: Record<string, unknown>;
  #text: string | undefined;

  constructor(body: Record<string, unknown>, operation: string) {
    this.model = Object.hasOwn(body, 'model') && typeof body.model === 'string' ? body.model : '';
    this.stream = body.stream === true && operation !== 'embedding';
    const options = Object.hasOwn(body, 'stream_options') ? body.stream_options : undefined;
    this.streamUsage = typeof options === 'object' && options !== null && (options as { include_usage?: unknown }).include_usage === true;
    this.#body = body;
    Object.freeze(this);
  }

  get lastUserText(): string {
    this.#text ??= lastUserText(this.#body);
    return this.#text;
  }
}
