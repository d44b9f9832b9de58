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
    inbound = read(body, operation);
    readings.set(body, inbound);
  }
  return inbound;
}

function read(body: Record<string, unknown>, operation: string): Inbound {
  const model = Object.hasOwn(body, 'model') && typeof body.model === 'string' ? body.model : '';
  const stream = body.stream === true && operation !== 'embedding';
  const options = Object.hasOwn(body, 'stream_options') ? body.stream_options : undefined;
  const streamUsage = typeof options === 'object' && options !== null && (options as { include_usage?: unknown }).include_usage === true;
  let text: string | undefined;
  return Object.freeze({
    model,
    stream,
    streamUsage,
    get lastUserText() {
      text ??= lastUserText(body);
      return text;
    },
  });
}
