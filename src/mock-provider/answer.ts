import { defaultAnswer, truncateToTokens } from './content.ts';
import { tokensOf } from './read.ts';
import type { ChosenToolCall } from './tools.ts';
import type { MockDirective } from './types.ts';
import { resolveUsage, type ResolvedUsage } from './usage.ts';

/** A provider-neutral answer, rendered by each wire format's JSON or stream writer. */
export interface Answer {
  text: string;
  toolCall?: ChosenToolCall & { argumentsJson: string };
  usage: ResolvedUsage;
  /** Why generation stopped: the wire formats name these `stop`/`end_turn`, `length`/`max_tokens`, `tool_calls`/`tool_use`. */
  stop: 'end' | 'length' | 'tool';
}

/** What `planAnswer` needs from a request of either wire format. */
export interface AnswerInput {
  /** Text of the last user message. */
  prompt: string;
  /** Characters of all prompt text (messages, system, tool definitions). */
  inputCharacters: number;
  toolCall: ChosenToolCall | undefined;
  directive: MockDirective;
  /** The request's output limit, if any. */
  maxTokens: number | undefined;
}

/**
 * The deterministic answer to a request: the directive's text or `Mock answer to: …`, or a tool
 * call; usage from the text sizes (4 characters a token) unless the directive dictates it.
 * A computed answer longer than `max_tokens` is cut and stops for `length`, like the real APIs.
 */
export function planAnswer(input: AnswerInput): Answer {
  const { directive, toolCall } = input;
  const computedInput = tokensOf(input.inputCharacters);
  if (toolCall) {
    const argumentsJson = JSON.stringify(toolCall.arguments);
    const output = Math.max(1, tokensOf(toolCall.name.length + argumentsJson.length));
    return { text: '', toolCall: { ...toolCall, argumentsJson }, usage: resolveUsage({ input: computedInput, output }, directive.usage), stop: 'tool' };
  }
  let text = directive.text ?? defaultAnswer(input.prompt);
  let output = tokensOf(text.length);
  let stop: Answer['stop'] = 'end';
  if (input.maxTokens !== undefined && directive.usage?.output === undefined && output > input.maxTokens) {
    text = truncateToTokens(text, input.maxTokens);
    output = input.maxTokens;
    stop = 'length';
  }
  return { text, usage: resolveUsage({ input: computedInput, output }, directive.usage), stop };
}

/** OpenAI's `finish_reason` for an answer. */
export function openAiFinishReason(stop: Answer['stop']): string {
  return stop === 'tool' ? 'tool_calls' : stop === 'length' ? 'length' : 'stop';
}

/** Anthropic's `stop_reason` for an answer. */
export function anthropicStopReason(stop: Answer['stop']): string {
  return stop === 'tool' ? 'tool_use' : stop === 'length' ? 'max_tokens' : 'end_turn';
}
