import Anthropic, { type APIError as AnthropicApiError } from '@anthropic-ai/sdk';
import OpenAI, { type APIError as OpenAIApiError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockProvider, withMock, type MockProvider } from './index.ts';

let mock: MockProvider;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  mock = await startMockProvider();
  openai = new OpenAI({ apiKey: 'x', baseURL: `${mock.url}/v1`, maxRetries: 0 });
  anthropic = new Anthropic({ apiKey: 'x', baseURL: mock.url, maxRetries: 0 });
});
afterAll(() => mock.close());
beforeEach(() => mock.reset());

const chat = { model: 'mock-small', messages: [{ role: 'user' as const, content: 'one two three four five six' }] };
const message = { model: 'claude-mock', max_tokens: 100, messages: [{ role: 'user' as const, content: 'one two three four five six' }] };

function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${mock.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('errors in each API envelope', () => {
  it.each([
    [400, 'invalid_request_error', null],
    [401, 'invalid_request_error', 'invalid_api_key'],
    [404, 'invalid_request_error', 'model_not_found'],
    [429, 'requests', 'rate_limit_exceeded'],
    [500, 'server_error', null],
  ])('OpenAI %i → type %s, code %s', async (status, type, code) => {
    const response = await post('/v1/chat/completions', chat, { 'x-mock-fail': String(status) });
    expect(response.status).toBe(status);
    const body = (await response.json()) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({ type, code, param: null });
    expect(typeof body.error.message).toBe('string');
  });

  it.each([
    [400, 'invalid_request_error'],
    [401, 'authentication_error'],
    [403, 'permission_error'],
    [404, 'not_found_error'],
    [429, 'rate_limit_error'],
    [500, 'api_error'],
    [529, 'overloaded_error'],
  ])('Anthropic %i → %s', async (status, type) => {
    const response = await post('/v1/messages', withMock(message, { fail: { status } }));
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ type: 'error', error: { type } });
  });

  it('429 carries retry-after, and the SDK sees a RateLimitError', async () => {
    const error = await caught(openai.chat.completions.create(withMock(chat, { fail: { status: 429 } })));
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as OpenAIApiError).code).toBe('rate_limit_exceeded');
    expect((error as OpenAIApiError).headers?.get('retry-after')).toBe('1');
    const exact = await post('/v1/chat/completions', withMock(chat, { fail: { status: 429, retryAfterMs: 2500 } }));
    expect([exact.headers.get('retry-after'), exact.headers.get('retry-after-ms')]).toEqual(['3', '2500']);
  });

  it('529 overloaded through the Anthropic SDK, from a named scenario header', async () => {
    const error = await caught(anthropic.messages.create(message, { headers: { 'x-mock-scenario': 'overloaded' } }));
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as AnthropicApiError).status).toBe(529);
    expect((error as AnthropicApiError).error).toMatchObject({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
  });

  it('sends a custom failure body or message', async () => {
    const raw = await post('/v1/chat/completions', withMock(chat, { fail: { status: 502, body: 'upstream connect error' } }));
    expect([raw.status, await raw.text()]).toEqual([502, 'upstream connect error']);
    const custom = await post('/v1/messages', withMock(message, { fail: { status: 400, message: 'prompt is too long', type: 'invalid_request_error' } }));
    expect(await custom.json()).toMatchObject({ error: { type: 'invalid_request_error', message: 'prompt is too long' } });
  });

  it('rejects an invalid directive with a 400 that names the field', async () => {
    const response = await post('/v1/chat/completions', { ...chat, mock: { latencyMS: 5 } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'invalid_mock_directive', message: "unknown mock directive field 'latencyMS'" } });
    const header = await post('/v1/chat/completions', chat, { 'x-mock-scenario': 'no-such-thing' });
    expect(header.status).toBe(400);
  });
});

describe('fail.times then success', () => {
  it('fails the first N calls with the same key; the SDK retries through them', async () => {
    const retrying = new OpenAI({ apiKey: 'x', baseURL: `${mock.url}/v1`, maxRetries: 3 });
    const completion = await retrying.chat.completions.create(withMock(chat, { key: 'flaky-1', fail: { status: 500, times: 2, retryAfterMs: 1 } }));
    expect(completion.choices[0]?.message.content).toContain('Mock answer');
    const attempts = mock.requests.filter((request) => (request.body as { mock?: { key?: string } }).mock?.key === 'flaky-1');
    expect(attempts).toHaveLength(3);
    // A different key has its own counter.
    const other = await post('/v1/chat/completions', withMock(chat, { key: 'flaky-2', fail: { status: 500, times: 1 } }));
    expect(other.status).toBe(500);
  });

  it('works through the Anthropic SDK too (529 once)', async () => {
    const retrying = new Anthropic({ apiKey: 'x', baseURL: mock.url, maxRetries: 2 });
    const result = await retrying.messages.create(withMock(message, { key: 'flaky-3', fail: { status: 529, times: 1, retryAfterMs: 1 } }));
    expect(result.stop_reason).toBe('end_turn');
    expect(mock.requests).toHaveLength(2);
  });
});

describe('broken responses', () => {
  it('garbage: a 200 that is not JSON makes the SDKs throw', async () => {
    await expect(openai.chat.completions.create(withMock(chat, { garbage: true }))).rejects.toThrow();
    const quiet = new Anthropic({ apiKey: 'x', baseURL: mock.url, maxRetries: 0, logLevel: 'off' });
    const stream = await quiet.messages.create(withMock({ ...message, stream: true }, { garbage: true }));
    await expect((async () => {
      for await (const _event of stream) {
        // consume
      }
    })()).rejects.toThrow();
  });

  it('drop mid-stream: the OpenAI SDK stream errors after the given number of chunks', async () => {
    const stream = await openai.chat.completions.create(withMock({ ...chat, stream: true }, { dropAfterChunks: 2, chunkDelayMs: 5 }));
    const contents: string[] = [];
    const error = await caught(
      (async () => {
        for await (const chunk of stream) contents.push(chunk.choices[0]?.delta.content ?? '');
      })(),
    );
    expect(error).toBeInstanceOf(Error);
    expect(contents.filter(Boolean)).toEqual(['Mock', ' answer']);
  });

  it('drop mid-stream: the Anthropic SDK stream errors too, and a dropped JSON body fails to parse', async () => {
    const final = anthropic.messages.stream(withMock(message, { dropAfterChunks: 1 })).finalMessage();
    await expect(final).rejects.toThrow();
    await expect(openai.chat.completions.create(withMock(chat, { dropAfterChunks: 0 }))).rejects.toThrow();
  });

  it('in-band stream errors become APIErrors in both SDKs', async () => {
    const stream = await openai.chat.completions.create(withMock({ ...chat, stream: true }, { errorAfterChunks: 1 }));
    const openAiError = await caught((async () => {
      for await (const _chunk of stream) {
        // consume
      }
    })());
    expect(openAiError).toBeInstanceOf(OpenAI.APIError);
    const anthropicError = await caught(anthropic.messages.stream(withMock(message, { errorAfterChunks: 1 })).finalMessage());
    expect(anthropicError).toBeInstanceOf(Anthropic.APIError);
    expect(String(anthropicError)).toContain('overloaded_error');
  });

  it('hang: the client times out while the mock sends nothing', async () => {
    const impatient = new OpenAI({ apiKey: 'x', baseURL: `${mock.url}/v1`, maxRetries: 0, timeout: 200 });
    const started = Date.now();
    const error = await caught(impatient.chat.completions.create(withMock(chat, { hangMs: 10_000 })));
    expect(error).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    expect(Date.now() - started).toBeLessThan(3000);
    const impatientAnthropic = new Anthropic({ apiKey: 'x', baseURL: mock.url, maxRetries: 0, timeout: 200 });
    const anthropicError = await caught(impatientAnthropic.messages.create(message, { headers: { 'x-mock-scenario': 'hang' } }));
    expect(anthropicError).toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
  });

  it('survives clients that disconnect at any moment (before headers, mid-stream)', async () => {
    const bodies = [
      withMock({ ...chat, stream: true }, { ttftMs: 5, chunkDelayMs: 3 }),
      withMock(chat, { latencyMs: 10 }),
      withMock(chat, { hangMs: 50 }),
    ];
    const attempts = Array.from({ length: 90 }, (_, index) => {
      const signal = AbortSignal.timeout(1 + (index % 30));
      return fetch(`${mock.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify(bodies[index % 3]), signal })
        .then((response) => response.text())
        .catch(() => 'aborted');
    });
    await Promise.all(attempts);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await post('/v1/chat/completions', chat)).status).toBe(200);
  });

  it('close() ends hung requests instead of waiting for them', async () => {
    const own = await startMockProvider();
    const pending = fetch(`${own.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify(withMock(chat, { hangMs: 60_000 })) }).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error);
  });
});

describe('stream timing', () => {
  it('sends the first chunk after ttftMs and flushes each chunk after chunkDelayMs', async () => {
    const started = performance.now();
    const response = await post('/v1/chat/completions', { ...chat, stream: true, mock: { ttftMs: 300, chunkDelayMs: 60, chunks: 3, text: 'abcdef' } });
    const headersAt = performance.now() - started;
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    const contentTimes: number[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const text = decoder.decode(value);
      if (/"content":"[^"]+"/.test(text)) contentTimes.push(performance.now() - started);
    }
    expect(headersAt).toBeLessThan(200); // headers go out at once, before the first token
    expect(contentTimes).toHaveLength(3); // three separate network reads: no buffering
    expect(contentTimes[0]).toBeGreaterThanOrEqual(290);
    expect((contentTimes[1] ?? 0) - (contentTimes[0] ?? 0)).toBeGreaterThanOrEqual(50);
    expect((contentTimes[2] ?? 0) - (contentTimes[1] ?? 0)).toBeGreaterThanOrEqual(50);
  });

  it('latencyMs delays JSON responses', async () => {
    const started = performance.now();
    await openai.chat.completions.create(chat, { headers: { 'x-mock-latency-ms': '80' } });
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
  });
});

describe('auth and strict mode', () => {
  it('requires the configured key: Bearer for OpenAI, x-api-key for Anthropic', async () => {
    const locked = await startMockProvider({ apiKey: 'sk-mock-secret' });
    try {
      const wrongOpenAi = new OpenAI({ apiKey: 'wrong', baseURL: `${locked.url}/v1`, maxRetries: 0 });
      expect(await caught(wrongOpenAi.chat.completions.create(chat))).toBeInstanceOf(OpenAI.AuthenticationError);
      const rightOpenAi = new OpenAI({ apiKey: 'sk-mock-secret', baseURL: `${locked.url}/v1`, maxRetries: 0 });
      expect((await rightOpenAi.chat.completions.create(chat)).object).toBe('chat.completion');
      const wrongAnthropic = new Anthropic({ apiKey: 'wrong', baseURL: locked.url, maxRetries: 0 });
      const error = await caught(wrongAnthropic.messages.create(message));
      expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
      expect((error as AnthropicApiError).error).toMatchObject({ error: { type: 'authentication_error', message: 'invalid x-api-key' } });
      const rightAnthropic = new Anthropic({ apiKey: 'sk-mock-secret', baseURL: locked.url, maxRetries: 0 });
      expect((await rightAnthropic.messages.create(message)).type).toBe('message');
    } finally {
      await locked.close();
    }
  });

  it('strict: unknown models are 404 and anthropic-version is required', async () => {
    const strict = await startMockProvider({ strict: true, models: ['mock-small', 'claude-mock'] });
    try {
      const client = new OpenAI({ apiKey: 'x', baseURL: `${strict.url}/v1`, maxRetries: 0 });
      const error = await caught(client.chat.completions.create({ ...chat, model: 'mock-unknown' }));
      expect(error).toBeInstanceOf(OpenAI.NotFoundError);
      expect((error as OpenAIApiError).code).toBe('model_not_found');
      const noVersion = await fetch(`${strict.url}/v1/messages`, { method: 'POST', body: JSON.stringify(message) });
      expect(noVersion.status).toBe(400);
      const sdk = new Anthropic({ apiKey: 'x', baseURL: strict.url, maxRetries: 0 });
      expect((await sdk.messages.create(message)).type).toBe('message');
    } finally {
      await strict.close();
    }
  });
});
