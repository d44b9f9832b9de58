import { sseFrame } from '../providers/stream-state.ts';

type Json = Record<string, any>;

/**
 * A cached JSON answer replayed as a proper SSE stream in the client's format (OpenAI chunks
 * ending in `[DONE]`, or Anthropic's event sequence), so streaming clients get a stream. Pure.
 */
export function replayAsStream(bodyText: string, wire: 'openai' | 'anthropic', includeUsage: boolean): string[] {
  const body = JSON.parse(bodyText) as Json;
  return wire === 'anthropic' ? anthropicFrames(body) : openAiFrames(body, includeUsage);
}

function openAiFrames(body: Json, includeUsage: boolean): string[] {
  const frames: string[] = [];
  const base = { id: body.id, created: body.created, model: body.model };
  const choice = (body.choices?.[0] ?? {}) as Json;
  if (body.object === 'text_completion') {
    frames.push(sseFrame({ ...base, object: 'text_completion', choices: [{ index: 0, text: choice.text ?? '', finish_reason: null }] }));
    frames.push(sseFrame({ ...base, object: 'text_completion', choices: [{ index: 0, text: '', finish_reason: choice.finish_reason ?? 'stop' }] }));
  } else {
    const chunk = (delta: Json, finish: string | null = null) => sseFrame({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
    frames.push(chunk({ role: 'assistant', content: '' }));
    const message = (choice.message ?? {}) as Json;
    if (typeof message.content === 'string' && message.content) frames.push(chunk({ content: message.content }));
    (message.tool_calls ?? []).forEach((call: Json, index: number) => frames.push(chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: call.function }] })));
    frames.push(chunk({}, choice.finish_reason ?? 'stop'));
  }
  if (includeUsage && body.usage) frames.push(sseFrame({ ...base, object: 'chat.completion.chunk', choices: [], usage: body.usage }));
  frames.push('data: [DONE]\n\n');
  return frames;
}

function anthropicFrames(body: Json): string[] {
  const event = (type: string, data: Json) => sseFrame({ type, ...data }, type);
  const usage = (body.usage ?? {}) as Json;
  const frames = [event('message_start', { message: { ...body, content: [], stop_reason: null, usage: { ...usage, output_tokens: 0 } } })];
  (body.content ?? []).forEach((block: Json, index: number) => {
    if (block.type === 'tool_use') {
      frames.push(event('content_block_start', { index, content_block: { ...block, input: {} } }));
      frames.push(event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input ?? {}) } }));
    } else {
      frames.push(event('content_block_start', { index, content_block: { type: 'text', text: '' } }));
      frames.push(event('content_block_delta', { index, delta: { type: 'text_delta', text: block.text ?? '' } }));
    }
    frames.push(event('content_block_stop', { index }));
  });
  frames.push(event('message_delta', { delta: { stop_reason: body.stop_reason ?? 'end_turn', stop_sequence: null }, usage: { output_tokens: usage.output_tokens ?? 0 } }));
  frames.push(event('message_stop', {}));
  return frames;
}
