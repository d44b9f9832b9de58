import type { Usage } from '../../domain/usage.ts';
import { asRecord } from '../read-fields.ts';
import { toOpenAiFinishReason } from './finish-reasons.ts';
import { openAiUsageOf } from './usage-shapes.ts';

/** An Anthropic Messages response as an OpenAI chat completion. */
export function anthropicToOpenAiResponse(body: Record<string, unknown>, usage: Usage | undefined, nowMs: number): Record<string, unknown> {
  const text: string[] = [];
  const reasoning: string[] = [];
  const toolCalls: unknown[] = [];
  for (const raw of Array.isArray(body.content) ? body.content : []) {
    const block = asRecord(raw);
    if (block?.type === 'text') text.push(String(block.text ?? ''));
    else if (block?.type === 'thinking') reasoning.push(String(block.thinking ?? ''));
    else if (block?.type === 'tool_use') {
      toolCalls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } });
    }
  }
  const message: Record<string, unknown> = { role: 'assistant', content: text.length ? text.join('') : null, refusal: null };
  if (reasoning.length) message.reasoning_content = reasoning.join('');
  if (toolCalls.length) message.tool_calls = toolCalls;
  return {
    id: `chatcmpl-${String(body.id ?? '')}`,
    object: 'chat.completion',
    created: Math.floor(nowMs / 1000),
    model: body.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: toOpenAiFinishReason(body.stop_reason) }],
    ...(usage && { usage: openAiUsageOf(usage) }),
  };
}
