import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../domain/errors.ts';
import { startMockProvider, type MockProvider } from '../../mock-provider/index.ts';
import { getAdapter } from '../registry.ts';
import { jsonPayloads, makeCall, openAiSdkReplaying, parseEvents, providerConfig, relayText, sendUpstream } from '../testing/harness.ts';
import type { SseEvent } from '../types.ts';
import { createOpenAiAdapter } from './adapter.ts';

let mock: MockProvider;
beforeAll(async () => {
  mock = await startMockProvider();
});
afterAll(() => mock.close());

const adapter = createOpenAiAdapter('openai');
const messages = [{ role: 'user', content: 'What is the capital of France?' }];
const provider = () => providerConfig('openai', `${mock.url}/v1`);

function event(data: string): SseEvent {
  return { event: undefined, data, raw: `data: ${data}\n\n` };
}

describe('OpenAI adapter: requests', () => {
  it('is the adapter of openai, openrouter and openai-compatible', () => {
    expect(getAdapter('openai')).toBe(getAdapter('openai'));
    expect(getAdapter('openai')).toMatchObject({ kind: 'openai', wire: 'openai' });
    expect(getAdapter('openrouter')).toMatchObject({ kind: 'openrouter', wire: 'openai' });
    expect(getAdapter('openai-compatible')).toMatchObject({ kind: 'openai-compatible', wire: 'openai' });
    for (const operation of ['chat', 'completion', 'embedding', 'models', 'messages'] as const) expect(adapter.supports(operation)).toBe(true);
  });

  it('uses paths relative to the versioned base URL', () => {
    const config = providerConfig('openai', 'https://api.openai.com/v1');
    const path = (operation: 'chat' | 'completion' | 'embedding' | 'models') =>
      adapter.buildRequest(makeCall({ provider: config, body: { model: 'a' }, operation }));
    expect(path('chat')).toMatchObject({ method: 'POST', path: '/chat/completions' });
    expect(path('completion')).toMatchObject({ method: 'POST', path: '/completions' });
    expect(path('embedding')).toMatchObject({ method: 'POST', path: '/embeddings' });
    expect(path('models')).toMatchObject({ method: 'GET', path: '/models', body: undefined });
  });

  it('replaces the model, keeps unknown fields, and sends the bearer key and configured headers', () => {
    const config = providerConfig('openai', 'https://api.openai.com/v1', { headers: { 'OpenAI-Organization': 'org-1' } });
    const body = { model: 'fast', messages, temperature: 0.2, some_new_param: { nested: [1, 2] }, metadata: { a: 'b' } };
    const request = adapter.buildRequest(makeCall({ provider: config, body, upstreamModel: 'gpt-4o-mini' }));
    expect(JSON.parse(request.body ?? '')).toEqual({ ...body, model: 'gpt-4o-mini' });
    expect(request.headers).toMatchObject({
      authorization: 'Bearer sk-test-secret',
      'content-type': 'application/json',
      'openai-organization': 'org-1',
    });
    const keyless = adapter.buildRequest(makeCall({ provider: providerConfig('openai-compatible', 'http://127.0.0.1:11434/v1', { apiKey: undefined }), body }));
    expect(keyless.headers.authorization).toBeUndefined();
  });

  it('asks for stream usage while keeping the client stream_options, only when streaming', () => {
    const body = { model: 'm', messages, stream: true, stream_options: { include_obfuscation: false } };
    const streamed = JSON.parse(adapter.buildRequest(makeCall({ provider: provider(), body })).body ?? '');
    expect(streamed.stream_options).toEqual({ include_obfuscation: false, include_usage: true });
    expect(body.stream_options).toEqual({ include_obfuscation: false });
    const plain = JSON.parse(adapter.buildRequest(makeCall({ provider: provider(), body: { model: 'm', messages } })).body ?? '');
    expect(plain.stream_options).toBeUndefined();
    const completion = JSON.parse(adapter.buildRequest(makeCall({ provider: provider(), body: { model: 'm', prompt: 'x', stream: true }, operation: 'completion' })).body ?? '');
    expect(completion.stream_options).toEqual({ include_usage: true });
  });

  it('adds OpenRouter attribution headers unless configured (any case)', () => {
    const openRouter = getAdapter('openrouter');
    const body = { model: 'm', messages };
    const defaults = openRouter.buildRequest(makeCall({ provider: providerConfig('openrouter', 'https://openrouter.ai/api/v1'), body })).headers;
    expect(defaults['http-referer']).toBeTruthy();
    expect(defaults['x-title']).toBe('Tollgate');
    const configured = openRouter.buildRequest(
      makeCall({ provider: providerConfig('openrouter', 'https://openrouter.ai/api/v1', { headers: { 'HTTP-Referer': 'https://me.example', 'X-Title': 'Mine' } }), body }),
    ).headers;
    expect(configured['http-referer']).toBe('https://me.example');
    expect(configured['x-title']).toBe('Mine');
    expect(Object.keys(configured).filter((name) => name.toLowerCase() === 'http-referer')).toHaveLength(1);
    expect(getAdapter('openai').buildRequest(makeCall({ provider: provider(), body })).headers['x-title']).toBeUndefined();
  });
});

describe('OpenAI adapter: JSON responses', () => {
  it('passes chat completions through with usage, served model and finish reason', async () => {
    const call = makeCall({ provider: provider(), body: { model: 'mock-small', messages, mock: { usage: { input: 2006, cacheRead: 1920, output: 300, reasoning: 256 } } } });
    const reply = await sendUpstream(adapter, call);
    const body = JSON.parse(reply.text) as unknown;
    const parsed = adapter.parseResponse(body, call);
    expect(parsed.passthrough).toBe(true);
    expect(parsed.body).toBe(body);
    expect(parsed.servedModel).toBe('mock-small');
    expect(parsed.finishReason).toBe('stop');
    expect(parsed.usage?.input).toEqual({ total: 2006, uncached: 86, cacheRead: 1920, cacheWrite: 0, cacheWrite1h: 0 });
    expect(parsed.usage?.output).toEqual({ total: 300, text: 44, reasoning: 256 });
  });

  it('reads embeddings usage as input only, and legacy completions', async () => {
    const embedCall = makeCall({ provider: provider(), body: { model: 'mock-embed', input: ['one two three', 'four'] }, operation: 'embedding' });
    const embeddings = adapter.parseResponse(JSON.parse((await sendUpstream(adapter, embedCall)).text), embedCall);
    expect(embeddings.usage?.input.total).toBeGreaterThan(0);
    expect(embeddings.usage?.output.total).toBe(0);
    const completionCall = makeCall({ provider: provider(), body: { model: 'mock-small', prompt: 'Say hi', max_tokens: 5 }, operation: 'completion' });
    const completion = adapter.parseResponse(JSON.parse((await sendUpstream(adapter, completionCall)).text), completionCall);
    expect(completion.usage?.output.total).toBeGreaterThan(0);
    expect(completion.passthrough).toBe(true);
  });

  it('tolerates bodies without usage or choices', () => {
    const call = makeCall({ provider: provider(), body: { model: 'm', messages } });
    expect(adapter.parseResponse({ id: 'x' }, call)).toMatchObject({ usage: undefined, servedModel: undefined, finishReason: undefined, passthrough: true });
    expect(adapter.parseResponse('not an object', call).usage).toBeUndefined();
  });
});

describe('OpenAI adapter: streams', () => {
  const text = 'The capital of France is Paris, of course.';
  const streamBody = (extra: Record<string, unknown> = {}) => ({
    model: 'mock-small',
    messages,
    stream: true,
    mock: { text, usage: { input: 40, cacheRead: 16, output: 11 } },
    ...extra,
  });

  it('strips the usage-only chunk the client did not ask for, relaying every other event byte for byte', async () => {
    const call = makeCall({ provider: provider(), body: streamBody() });
    expect(call.clientWantsStreamUsage).toBe(false);
    const upstream = (await sendUpstream(adapter, call)).text;
    const usageEvent = parseEvents(upstream).find((e) => e.data.includes('"choices":[]'));
    expect(usageEvent).toBeDefined();
    for (const chunkSize of [undefined, 1, 7, 64]) {
      const transformer = adapter.createStreamTransformer(call);
      const out = relayText(transformer, upstream, chunkSize);
      expect(out).toBe(upstream.replace(usageEvent?.raw ?? '', ''));
      expect(out.endsWith('data: [DONE]\n\n')).toBe(true);
      expect(transformer.usage()?.input).toMatchObject({ total: 40, cacheRead: 16, uncached: 24 });
      expect(transformer.usage()?.output.total).toBe(11);
      expect(transformer.servedModel()).toBe('mock-small');
      expect(transformer.finishReason()).toBe('stop');
      expect(transformer.outputText()).toBe(text);
    }
    const sdkText = await openAiSdkReplaying(relayText(adapter.createStreamTransformer(call), upstream))
      .chat.completions.stream({ model: 'mock-small', messages: [{ role: 'user', content: 'x' }] })
      .finalContent();
    expect(sdkText).toBe(text);
  });

  it('relays the whole stream unchanged when the client asked for usage', async () => {
    const call = makeCall({ provider: provider(), body: streamBody({ stream_options: { include_usage: true } }) });
    expect(call.clientWantsStreamUsage).toBe(true);
    const upstream = (await sendUpstream(adapter, call)).text;
    const transformer = adapter.createStreamTransformer(call);
    expect(relayText(transformer, upstream, 5)).toBe(upstream);
    expect(transformer.usage()?.input.total).toBe(40);
    expect(jsonPayloads(upstream).at(-1)?.usage).toBeDefined();
  });

  it('reports the first token only once content arrives', () => {
    const transformer = adapter.createStreamTransformer(makeCall({ provider: provider(), body: streamBody() }));
    transformer.push(event('{"id":"c","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}'));
    expect(transformer.hasFirstToken()).toBe(false);
    transformer.push(event('{"id":"c","model":"m","choices":[{"index":0,"delta":{"reasoning_content":"Let me think"}}]}'));
    expect(transformer.hasFirstToken()).toBe(true);
    transformer.push(event('{"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"Paris"}}]}'));
    expect(transformer.outputText()).toBe('Let me thinkParis');
  });

  it('counts tool call arguments as output text', async () => {
    const call = makeCall({
      provider: provider(),
      body: {
        model: 'mock-small',
        messages,
        stream: true,
        tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }],
        mock: { tool: { name: 'lookup', arguments: { q: 'Paris' } } },
      },
    });
    const transformer = adapter.createStreamTransformer(call);
    relayText(transformer, (await sendUpstream(adapter, call)).text);
    expect(transformer.hasFirstToken()).toBe(true);
    expect(transformer.outputText()).toContain('{"q":"Paris"}');
    expect(transformer.finishReason()).toBe('tool_calls');
  });

  it('takes usage from the last chunk carrying it (servers that repeat usage on every chunk)', () => {
    const transformer = adapter.createStreamTransformer(makeCall({ provider: provider(), body: streamBody() }));
    transformer.push(event('{"model":"m","choices":[{"index":0,"delta":{"content":"a"}}],"usage":{"prompt_tokens":10,"completion_tokens":1}}'));
    transformer.push(event('{"model":"m","choices":[{"index":0,"delta":{"content":"b"},"finish_reason":"length"}],"usage":{"prompt_tokens":10,"completion_tokens":2}}'));
    expect(transformer.usage()?.output.total).toBe(2);
    expect(transformer.finishReason()).toBe('length');
    expect(transformer.push(event('[DONE]'))).toEqual(['data: [DONE]\n\n']);
  });

  it('drops the usage-only chunk the client did not ask for, however that event is written, and reads its usage', () => {
    const content = 'data: {"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"Paris"},"finish_reason":"stop"}],"usage":null}\n\n';
    const usageJson = '{"id":"c","model":"m","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":3}}';
    const done = 'data: [DONE]\n\n';
    // One `data: ` line (the usual shape), `data:` without the space, and the same JSON over two `data:` lines (joined by the parser).
    const shapes = [`data: ${usageJson}\n\n`, `data:${usageJson}\n\n`, 'data: {"id":"c","model":"m","choices":[],\ndata: "usage":{"prompt_tokens":12,"completion_tokens":3}}\n\n'];
    for (const usageEvent of shapes) {
      const transformer = adapter.createStreamTransformer(makeCall({ provider: provider(), body: streamBody() }));
      expect(relayText(transformer, content + usageEvent + done)).toBe(content + done);
      expect(transformer.usage()?.input.total).toBe(12);
      expect(transformer.usage()?.output.total).toBe(3);
      expect(transformer.outputText()).toBe('Paris');
    }
    // A usage event with choices stays (the client needs its text); one whose JSON is broken is a bad upstream.
    const withChoices = content.replace('"usage":null', '"usage":{"prompt_tokens":12,"completion_tokens":3}') + done;
    expect(relayText(adapter.createStreamTransformer(makeCall({ provider: provider(), body: streamBody() })), withChoices)).toBe(withChoices);
    const broken = `${content}data: {"choices":[],"usage":{"prompt_tokens":1}\n\n${done}`;
    expect(() => relayText(adapter.createStreamTransformer(makeCall({ provider: provider(), body: streamBody() })), broken)).toThrow(GatewayError);
  });

  it('passes comments through and throws a GatewayError for an in-band error or a non-JSON event', () => {
    const transformer = adapter.createStreamTransformer(makeCall({ provider: provider(), body: streamBody() }));
    expect(transformer.push({ event: undefined, data: '', raw: ': OPENROUTER PROCESSING\n\n' })).toEqual([': OPENROUTER PROCESSING\n\n']);
    expect(() => transformer.push(event('{"error":{"message":"overloaded","type":"server_error"}}'))).toThrow(GatewayError);
    expect(() => transformer.push(event('not json'))).toThrow(GatewayError);
  });
});
