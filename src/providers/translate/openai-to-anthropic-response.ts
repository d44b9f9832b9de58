import type { Usage } from '../../domain/usage.ts';
import { asRecord } from '../read-fields.ts';
import { toAnthropicStopReason } from './finish-reasons.ts';
import { anthropicUsageOf } from './usage-shapes.ts';

/** An OpenAI chat completion as an Anthropic Messages response. */
export function openAiToAnthropicResponse(body: Record<string, unknown>, usage: Usage | undefined): Record<string, unknown> {
  const choice = asRecord(Array.isArray(body.choices) ? body.choices[0] : undefined);
  const message = asRecord(choice?.message);
  const content: Record<string, unknown>[] = [];
  const reasoning = message?.reasoning_content ?? message?.reasoning;
  if (typeof reasoning === 'string' && reasoning) content.push({ type: 'thinking', thinking: reasoning, signature: '' });
  if (typeof message?.content === 'string' && message.content) content.push({ type: 'text', text: message.content });
  for (const raw of Array.isArray(message?.tool_calls) ? message.tool_calls : []) {
    const call = asRecord(raw);
    const fn = asRecord(call?.function);
    if (call && fn) content.push({ type: 'tool_use', id: call.id, name: fn.name, input: parseJsonObject(fn.arguments) });
  }
  return {
    id: `msg_${String(body.id ?? '').replace(/^chatcmpl-/, '')}`,
    type: 'message',
    role: 'assistant',
    model: body.model,
    content,
    stop_reason: toAnthropicStopReason(choice?.finish_reason),
    stop_sequence: null,
    usage: usage ? anthropicUsageOf(usage) : { input_tokens: 0, output_tokens: 0 },
  };
}

export function parseJsonObject(value: unknown): unknown {
  if (typeof value !== 'string') return value ?? {};
  try {
    return JSON.parse(value || '{}');
  } catch {
    return {};
  }
}
