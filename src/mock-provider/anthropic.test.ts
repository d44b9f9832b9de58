import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockProvider, withMock, type MockProvider } from './index.ts';

let mock: MockProvider;
let anthropic: Anthropic;

beforeAll(async () => {
  mock = await startMockProvider();
  anthropic = new Anthropic({ apiKey: 'x', baseURL: mock.url, maxRetries: 0 });
});
afterAll(() => mock.close());
beforeEach(() => mock.reset());

const base = {
  model: 'claude-mock',
  max_tokens: 256,
  system: 'Be brief.',
  messages: [{ role: 'user' as const, content: 'Summarise the plot of Hamlet in one sentence.' }],
};
const expectedText = `Mock answer to: ${base.messages[0]!.content.slice(0, 40)}`;

describe('messages (anthropic SDK)', () => {
  it('answers deterministically with computed usage', async () => {
    const message = await anthropic.messages.create(base);
    expect(message).toMatchObject({ type: 'message', role: 'assistant', model: 'claude-mock', stop_reason: 'end_turn', stop_sequence: null });
    expect(message.content).toEqual([{ type: 'text', text: expectedText }]);
    expect(message.usage).toMatchObject({
      input_tokens: Math.ceil(('Be brief.'.length + base.messages[0]!.content.length) / 4),
      output_tokens: Math.ceil(expectedText.length / 4),
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
    });
  });

  it('reports overridden usage with Anthropic semantics (input_tokens excludes cache reads and writes)', async () => {
    const usage = { input: 1200, output: 300, cacheRead: 800, cacheWrite: 100, cacheWrite1h: 40, reasoning: 50 };
    const message = await anthropic.messages.create(withMock(base, { usage }));
    expect(message.usage).toMatchObject({
      input_tokens: 300,
      cache_read_input_tokens: 800,
      cache_creation_input_tokens: 100,
      cache_creation: { ephemeral_5m_input_tokens: 60, ephemeral_1h_input_tokens: 40 },
      output_tokens: 300,
      output_tokens_details: { thinking_tokens: 50 },
    });
  });

  it('streams the real event sequence with usage in message_start and cumulative usage in message_delta', async () => {
    const stream = await anthropic.messages.create(withMock({ ...base, stream: true }, { usage: { input: 50, cacheRead: 20, output: 9 } }));
    const events: Anthropic.RawMessageStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const types = events.map((event) => event.type);
    expect(types[0]).toBe('message_start');
    expect(types.slice(1, 2)).toEqual(['content_block_start']); // the SDK drops `ping`
    expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    const start = events[0] as Anthropic.RawMessageStartEvent;
    expect(start.message.usage).toMatchObject({ input_tokens: 30, cache_read_input_tokens: 20, output_tokens: 1 });
    const delta = events.find((event): event is Anthropic.RawMessageDeltaEvent => event.type === 'message_delta');
    expect(delta?.delta.stop_reason).toBe('end_turn');
    expect(delta?.usage).toMatchObject({ output_tokens: 9, input_tokens: 30, cache_read_input_tokens: 20 });
    const text = events.map((event) => (event.type === 'content_block_delta' && event.delta.type === 'text_delta' ? event.delta.text : '')).join('');
    expect(text).toBe(expectedText);

    const raw = await (
      await fetch(`${mock.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...base, stream: true }) })
    ).text();
    expect(raw).toContain('event: ping\ndata: {"type":"ping"}\n\n');
    expect(raw.startsWith('event: message_start\ndata: {"type":"message_start"')).toBe(true);
  });

  it('works with the SDK stream helper and stops for max_tokens', async () => {
    const final = await anthropic.messages.stream({ ...base, max_tokens: 3 }).finalMessage();
    expect(final.stop_reason).toBe('max_tokens');
    expect(final.content).toEqual([{ type: 'text', text: 'Mock answer ' }]);
    expect(final.usage.output_tokens).toBe(3);
  });

  const tools: Anthropic.Tool[] = [
    {
      name: 'lookup_order',
      input_schema: { type: 'object', properties: { order_id: { type: 'string' }, urgent: { type: 'boolean' } }, required: ['order_id', 'urgent'] },
    },
  ];

  it('calls a tool when asked, as JSON and as a stream, and answers after the tool result', async () => {
    const ask = { role: 'user' as const, content: 'Use lookup_order for order 42' };
    const message = await anthropic.messages.create({ ...base, tools, messages: [ask] });
    expect(message.stop_reason).toBe('tool_use');
    const block = message.content[0];
    expect(block?.type === 'tool_use' ? { name: block.name, input: block.input } : block).toEqual({ name: 'lookup_order', input: { order_id: 'mock', urgent: true } });

    const streamed = await anthropic.messages.stream({ ...base, tools, messages: [ask] }).finalMessage();
    const streamedBlock = streamed.content[0];
    expect(streamedBlock?.type === 'tool_use' ? streamedBlock.input : undefined).toEqual({ order_id: 'mock', urgent: true });

    const toolUseId = block?.type === 'tool_use' ? block.id : '';
    const answer = await anthropic.messages.create({
      ...base,
      tools,
      messages: [ask, { role: 'assistant', content: message.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUseId, content: 'shipped' }] }],
    });
    expect(answer.stop_reason).toBe('end_turn');
    expect(answer.content).toEqual([{ type: 'text', text: 'Mock answer to: shipped' }]);
  });

  it('counts tokens', async () => {
    const counted = await anthropic.messages.countTokens({ model: 'claude-mock', messages: base.messages, system: base.system });
    expect(counted.input_tokens).toBe(Math.ceil(('Be brief.'.length + base.messages[0]!.content.length) / 4));
  });

  it('requires max_tokens, answering 400 invalid_request_error in the Anthropic envelope', async () => {
    const response = await fetch(`${mock.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-mock', messages: base.messages }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('request-id')).toMatch(/^req_mock/);
    expect(await response.json()).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'max_tokens: Field required' },
      request_id: response.headers.get('request-id'),
    });
    const { max_tokens: _omitted, ...withoutMaxTokens } = base;
    const error = await anthropic.messages.create(withoutMaxTokens as Anthropic.MessageCreateParamsNonStreaming).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
  });
});
