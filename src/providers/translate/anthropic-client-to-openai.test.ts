import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockProvider, type MockProvider } from '../../mock-provider/index.ts';
import { convertOpenAiUsage } from '../openai/convert-usage.ts';
import { createOpenAiAdapter } from '../openai/adapter.ts';
import { anthropicSdkReplaying, jsonPayloads, makeCall, parseEvents, providerConfig, relayText, sendUpstream } from '../testing/harness.ts';
import type { SseEvent } from '../types.ts';
import { anthropicToOpenAiRequest } from './anthropic-to-openai-request.ts';
import { openAiStreamToAnthropic } from './openai-stream-to-anthropic.ts';
import { openAiToAnthropicResponse } from './openai-to-anthropic-response.ts';

/** An Anthropic Messages client talking to an OpenAI-wire upstream. */
let mock: MockProvider;
beforeAll(async () => {
  mock = await startMockProvider({ strict: true });
});
afterAll(() => mock.close());

const adapter = createOpenAiAdapter('openai');
const provider = () => providerConfig('openai', `${mock.url}/v1`);
const messagesCall = (body: Record<string, unknown>) =>
  makeCall({ provider: provider(), body, clientWire: 'anthropic', operation: 'messages', upstreamModel: 'mock-small', clientWantsStreamUsage: false });
const weatherTool = { name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object', properties: { city: { type: 'string' } } } };
const sdkParams = { model: 'fast', max_tokens: 100, messages: [{ role: 'user' as const, content: 'x' }] };

describe('Anthropic Messages request → OpenAI chat request', () => {
  it('translates system, content blocks, tool use and tool results', () => {
    const body = {
      model: 'fast',
      max_tokens: 512,
      system: [{ type: 'text', text: 'You are terse.', cache_control: { type: 'ephemeral' } }, { type: 'text', text: 'Metric units.' }],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look at this and check the weather.' },
            { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: '18°C' }] },
            { type: 'text', text: 'And tomorrow?' },
          ],
        },
      ],
      tools: [weatherTool],
      tool_choice: { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true },
      temperature: 0.3,
      top_p: 0.8,
      top_k: 40,
      stop_sequences: ['END'],
      metadata: { user_id: 'user-7' },
      stream: true,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      x_unknown_field: 'kept',
    };
    const out = anthropicToOpenAiRequest(body, 'gpt-4o', true, { maxTokensField: 'max_completion_tokens' });
    expect(out.model).toBe('gpt-4o');
    expect(out.max_completion_tokens).toBe(512);
    expect(out).not.toHaveProperty('max_tokens');
    expect(out).toMatchObject({ temperature: 0.3, top_p: 0.8, stop: ['END'], user: 'user-7', stream: true, stream_options: { include_usage: true }, x_unknown_field: 'kept' });
    for (const dropped of ['system', 'top_k', 'stop_sequences', 'metadata', 'thinking']) expect(out).not.toHaveProperty(dropped);
    expect(out.tools).toEqual([{ type: 'function', function: { name: 'get_weather', description: 'Weather for a city', parameters: weatherTool.input_schema } }]);
    expect(out.tool_choice).toEqual({ type: 'function', function: { name: 'get_weather' } });
    expect(out.parallel_tool_calls).toBe(false);
    expect(out.messages).toEqual([
      { role: 'system', content: 'You are terse.\n\nMetric units.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Look at this and check the weather.' },
          { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } },
          { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
        ],
      },
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
      },
      { role: 'tool', tool_call_id: 'toolu_1', content: '18°C' },
      { role: 'user', content: 'And tomorrow?' },
    ]);
  });

  it('uses max_tokens for compatible servers, and maps tool_choice variants', () => {
    const base = { model: 'm', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }], system: 'Be kind.' };
    const out = anthropicToOpenAiRequest(base, 'llama', false);
    expect(out.max_tokens).toBe(64);
    expect(out.messages).toEqual([{ role: 'system', content: 'Be kind.' }, { role: 'user', content: 'hi' }]);
    expect(out.stream).toBeUndefined();
    expect(out.stream_options).toBeUndefined();
    const choice = (tool_choice: unknown) => anthropicToOpenAiRequest({ ...base, tools: [weatherTool], tool_choice }, 'm', false).tool_choice;
    expect(choice({ type: 'auto' })).toBe('auto');
    expect(choice({ type: 'any' })).toBe('required');
    expect(choice({ type: 'none' })).toBe('none');
    const compatible = createOpenAiAdapter('openai-compatible').buildRequest(
      makeCall({ provider: providerConfig('openai-compatible', 'http://127.0.0.1:8000/v1'), body: base, clientWire: 'anthropic', operation: 'messages' }),
    );
    expect(compatible.path).toBe('/chat/completions');
    expect(JSON.parse(compatible.body ?? '').max_tokens).toBe(64);
  });

  it('is what the OpenAI adapter sends for an Anthropic client (max_completion_tokens on OpenAI itself)', () => {
    const request = adapter.buildRequest(messagesCall({ model: 'fast', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], stream: true }));
    expect(request.path).toBe('/chat/completions');
    expect(JSON.parse(request.body ?? '')).toEqual({
      model: 'mock-small',
      messages: [{ role: 'user', content: 'hi' }],
      max_completion_tokens: 10,
      stream: true,
      stream_options: { include_usage: true },
    });
  });
});

describe('OpenAI chat completion → Anthropic Messages response', () => {
  it('translates text and usage (input_tokens uncached, cache reads apart); the SDK reads it', async () => {
    const call = messagesCall({
      model: 'fast',
      max_tokens: 100,
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'What is the capital of France?' }],
      mock: { text: 'Paris.', usage: { input: 2006, cacheRead: 1920, output: 300, reasoning: 256 } },
    });
    const reply = await sendUpstream(adapter, call);
    expect(reply.status).toBe(200);
    const parsed = adapter.parseResponse(JSON.parse(reply.text), call);
    expect(parsed).toMatchObject({ passthrough: false, servedModel: 'mock-small', finishReason: 'stop' });
    expect(parsed.usage?.input).toMatchObject({ total: 2006, cacheRead: 1920, uncached: 86 });
    expect(parsed.usage?.output).toMatchObject({ total: 300, reasoning: 256 });
    const message = await anthropicSdkReplaying(JSON.stringify(parsed.body), 'application/json').messages.create(sdkParams);
    expect(message).toMatchObject({ type: 'message', role: 'assistant', model: 'mock-small', stop_reason: 'end_turn' });
    expect(message.id).toMatch(/^msg_/);
    expect(message.content).toEqual([{ type: 'text', text: 'Paris.' }]);
    expect(message.usage).toMatchObject({ input_tokens: 86, cache_read_input_tokens: 1920, cache_creation_input_tokens: 0, output_tokens: 300 });
  });

  it('translates a tool call and length', async () => {
    const call = messagesCall({
      model: 'fast',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [weatherTool],
      mock: { tool: { name: 'get_weather', arguments: { city: 'Paris' } } },
    });
    const body = adapter.parseResponse(JSON.parse((await sendUpstream(adapter, call)).text), call).body as Record<string, unknown>;
    expect(body.stop_reason).toBe('tool_use');
    expect(body.content).toEqual([{ type: 'tool_use', id: expect.stringMatching(/^call_/) as unknown, name: 'get_weather', input: { city: 'Paris' } }]);

    const cut = messagesCall({ model: 'fast', max_tokens: 3, messages: [{ role: 'user', content: 'Write a long essay about rivers' }] });
    expect((adapter.parseResponse(JSON.parse((await sendUpstream(adapter, cut)).text), cut).body as Record<string, unknown>).stop_reason).toBe('max_tokens');
  });

  it('keeps reasoning as a thinking block and tolerates bad tool arguments and missing usage', () => {
    const body = openAiToAnthropicResponse(
      {
        id: 'chatcmpl-1',
        model: 'm',
        choices: [
          {
            message: { content: 'Hi', reasoning_content: 'think', tool_calls: [{ id: 'c1', type: 'function', function: { name: 't', arguments: '{bad json' } }] },
            finish_reason: 'tool_calls',
          },
        ],
      },
      undefined,
    );
    expect(body).toMatchObject({
      id: 'msg_1',
      content: [{ type: 'thinking', thinking: 'think' }, { type: 'text', text: 'Hi' }, { type: 'tool_use', id: 'c1', name: 't', input: {} }],
      stop_reason: 'tool_use',
      usage: { input_tokens: 0, output_tokens: 0 },
    });
  });
});

describe('OpenAI stream → Anthropic events', () => {
  const EVENT_TYPES = new Set(['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop', 'ping']);

  function checkAnthropicEvents(out: string): Record<string, unknown>[] {
    const events = parseEvents(out);
    for (const event of events) {
      expect(event.raw).toMatch(/^event: [a-z_]+\ndata: .*\n\n$/s);
      expect(EVENT_TYPES.has(event.event ?? '')).toBe(true);
      expect((JSON.parse(event.data) as { type: string }).type).toBe(event.event);
    }
    const types = events.map((event) => event.event);
    expect(types[0]).toBe('message_start');
    expect(types.slice(-2)).toEqual(['message_delta', 'message_stop']);
    // Blocks open and close in order, never nested.
    let open: number | undefined;
    for (const payload of jsonPayloads(out) as { type: string; index?: number }[]) {
      if (payload.type === 'content_block_start') {
        expect(open).toBeUndefined();
        open = payload.index;
      } else if (payload.type === 'content_block_stop') {
        expect(payload.index).toBe(open);
        open = undefined;
      } else if (payload.type === 'content_block_delta') {
        expect(payload.index).toBe(open);
      }
    }
    expect(open).toBeUndefined();
    return jsonPayloads(out);
  }

  it('re-emits text chunks as Messages events with the real usage in message_delta; the SDK reads it', async () => {
    const text = 'The capital of France is Paris.';
    const call = messagesCall({
      model: 'fast',
      max_tokens: 100,
      stream: true,
      messages: [{ role: 'user', content: 'What is the capital of France?' }],
      mock: { text, usage: { input: 2006, cacheRead: 1920, output: 8 } },
    });
    const upstream = (await sendUpstream(adapter, call)).text;
    expect(upstream).toContain('"choices":[]');
    const transformer = adapter.createStreamTransformer(call);
    const out = relayText(transformer, upstream, 9);
    const payloads = checkAnthropicEvents(out);
    const textOut = payloads
      .filter((p) => p.type === 'content_block_delta')
      .map((p) => (p.delta as { text?: string }).text ?? '')
      .join('');
    expect(textOut).toBe(text);
    expect(payloads.find((p) => p.type === 'message_delta')).toMatchObject({
      delta: { stop_reason: 'end_turn' },
      usage: { input_tokens: 86, cache_read_input_tokens: 1920, output_tokens: 8 },
    });
    expect(out).not.toContain('[DONE]');
    expect(transformer.usage()).toEqual(
      convertOpenAiUsage({ prompt_tokens: 2006, completion_tokens: 8, prompt_tokens_details: { cached_tokens: 1920 } }),
    );
    expect(transformer.servedModel()).toBe('mock-small');
    expect(transformer.outputText()).toBe(text);

    const final = await anthropicSdkReplaying(out).messages.stream(sdkParams).finalMessage();
    expect(final.content).toHaveLength(1);
    expect(final.content[0]).toMatchObject({ type: 'text', text });
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage).toMatchObject({ input_tokens: 86, cache_read_input_tokens: 1920, output_tokens: 8 });
  });

  it('re-emits a streamed tool call as a tool_use block the SDK parses', async () => {
    const call = messagesCall({
      model: 'fast',
      max_tokens: 100,
      stream: true,
      messages: [{ role: 'user', content: 'Weather?' }],
      tools: [weatherTool],
      mock: { tool: { name: 'get_weather', arguments: { city: 'Paris', days: 2 } }, chunks: 5 },
    });
    const transformer = adapter.createStreamTransformer(call);
    const out = relayText(transformer, (await sendUpstream(adapter, call)).text, 4);
    checkAnthropicEvents(out);
    const final = await anthropicSdkReplaying(out).messages.stream(sdkParams).finalMessage();
    expect(final.stop_reason).toBe('tool_use');
    expect(final.content).toHaveLength(1);
    expect(final.content[0]).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'Paris', days: 2 } });
    expect(transformer.finishReason()).toBe('tool_calls');
  });

  it('orders reasoning, text and several tool calls into separate blocks', () => {
    const chunk = (delta: Record<string, unknown>, finish: string | null = null): SseEvent => {
      const data = JSON.stringify({ id: 'chatcmpl-7', model: 'gpt-x', choices: [{ index: 0, delta, finish_reason: finish }] });
      return { event: undefined, data, raw: `data: ${data}\n\n` };
    };
    const transformer = openAiStreamToAnthropic(messagesCall({ model: 'fast', max_tokens: 10, messages: [] }));
    const frames = [
      chunk({ role: 'assistant', content: '' }),
      chunk({ reasoning_content: 'Plan. ' }),
      chunk({ content: 'Two lookups.' }),
      chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":"Paris"}' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'get_weather', arguments: '{"city":' } }] }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: '"Lyon"}' } }] }),
      chunk({}, 'tool_calls'),
      { event: undefined, data: '{"id":"chatcmpl-7","model":"gpt-x","choices":[],"usage":{"prompt_tokens":50,"completion_tokens":20}}', raw: '' },
      { event: undefined, data: '[DONE]', raw: 'data: [DONE]\n\n' },
    ].flatMap((event) => transformer.push(event));
    expect(transformer.end()).toEqual([]);
    const out = frames.join('');
    const payloads = checkAnthropicEvents(out) as { type: string; index?: number; content_block?: Record<string, unknown>; message?: Record<string, unknown> }[];
    expect(payloads[0]?.message).toMatchObject({ id: 'msg_7', model: 'gpt-x', role: 'assistant' });
    expect(payloads.filter((p) => p.type === 'content_block_start').map((p) => [p.index, p.content_block?.type])).toEqual([
      [0, 'thinking'],
      [1, 'text'],
      [2, 'tool_use'],
      [3, 'tool_use'],
    ]);
    expect(payloads.at(-2)).toMatchObject({ type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { input_tokens: 50, output_tokens: 20 } });
    expect(transformer.hasFirstToken()).toBe(true);
  });

  it('closes the message when the upstream ends without [DONE]', () => {
    const transformer = openAiStreamToAnthropic(messagesCall({ model: 'fast', max_tokens: 10, messages: [] }));
    const data = '{"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":"length"}]}';
    const frames = transformer.push({ event: undefined, data, raw: `data: ${data}\n\n` });
    const closing = transformer.end();
    const types = jsonPayloads([...frames, ...closing].join('')).map((p) => p.type);
    expect(types).toEqual(['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
    expect(jsonPayloads(closing.join(''))[1]).toMatchObject({ delta: { stop_reason: 'max_tokens' } });
  });
});
