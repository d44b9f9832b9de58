import type { Usage } from './usage.ts';

/**
 * Why an answer ended, in neither wire's words: each wire's own name is rendered on the way out
 * (`stop` is OpenAI `stop` / Anthropic `end_turn`, `length` is `length` / `max_tokens`, …).
 * `stop_sequence`, `pause_turn` and `context_window` exist so an Anthropic answer comes back to an
 * Anthropic client as it was; OpenAI clients see them as `stop`, `stop` and `length`.
 */
export type NeutralFinish = 'stop' | 'stop_sequence' | 'length' | 'tool_calls' | 'content_filter' | 'pause_turn' | 'context_window';

/** One part of an assistant answer, in the order the model produced it. */
export type NeutralBlock =
  | { type: 'text'; text: string }
  /** Reasoning shown to the client (OpenAI-compatible `reasoning_content`, Anthropic `thinking` with its signature). */
  | { type: 'reasoning'; text: string; signature?: string | undefined }
  /** Anthropic's encrypted reasoning: only an Anthropic client can use it; OpenAI clients never see it. */
  | { type: 'redacted_reasoning'; data: string }
  /** A tool call; `arguments` is the JSON text of the input (as OpenAI carries it; Anthropic's `input` is its parse). */
  | { type: 'tool_call'; id: string; name: string; arguments: string };

/**
 * An assistant answer in one form that either wire's JSON body or SSE stream is rendered from:
 * what the response cache keeps, so an answer one client paid for serves the other wire too.
 */
export interface NeutralAnswer {
  /** The upstream's answer id without its wire prefix (`chatcmpl-`, `msg_`): rendered as `chatcmpl-<id>` or `msg_<id>`. */
  id: string;
  /** The model the upstream says answered. */
  model: string;
  content: NeutralBlock[];
  finish: NeutralFinish;
  /** The stop sequence that ended the answer, when the upstream said which (Anthropic). */
  stopSequence: string | null;
  usage: Usage;
}

/** The answer id without a wire's prefix. */
export function answerIdCore(id: unknown): string {
  return typeof id === 'string' ? id.replace(/^(chatcmpl-|msg_)/, '') : '';
}
