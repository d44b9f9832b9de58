import OpenAI, { type APIError as OpenAIApiError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockProvider, withMock, type MockProvider } from './index.ts';

let mock: MockProvider;
let openai: OpenAI;

beforeAll(async () => {
  mock = await startMockProvider();
  openai = new OpenAI({ apiKey: 'x', baseURL: `${mock.url}/v1`, maxRetries: 0 });
});
afterAll(() => mock.close());
beforeEach(() => mock.reset());

const messages: OpenAI.ChatCompletionMessageParam[] = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: 'What is the capital of France? Answer in one word please.' },
];

async function postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${mock.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

describe('chat completions (openai SDK)', () => {
  it('answers deterministically with computed usage', async () => {
    const completion = await openai.chat.completions.create({ model: 'mock-small', messages });
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('mock-small');
    const content = completion.choices[0]?.message.content;
    expect(content).toBe('Mock answer to: What is the capital of France? Answer in');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    const inputCharacters = 'You are terse.'.length + 'What is the capital of France? Answer in one word please.'.length;
    expect(completion.usage).toMatchObject({
      prompt_tokens: Math.ceil(inputCharacters / 4),
      completion_tokens: Math.ceil((content ?? '').length / 4),
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
    expect(completion.usage?.total_tokens).toBe((completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0));
  });

  it('reports overridden usage with OpenAI semantics (cached and reasoning included in the totals)', async () => {
    const usage = { input: 1200, output: 300, cacheRead: 800, cacheWrite: 0, reasoning: 50 };
    const completion = await openai.chat.completions.create(withMock({ model: 'mock-small', messages }, { usage }));
    expect(completion.usage).toMatchObject({
      prompt_tokens: 1200,
      completion_tokens: 300,
      total_tokens: 1500,
      prompt_tokens_details: { cached_tokens: 800 },
      completion_tokens_details: { reasoning_tokens: 50 },
    });
  });

  it('streams with include_usage exactly like OpenAI: usage null on chunks, then choices [] + usage, then [DONE]', async () => {
    const stream = await openai.chat.completions.create(
      withMock({ model: 'mock-small', messages, stream: true, stream_options: { include_usage: true } }, { usage: { input: 7, output: 3 } }),
    );
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks[chunks.length - 1];
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 });
    for (const chunk of chunks.slice(0, -1)) expect(chunk.usage).toBeNull();
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('Mock answer to: What is the capital of France? Answer in');
    expect(chunks[chunks.length - 2]?.choices[0]?.finish_reason).toBe('stop');

    const raw = await (await postJson('/v1/chat/completions', { model: 'mock-small', messages, stream: true, stream_options: { include_usage: true } })).text();
    expect(raw.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('streams without usage when include_usage is not asked for', async () => {
    const response = await postJson('/chat/completions', { model: 'mock-small', messages, stream: true, mock: { chunks: 2 } });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events = (await response.text()).split('\n\n').filter(Boolean);
    expect(events[events.length - 1]).toBe('data: [DONE]');
    const payloads = events.slice(0, -1).map((event) => JSON.parse(event.slice('data: '.length)) as Record<string, unknown>);
    expect(payloads).toHaveLength(4); // role, 2 content chunks, finish
    for (const payload of payloads) expect(payload).not.toHaveProperty('usage');
  });

  it('answers with a configured text and cuts at max_tokens with finish_reason length', async () => {
    const configured = await openai.chat.completions.create(withMock({ model: 'mock-small', messages }, { text: 'Paris.' }));
    expect(configured.choices[0]?.message.content).toBe('Paris.');
    const cut = await openai.chat.completions.create({ model: 'mock-small', messages, max_completion_tokens: 2 });
    expect(cut.choices[0]?.message.content).toBe('Mock ans');
    expect(cut.choices[0]?.finish_reason).toBe('length');
    expect(cut.usage?.completion_tokens).toBe(2);
  });

  const tools: OpenAI.ChatCompletionTool[] = [
    {
      type: 'function',
      function: {
        name: 'get_weather',
        parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city', 'days'] },
      },
    },
    { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } },
  ];

  it('calls the tool the last user message names, and answers in text after the tool result', async () => {
    const ask: OpenAI.ChatCompletionMessageParam = { role: 'user', content: 'Please use get_weather for Paris' };
    const completion = await openai.chat.completions.create({ model: 'mock-small', messages: [ask], tools });
    const call = completion.choices[0]?.message.tool_calls?.[0];
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(completion.choices[0]?.message.content).toBeNull();
    expect(call?.type === 'function' ? call.function : undefined).toEqual({ name: 'get_weather', arguments: '{"city":"mock","days":1}' });

    const followUp = await openai.chat.completions.create({
      model: 'mock-small',
      tools,
      messages: [ask, { role: 'assistant', tool_calls: completion.choices[0]?.message.tool_calls ?? [] }, { role: 'tool', tool_call_id: call?.id ?? '', content: 'sunny' }],
    });
    expect(followUp.choices[0]?.finish_reason).toBe('stop');
    expect(followUp.choices[0]?.message.content).toContain('Mock answer to: Please use get_weather');
  });

  it('does not call a tool unless asked, and streams a forced tool call', async () => {
    const plain = await openai.chat.completions.create({ model: 'mock-small', messages, tools });
    expect(plain.choices[0]?.message.tool_calls).toBeUndefined();

    const stream = openai.chat.completions.stream(withMock({ model: 'mock-small', messages, tools, stream: true }, { tool: { name: 'get_time', arguments: { zone: 'UTC' } } }));
    const final = await stream.finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' ? call.function : undefined).toEqual({ name: 'get_time', arguments: '{"zone":"UTC"}' });
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
  });
});

describe('completions, embeddings and models', () => {
  it('serves legacy completions (max_tokens defaults to 16) as JSON and stream', async () => {
    const completion = await openai.completions.create({ model: 'mock-small', prompt: 'Say hello', max_tokens: 50 });
    expect(completion.choices[0]?.text).toBe('Mock answer to: Say hello');
    expect(completion.usage).toEqual({ prompt_tokens: 3, completion_tokens: 7, total_tokens: 10 });
    const stream = await openai.completions.create({ model: 'mock-small', prompt: 'Say hello', stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.text ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe('Mock answer to: Say hello');
    expect(usage?.completion_tokens).toBe(7);
  });

  it('returns deterministic, similarity-preserving embeddings (base64 as the SDK asks, and floats)', async () => {
    const inputs = ['How do I reset my password?', 'How can I reset my password?', 'Best pizza in Naples'];
    const first = await openai.embeddings.create({ model: 'mock-embed', input: inputs });
    const again = await openai.embeddings.create({ model: 'mock-embed', input: inputs, encoding_format: 'float' });
    expect(first.usage).toEqual({ prompt_tokens: 7 + 7 + 5, total_tokens: 19 });
    const vectors = first.data.map((item) => item.embedding);
    expect(vectors[0]).toHaveLength(256);
    const floats = again.data.map((item) => item.embedding);
    vectors.forEach((vector, index) => vector.forEach((value, at) => expect(value).toBeCloseTo(floats[index]?.[at] ?? NaN, 6)));
    const cosine = (a: number[], b: number[]): number => a.reduce((sum, value, index) => sum + value * (b[index] ?? 0), 0);
    const [reset, resetAgain, pizza] = vectors as [number[], number[], number[]];
    expect(cosine(reset, reset)).toBeCloseTo(1, 5);
    expect(cosine(reset, resetAgain)).toBeGreaterThan(0.6);
    expect(Math.abs(cosine(reset, pizza))).toBeLessThan(0.4);
    const small = await openai.embeddings.create({ model: 'mock-embed', input: 'hi', dimensions: 8 });
    expect(small.data[0]?.embedding).toHaveLength(8);
  });

  it('lists models in OpenAI and Anthropic formats', async () => {
    const page = await openai.models.list();
    expect(page.data.map((model) => model.id)).toEqual(['mock-small', 'mock-large', 'mock-embed', 'claude-mock']);
    const one = await openai.models.retrieve('mock-large');
    expect(one).toMatchObject({ id: 'mock-large', object: 'model' });
    const anthropic = await (await fetch(`${mock.url}/v1/models`, { headers: { 'anthropic-version': '2023-06-01' } })).json();
    expect(anthropic).toMatchObject({ has_more: false, first_id: 'mock-small', last_id: 'claude-mock' });
    expect((anthropic as { data: unknown[] }).data[0]).toMatchObject({ type: 'model', id: 'mock-small', display_name: 'mock-small' });
  });

  it('answers unknown paths with 404 in the OpenAI envelope', async () => {
    const response = await postJson('/v1/nope', {});
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { message: 'Invalid URL (POST /v1/nope)', type: 'invalid_request_error', param: null, code: null } });
  });

  it('validates like OpenAI: a missing messages parameter is a 400', async () => {
    const error = await openai.chat.completions.create({ model: 'mock-small', messages: [] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as OpenAIApiError).param).toBe('messages');
    const missing = await postJson('/v1/chat/completions', { model: 'mock-small' });
    expect(await missing.json()).toMatchObject({ error: { type: 'invalid_request_error', param: 'messages', code: 'missing_required_parameter' } });
  });
});
