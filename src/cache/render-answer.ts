import type { WireFormat } from '../domain/request.ts';
import type { NeutralAnswer, NeutralBlock, NeutralFinish } from '../domain/neutral-answer.ts';
import { sseFrame } from '../providers/stream-state.ts';
import { parseJsonObject } from '../providers/translate/openai-to-anthropic-response.ts';
import { anthropicUsageOf, openAiUsageOf } from '../providers/translate/usage-shapes.ts';

/**
 * A neutral answer as either wire's JSON body or SSE stream: what a cache hit sends, whichever
 * wire the answer was first given in. The streams are what the official SDKs accept (OpenAI chunks
 * ending in `[DONE]`, with the usage chunk only when the client asked; Anthropic's event sequence
 * with the usage in `message_start` and `message_delta`). Pure.
 */
export function renderAnswerJson(answer: NeutralAnswer, wire: WireFormat, createdAtMs: number): string {
  return JSON.stringify(wire === 'anthropic' ? anthropicMessage(answer) : openAiCompletion(answer, createdAtMs));
}

export function renderAnswerFrames(answer: NeutralAnswer, wire: WireFormat, createdAtMs: number, includeUsage: boolean): string[] {
  return wire === 'anthropic' ? anthropicFrames(answer) : openAiFrames(answer, createdAtMs, includeUsage);
}

export function openAiFinish(finish: NeutralFinish): string {
  if (finish === 'length' || finish === 'context_window') return 'length';
  if (finish === 'tool_calls' || finish === 'content_filter') return finish;
  return 'stop';
}

export function anthropicStopReason(finish: NeutralFinish): string {
  switch (finish) {
    case 'stop':
      return 'end_turn';
    case 'length':
      return 'max_tokens';
    case 'context_window':
      return 'model_context_window_exceeded';
    case 'tool_calls':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return finish;
  }
}

/** The visible text (OpenAI has one content string), the reasoning, and the tool calls of an answer. */
function parts(content: readonly NeutralBlock[]) {
  let text = '';
  let reasoning = '';
  let hasText = false;
  const toolCalls: Array<{ id: string; name: string; arguments: string }> = [];
  for (const block of content) {
    if (block.type === 'text') {
      text += block.text;
      hasText = true;
    } else if (block.type === 'reasoning') reasoning += block.text;
    else if (block.type === 'tool_call') toolCalls.push(block);
  }
  return { text: hasText ? text : null, reasoning, toolCalls };
}

function openAiCompletion(answer: NeutralAnswer, createdAtMs: number): Record<string, unknown> {
  const { text, reasoning, toolCalls } = parts(answer.content);
  const message: Record<string, unknown> = { role: 'assistant', content: text, refusal: null };
  if (reasoning) message.reasoning_content = reasoning;
  if (toolCalls.length) message.tool_calls = toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }));
  return {
    id: `chatcmpl-${answer.id}`,
    object: 'chat.completion',
    created: Math.floor(createdAtMs / 1000),
    model: answer.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: openAiFinish(answer.finish) }],
    usage: openAiUsageOf(answer.usage),
  };
}

function anthropicBlock(block: NeutralBlock): Record<string, unknown> {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: block.text };
    case 'reasoning':
      return { type: 'thinking', thinking: block.text, signature: block.signature ?? '' };
    case 'redacted_reasoning':
      return { type: 'redacted_thinking', data: block.data };
    case 'tool_call':
      return { type: 'tool_use', id: block.id, name: block.name, input: parseJsonObject(block.arguments) };
  }
}

function anthropicMessage(answer: NeutralAnswer): Record<string, unknown> {
  return {
    id: `msg_${answer.id}`,
    type: 'message',
    role: 'assistant',
    model: answer.model,
    content: answer.content.map(anthropicBlock),
    stop_reason: anthropicStopReason(answer.finish),
    stop_sequence: answer.finish === 'stop_sequence' ? answer.stopSequence : null,
    usage: anthropicUsageOf(answer.usage),
  };
}

function openAiFrames(answer: NeutralAnswer, createdAtMs: number, includeUsage: boolean): string[] {
  const base = { id: `chatcmpl-${answer.id}`, object: 'chat.completion.chunk', created: Math.floor(createdAtMs / 1000), model: answer.model };
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => sseFrame({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
  const { text, reasoning, toolCalls } = parts(answer.content);
  const frames = [chunk({ role: 'assistant', content: '' })];
  if (reasoning) frames.push(chunk({ reasoning_content: reasoning }));
  if (text) frames.push(chunk({ content: text }));
  toolCalls.forEach((call, index) => frames.push(chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }] })));
  frames.push(chunk({}, openAiFinish(answer.finish)));
  if (includeUsage) frames.push(sseFrame({ ...base, choices: [], usage: openAiUsageOf(answer.usage) }));
  frames.push('data: [DONE]\n\n');
  return frames;
}

function anthropicFrames(answer: NeutralAnswer): string[] {
  const event = (type: string, data: Record<string, unknown>) => sseFrame({ type, ...data }, type);
  const usage = anthropicUsageOf(answer.usage);
  const message = { id: `msg_${answer.id}`, type: 'message', role: 'assistant', model: answer.model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 0 } };
  const frames = [event('message_start', { message })];
  answer.content.forEach((block, index) => {
    if (block.type === 'text') {
      frames.push(event('content_block_start', { index, content_block: { type: 'text', text: '' } }));
      frames.push(event('content_block_delta', { index, delta: { type: 'text_delta', text: block.text } }));
    } else if (block.type === 'reasoning') {
      frames.push(event('content_block_start', { index, content_block: { type: 'thinking', thinking: '', signature: '' } }));
      frames.push(event('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: block.text } }));
      if (block.signature) frames.push(event('content_block_delta', { index, delta: { type: 'signature_delta', signature: block.signature } }));
    } else if (block.type === 'redacted_reasoning') {
      frames.push(event('content_block_start', { index, content_block: { type: 'redacted_thinking', data: block.data } }));
    } else {
      frames.push(event('content_block_start', { index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } }));
      frames.push(event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(parseJsonObject(block.arguments)) } }));
    }
    frames.push(event('content_block_stop', { index }));
  });
  const stopSequence = answer.finish === 'stop_sequence' ? answer.stopSequence : null;
  frames.push(event('message_delta', { delta: { stop_reason: anthropicStopReason(answer.finish), stop_sequence: stopSequence }, usage }));
  frames.push(event('message_stop', {}));
  return frames;
}
