import { openAiFinishReason, type Answer } from './answer.ts';
import { splitIntoChunks } from './content.ts';
import type { EndpointContext } from './endpoint.ts';
import { renderStreamError } from './errors.ts';
import { asRecord } from './read.ts';
import { sseEvent, streamTiming, writeStream, type SseFrame } from './sse.ts';
import type { MockDirective } from './types.ts';
import { toOpenAiChatUsage } from './usage.ts';

/** True when the client asked for the final usage chunk (`stream_options.include_usage`). */
export function wantsStreamUsage(body: Record<string, unknown>, directive: MockDirective): boolean {
  return asRecord(body.stream_options)?.include_usage === true && !directive.noUsage;
}

/**
 * Streams a chat completion like OpenAI: a role chunk, content (or tool-argument) chunks, a
 * chunk with `finish_reason`, then, with `include_usage`, a chunk with `choices: []` and `usage`
 * (every earlier chunk then carries `usage: null`), then `data: [DONE]`.
 */
export function writeOpenAiChatStream(context: EndpointContext, answer: Answer): Promise<void> {
  const { body, directive } = context;
  const withUsage = wantsStreamUsage(body, directive);
  const created = Math.floor(Date.now() / 1000);
  const id = `chatcmpl-mock${context.idSuffix}`;
  const chunk = (choices: unknown[], usage?: unknown): string => {
    const value: Record<string, unknown> = { id, object: 'chat.completion.chunk', created, model: body.model, system_fingerprint: 'fp_mock', choices };
    if (withUsage) value.usage = usage ?? null;
    return sseEvent(JSON.stringify(value));
  };
  const choice = (delta: unknown, finishReason: string | null = null): unknown => ({ index: 0, delta, logprobs: null, finish_reason: finishReason });

  const frames: SseFrame[] = [];
  const call = answer.toolCall;
  if (call) {
    const callId = `call_mock${context.nextId()}`;
    const first = { role: 'assistant', content: null, tool_calls: [{ index: 0, id: callId, type: 'function', function: { name: call.name, arguments: '' } }] };
    frames.push({ text: chunk([choice(first)]), kind: 'head', wait: 'ttft' });
    splitIntoChunks(call.argumentsJson, directive.chunks ?? 3).forEach((piece, index) => {
      const delta = { tool_calls: [{ index: 0, function: { arguments: piece } }] };
      frames.push({ text: chunk([choice(delta)]), kind: 'delta', wait: index === 0 ? 'none' : 'chunk' });
    });
  } else {
    frames.push({ text: chunk([choice({ role: 'assistant', content: '', refusal: null })]), kind: 'head', wait: 'ttft' });
    splitIntoChunks(answer.text, directive.chunks).forEach((piece, index) => {
      frames.push({ text: chunk([choice({ content: piece })]), kind: 'delta', wait: index === 0 ? 'none' : 'chunk' });
    });
  }
  frames.push({ text: chunk([choice({}, openAiFinishReason(answer.stop))]), kind: 'tail', wait: 'chunk' });
  if (withUsage) frames.push({ text: chunk([], toOpenAiChatUsage(answer.usage)), kind: 'tail', wait: 'none' });
  frames.push({ text: 'data: [DONE]\n\n', kind: 'tail', wait: 'none' });

  return writeStream(context.response, {
    wire: 'openai',
    requestId: context.requestId,
    frames,
    ...streamTiming(directive),
    errorFrame: renderStreamError('openai', context.requestId, directive.streamErrorMessage),
  });
}
