import { anthropicStopReason, type Answer } from './answer.ts';
import { splitIntoChunks } from './content.ts';
import type { EndpointContext } from './endpoint.ts';
import { renderStreamError } from './errors.ts';
import { sseEvent, streamTiming, writeStream, type SseFrame } from './sse.ts';
import { toAnthropicDeltaUsage, toAnthropicStartUsage } from './usage.ts';

function event(type: string, value: Record<string, unknown>): string {
  return sseEvent(JSON.stringify({ type, ...value }), type);
}

/**
 * Streams a message like Anthropic: `message_start` (input usage final, output usage 1), `ping`,
 * `content_block_start`, `content_block_delta` (`text_delta`, or `input_json_delta` for a tool
 * call), `content_block_stop`, `message_delta` (`stop_reason` and cumulative usage), `message_stop`.
 */
export function writeAnthropicStream(context: EndpointContext, answer: Answer): Promise<void> {
  const { body, directive } = context;
  const message: Record<string, unknown> = {
    id: `msg_mock${context.idSuffix}`,
    type: 'message',
    role: 'assistant',
    model: body.model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
  };
  if (!directive.noUsage) message.usage = toAnthropicStartUsage(answer.usage);
  const frames: SseFrame[] = [
    { text: event('message_start', { message }), kind: 'head', wait: 'none' },
    { text: event('ping', {}), kind: 'head', wait: 'none' },
  ];
  const call = answer.toolCall;
  const block = call ? { type: 'tool_use', id: `toolu_mock${context.nextId()}`, name: call.name, input: {} } : { type: 'text', text: '' };
  frames.push({ text: event('content_block_start', { index: 0, content_block: block }), kind: 'head', wait: 'ttft' });
  const pieces = call ? splitIntoChunks(call.argumentsJson, directive.chunks ?? 3) : splitIntoChunks(answer.text, directive.chunks);
  pieces.forEach((piece, index) => {
    const delta = call ? { type: 'input_json_delta', partial_json: piece } : { type: 'text_delta', text: piece };
    frames.push({ text: event('content_block_delta', { index: 0, delta }), kind: 'delta', wait: index === 0 ? 'none' : 'chunk' });
  });
  frames.push({ text: event('content_block_stop', { index: 0 }), kind: 'tail', wait: 'chunk' });
  const messageDelta: Record<string, unknown> = { delta: { stop_reason: anthropicStopReason(answer.stop), stop_sequence: null } };
  if (!directive.noUsage) messageDelta.usage = toAnthropicDeltaUsage(answer.usage);
  frames.push({ text: event('message_delta', messageDelta), kind: 'tail', wait: 'none' });
  frames.push({ text: event('message_stop', {}), kind: 'tail', wait: 'none' });
  return writeStream(context.response, {
    wire: 'anthropic',
    requestId: context.requestId,
    frames,
    ...streamTiming(directive),
    errorFrame: renderStreamError('anthropic', context.requestId, directive.streamErrorMessage),
  });
}
