import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockProvider, type MockProvider } from '../../mock-provider/index.ts';
import { createAnthropicAdapter } from '../anthropic/adapter.ts';
import { jsonPayloads, makeCall, openAiSdkReplaying, parseEvents, providerConfig, relayText, sendUpstream } from '../testing/harness.ts';
import type { SseEvent } from '../types.ts';
import { anthropicStreamToOpenAi } from './anthropic-stream-to-openai.ts';
import { anthropicToOpenAiResponse } from './anthropic-to-openai-response.ts';
import { toAnthropicStopReason, toOpenAiFinishReason } from './finish-reasons.ts';
import { DEFAULT_MAX_TOKENS, openAiToAnthropicRequest } from './openai-to-anthropic-request.ts';
import { convertAnthropicUsage } from '../anthropic/convert-usage.ts';

/** An OpenAI chat client talking to an Anthropic upstream. */
let mock: MockProvider;
beforeAll(async () => {
  mock = await startMockProvider({ strict: true });
});
afterAll(() => mock.close());

const adapter = createAnthropicAdapter();
const provider = () => providerConfig('anthropic', mock.url);
const chatCall = (body: Record<string, unknown>) => makeCall({ provider: provider(), body, clientWire: 'openai', operation: 'chat', upstreamModel: 'claude-mock' });
const weatherTool = {
  type: 'function',
  function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};

describe('OpenAI chat request → Anthropic Messages request', () => {
  it('moves system messages out, translates content parts, tool calls and tool results', () => {
    const body = {
      model: 'fast',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'developer', content: [{ type: 'text', text: 'Use metric units.' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this picture, and the weather?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'high' } },
          ],
        },
        {
          role: 'assistant',
          content: 'Let me check.',
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Lyon"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '18°C' },
        { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '21°C' }] },
        { role: 'user', content: 'Thanks, and tomorrow?' },
      ],
      tools: [weatherTool],
      tool_choice: 'required',
      parallel_tool_calls: false,
      temperature: 1.5,
      top_p: 0.9,
      stop: 'END',
      user: 'user-42',
      stream_options: { include_usage: true },
      n: 1,
      x_unknown_field: 'kept',
    };
    const out = openAiToAnthropicRequest(body, 'claude-sonnet-4-5', true);
    expect(out.model).toBe('claude-sonnet-4-5');
    expect(out.system).toBe('You are terse.\n\nUse metric units.');
    expect(out.max_tokens).toBe(DEFAULT_MAX_TOKENS);
    expect(out.temperature).toBe(1);
    expect(out.top_p).toBe(0.9);
    expect(out.stop_sequences).toEqual(['END']);
    expect(out.stream).toBe(true);
    expect(out.metadata).toEqual({ user_id: 'user-42' });
    expect(out.x_unknown_field).toBe('kept');
    for (const dropped of ['stream_options', 'n', 'user', 'parallel_tool_calls', 'stop', 'messages_extra']) expect(out).not.toHaveProperty(dropped);
    expect(out.tools).toEqual([
      { name: 'get_weather', description: 'Weather for a city', input_schema: weatherTool.function.parameters },
    ]);
    expect(out.tool_choice).toEqual({ type: 'any', disable_parallel_tool_use: true });
    expect(out.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in this picture, and the weather?' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me check.' },
          { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'call_2', name: 'get_weather', input: { city: 'Lyon' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: '18°C' },
          { type: 'tool_result', tool_use_id: 'call_2', content: '21°C' },
          { type: 'text', text: 'Thanks, and tomorrow?' },
        ],
      },
    ]);
  });

  it('takes max_completion_tokens over max_tokens, and maps tool_choice variants', () => {
    const base = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };
    expect(openAiToAnthropicRequest({ ...base, max_tokens: 100 }, 'c', false).max_tokens).toBe(100);
    expect(openAiToAnthropicRequest({ ...base, max_tokens: 100, max_completion_tokens: 50 }, 'c', false).max_tokens).toBe(50);
    expect(openAiToAnthropicRequest({ ...base, max_tokens: null }, 'c', false).max_tokens).toBe(DEFAULT_MAX_TOKENS);
    expect(openAiToAnthropicRequest(base, 'c', false).stream).toBeUndefined();
    const choice = (tool_choice: unknown) => openAiToAnthropicRequest({ ...base, tools: [weatherTool], tool_choice }, 'c', false).tool_choice;
    expect(choice('auto')).toEqual({ type: 'auto' });
    expect(choice('none')).toEqual({ type: 'none' });
    expect(choice({ type: 'function', function: { name: 'get_weather' } })).toEqual({ type: 'tool', name: 'get_weather' });
    expect(choice(undefined)).toBeUndefined();
    expect(openAiToAnthropicRequest({ ...base, stop: ['a', 'b'] }, 'c', false).stop_sequences).toEqual(['a', 'b']);
  });

  it('is what the adapter sends for an OpenAI chat client', () => {
    const request = adapter.buildRequest(chatCall({ model: 'fast', messages: [{ role: 'user', content: 'hi' }], stream: true }));
    expect(request.path).toBe('/v1/messages');
    expect(JSON.parse(request.body ?? '')).toEqual({ model: 'claude-mock', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], max_tokens: 4096, stream: true });
  });
});

describe('Anthropic Messages response → OpenAI chat completion', () => {
  it('translates text, usage (prompt_tokens includes cache) and the finish reason; the SDK reads it', async () => {
    const call = chatCall({
      model: 'fast',
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'What is the capital of France?' }],
      mock: { text: 'Paris.', usage: { input: 1000, cacheRead: 600, cacheWrite: 100, output: 3 } },
    });
    const reply = await sendUpstream(adapter, call);
    expect(reply.status).toBe(200);
    const parsed = adapter.parseResponse(JSON.parse(reply.text), call);
    expect(parsed).toMatchObject({ passthrough: false, servedModel: 'claude-mock', finishReason: 'end_turn' });
    expect(parsed.usage?.input).toMatchObject({ total: 1000, uncached: 300, cacheRead: 600, cacheWrite: 100 });
    const completion = await openAiSdkReplaying(JSON.stringify(parsed.body), 'application/json').chat.completions.create({
      model: 'fast',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]?.message).toMatchObject({ role: 'assistant', content: 'Paris.' });
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: 1000, completion_tokens: 3, total_tokens: 1003, prompt_tokens_details: { cached_tokens: 600 } });
  });

  it('translates a tool call, and max_tokens to length', async () => {
    const call = chatCall({
      model: 'fast',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [weatherTool],
      mock: { tool: { name: 'get_weather', arguments: { city: 'Paris' } } },
    });
    const parsed = adapter.parseResponse(JSON.parse((await sendUpstream(adapter, call)).text), call);
    const body = parsed.body as { choices: { message: { tool_calls: { id: string; type: string; function: { name: string; arguments: string } }[] }; finish_reason: string }[] };
    expect(body.choices[0]?.finish_reason).toBe('tool_calls');
    const toolCall = body.choices[0]?.message.tool_calls[0];
    expect(toolCall).toMatchObject({ type: 'function', function: { name: 'get_weather' } });
    expect(toolCall?.id).toMatch(/^toolu_/);
    expect(JSON.parse(toolCall?.function.arguments ?? '')).toEqual({ city: 'Paris' });

    const cut = chatCall({ model: 'fast', messages: [{ role: 'user', content: 'Write a long essay about rivers' }], max_tokens: 3 });
    const cutBody = adapter.parseResponse(JSON.parse((await sendUpstream(adapter, cut)).text), cut).body as { choices: { finish_reason: string }[] };
    expect(cutBody.choices[0]?.finish_reason).toBe('length');
  });

  it('keeps thinking as reasoning_content and tolerates a body without usage', () => {
    const body = anthropicToOpenAiResponse(
      { id: 'msg_1', model: 'c', content: [{ type: 'thinking', thinking: 'Hmm' }, { type: 'text', text: 'A' }, { type: 'text', text: 'B' }], stop_reason: 'refusal' },
      undefined,
      0,
    );
    expect(body).toMatchObject({ id: 'chatcmpl-msg_1', choices: [{ message: { content: 'AB', reasoning_content: 'Hmm' }, finish_reason: 'content_filter' }] });
    expect(body).not.toHaveProperty('usage');
  });
});

describe('Anthropic stream → OpenAI chunks', () => {
  const streamBody = (extra: Record<string, unknown> = {}) => ({
    model: 'fast',
    messages: [{ role: 'user', content: 'What is the capital of France?' }],
    stream: true,
    mock: { text: 'The capital of France is Paris.', usage: { input: 1000, cacheRead: 600, cacheWrite: 100, output: 8 } },
    ...extra,
  });

  function checkOpenAiFrames(out: string): Record<string, unknown>[] {
    const events = parseEvents(out);
    expect(events.at(-1)?.data).toBe('[DONE]');
    expect(events.filter((e) => e.data === '[DONE]')).toHaveLength(1);
    for (const event of events) {
      expect(event.event).toBeUndefined();
      expect(event.raw).toMatch(/^data: .*\n\n$/s);
    }
    const chunks = jsonPayloads(out);
    for (const chunk of chunks) expect(chunk).toMatchObject({ object: 'chat.completion.chunk', model: 'claude-mock' });
    return chunks;
  }

  it('re-emits the stream as chat completion chunks with the usage chunk when the client asked', async () => {
    const call = chatCall(streamBody({ stream_options: { include_usage: true } }));
    const upstream = (await sendUpstream(adapter, call)).text;
    expect(upstream).toContain('event: message_start');
    const transformer = adapter.createStreamTransformer(call);
    const out = relayText(transformer, upstream, 11);
    const chunks = checkOpenAiFrames(out);
    const content = chunks.map((chunk) => (chunk.choices as { delta?: { content?: string } }[])[0]?.delta?.content ?? '').join('');
    expect(content).toBe('The capital of France is Paris.');
    const usageChunk = chunks.at(-1) as { choices: unknown[]; usage: Record<string, unknown> };
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage).toMatchObject({ prompt_tokens: 1000, completion_tokens: 8, total_tokens: 1008, prompt_tokens_details: { cached_tokens: 600 } });
    expect(transformer.usage()).toEqual(convertAnthropicUsage({ input_tokens: 300, cache_read_input_tokens: 600, cache_creation_input_tokens: 100, output_tokens: 8 }));
    expect(transformer.finishReason()).toBe('end_turn');
    expect(transformer.servedModel()).toBe('claude-mock');

    const final = await openAiSdkReplaying(out).chat.completions.stream({ model: 'fast', messages: [{ role: 'user', content: 'x' }] }).finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe('The capital of France is Paris.');
    expect(final.choices[0]?.finish_reason).toBe('stop');
    expect(final.usage?.prompt_tokens).toBe(1000);
  });

  it('emits no usage chunk when the client did not ask, but still reports usage to the gateway', async () => {
    const call = chatCall(streamBody());
    const transformer = adapter.createStreamTransformer(call);
    const out = relayText(transformer, (await sendUpstream(adapter, call)).text);
    const chunks = checkOpenAiFrames(out);
    expect(chunks.every((chunk) => chunk.usage === undefined && (chunk.choices as unknown[]).length === 1)).toBe(true);
    expect(chunks.at(-1)).toMatchObject({ choices: [{ finish_reason: 'stop' }] });
    expect(transformer.usage()?.input.total).toBe(1000);
  });

  it('streams a tool call that reassembles into the same arguments', async () => {
    const call = chatCall(
      streamBody({ tools: [weatherTool], mock: { tool: { name: 'get_weather', arguments: { city: 'Paris', days: 3 } }, chunks: 4 }, stream_options: { include_usage: true } }),
    );
    const out = relayText(adapter.createStreamTransformer(call), (await sendUpstream(adapter, call)).text, 3);
    checkOpenAiFrames(out);
    const final = await openAiSdkReplaying(out).chat.completions.stream({ model: 'fast', messages: [{ role: 'user', content: 'x' }] }).finalChatCompletion();
    const toolCall = final.choices[0]?.message.tool_calls?.[0];
    expect(toolCall?.type).toBe('function');
    if (toolCall?.type !== 'function') throw new Error('expected a function call');
    expect(toolCall.function.name).toBe('get_weather');
    expect(JSON.parse(toolCall.function.arguments)).toEqual({ city: 'Paris', days: 3 });
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('maps thinking to reasoning_content and gives each tool_use block its own index', () => {
    const named = (type: string, data: Record<string, unknown>): SseEvent => {
      const text = JSON.stringify({ type, ...data });
      return { event: type, data: text, raw: `event: ${type}\ndata: ${text}\n\n` };
    };
    const transformer = anthropicStreamToOpenAi(chatCall(streamBody()), 0);
    const frames = [
      named('message_start', { message: { id: 'msg_9', model: 'claude-x', usage: { input_tokens: 5, output_tokens: 1 } } }),
      named('content_block_start', { index: 0, content_block: { type: 'thinking', thinking: '' } }),
      named('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: 'Two cities.' } }),
      named('content_block_start', { index: 1, content_block: { type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: {} } }),
      named('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '{"city":"Paris"}' } }),
      named('content_block_start', { index: 2, content_block: { type: 'tool_use', id: 'toolu_b', name: 'get_weather', input: {} } }),
      named('content_block_delta', { index: 2, delta: { type: 'input_json_delta', partial_json: '{"city":"Lyon"}' } }),
      named('message_delta', { delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 30 } }),
      named('message_stop', {}),
    ].flatMap((event) => transformer.push(event));
    expect(transformer.end()).toEqual([]);
    const chunks = jsonPayloads(frames.join('')) as { id: string; choices: { delta: Record<string, unknown>; finish_reason: string | null }[] }[];
    expect(chunks.every((chunk) => chunk.id === 'chatcmpl-msg_9')).toBe(true);
    const deltas = chunks.map((chunk) => chunk.choices[0]?.delta);
    expect(deltas).toContainEqual({ reasoning_content: 'Two cities.' });
    expect(deltas).toContainEqual({ tool_calls: [{ index: 0, function: { arguments: '{"city":"Paris"}' } }] });
    expect(deltas).toContainEqual({ tool_calls: [{ index: 1, function: { arguments: '{"city":"Lyon"}' } }] });
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('tool_calls');
    expect(frames.at(-1)).toBe('data: [DONE]\n\n');
    expect(transformer.usage()?.output.total).toBe(30);
  });

  it('closes a stream that ended after its stop reason without message_stop', () => {
    const transformer = anthropicStreamToOpenAi(chatCall(streamBody()), 0);
    transformer.push({ event: 'message_delta', data: '{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":2}}', raw: '' });
    expect(transformer.end()).toEqual(['data: [DONE]\n\n']);
  });
});

describe('finish reason mapping', () => {
  it('maps both ways', () => {
    expect(['end_turn', 'stop_sequence', 'max_tokens', 'tool_use', 'refusal', null].map(toOpenAiFinishReason)).toEqual([
      'stop',
      'stop',
      'length',
      'tool_calls',
      'content_filter',
      null,
    ]);
    expect(['stop', 'length', 'tool_calls', 'content_filter', null].map(toAnthropicStopReason)).toEqual(['end_turn', 'max_tokens', 'tool_use', 'refusal', null]);
  });
});
