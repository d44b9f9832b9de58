import type { WireFormat } from '../domain/request.ts';
import { answerIdCore, type NeutralAnswer, type NeutralBlock, type NeutralFinish } from '../domain/neutral-answer.ts';
import type { Usage } from '../domain/usage.ts';
import { asRecord } from '../providers/read-fields.ts';

/**
 * A complete upstream answer (a chat completion or a Messages response, in the wire the upstream
 * spoke) in the neutral form, or undefined when it holds something the neutral form cannot carry
 * (several choices, logprobs, audio, refusals, annotations or citations, server-side tool blocks,
 * an unknown finish reason): such an answer is cached in its client's wire only. Pure.
 */
export function neutralFromJson(wire: WireFormat, body: unknown, usage: Usage): NeutralAnswer | undefined {
  const record = asRecord(body);
  if (!record) return undefined;
  return wire === 'anthropic' ? fromAnthropic(record, usage) : fromOpenAi(record, usage);
}

/** OpenAI `finish_reason` in neutral words (undefined: unknown, not cached neutrally). */
export function finishFromOpenAi(reason: unknown): NeutralFinish | undefined {
  switch (reason) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
    default:
      return undefined;
  }
}

/** Anthropic `stop_reason` in neutral words (undefined: unknown, not cached neutrally). */
export function finishFromAnthropic(reason: unknown): NeutralFinish | undefined {
  switch (reason) {
    case 'end_turn':
      return 'stop';
    case 'stop_sequence':
      return 'stop_sequence';
    case 'max_tokens':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    case 'pause_turn':
      return 'pause_turn';
    case 'model_context_window_exceeded':
      return 'context_window';
    default:
      return undefined;
  }
}

/** Message fields the neutral form carries, or that are empty when present (anything else non-empty makes the answer wire-only). */
const OPENAI_MESSAGE_FIELDS = new Set(['role', 'content', 'tool_calls', 'reasoning_content', 'reasoning', 'refusal', 'annotations', 'audio', 'function_call']);

function fromOpenAi(body: Record<string, unknown>, usage: Usage): NeutralAnswer | undefined {
  if (body.object !== 'chat.completion' || !Array.isArray(body.choices) || body.choices.length !== 1) return undefined;
  const choice = asRecord(body.choices[0]);
  const message = asRecord(choice?.message);
  const finish = finishFromOpenAi(choice?.finish_reason);
  if (!choice || !message || !finish || !isEmpty(choice.logprobs)) return undefined;
  for (const [field, value] of Object.entries(message)) if (!OPENAI_MESSAGE_FIELDS.has(field) && !isEmpty(value)) return undefined;
  if (!isEmpty(message.refusal) || !isEmpty(message.annotations) || !isEmpty(message.audio) || !isEmpty(message.function_call)) return undefined;
  const content: NeutralBlock[] = [];
  const reasoning = message.reasoning_content ?? message.reasoning;
  if (typeof reasoning === 'string' && reasoning) content.push({ type: 'reasoning', text: reasoning });
  if (typeof message.content === 'string') {
    if (message.content) content.push({ type: 'text', text: message.content });
  } else if (!isEmpty(message.content)) return undefined;
  for (const raw of Array.isArray(message.tool_calls) ? message.tool_calls : []) {
    const call = asRecord(raw);
    const fn = asRecord(call?.function);
    if (!call || call.type !== 'function' || typeof call.id !== 'string' || typeof fn?.name !== 'string' || typeof fn.arguments !== 'string') return undefined;
    content.push({ type: 'tool_call', id: call.id, name: fn.name, arguments: fn.arguments });
  }
  return { id: answerIdCore(body.id), model: typeof body.model === 'string' ? body.model : '', content, finish, stopSequence: null, usage };
}

function fromAnthropic(body: Record<string, unknown>, usage: Usage): NeutralAnswer | undefined {
  const finish = finishFromAnthropic(body.stop_reason);
  if (body.type !== 'message' || !Array.isArray(body.content) || !finish || !isEmpty(body.container)) return undefined;
  const content: NeutralBlock[] = [];
  for (const raw of body.content) {
    const block = asRecord(raw);
    if (block?.type === 'text' && typeof block.text === 'string' && isEmpty(block.citations)) content.push({ type: 'text', text: block.text });
    else if (block?.type === 'thinking' && typeof block.thinking === 'string') {
      content.push({ type: 'reasoning', text: block.thinking, ...(typeof block.signature === 'string' && block.signature ? { signature: block.signature } : {}) });
    } else if (block?.type === 'redacted_thinking' && typeof block.data === 'string') content.push({ type: 'redacted_reasoning', data: block.data });
    else if (block?.type === 'tool_use' && typeof block.id === 'string' && typeof block.name === 'string') {
      content.push({ type: 'tool_call', id: block.id, name: block.name, arguments: JSON.stringify(block.input ?? {}) });
    } else return undefined;
  }
  const stopSequence = typeof body.stop_sequence === 'string' ? body.stop_sequence : null;
  return { id: answerIdCore(body.id), model: typeof body.model === 'string' ? body.model : '', content, finish, stopSequence, usage };
}

/** Absent, null, an empty string or an empty array. */
function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}
