import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../domain/errors.ts';
import { startMockProvider, type MockProvider } from '../../mock-provider/index.ts';
import { getAdapter } from '../registry.ts';
import { anthropicSdkReplaying, makeCall, providerConfig, relayText, sendUpstream } from '../testing/harness.ts';
import type { SseEvent } from '../types.ts';
import { createAnthropicAdapter } from './adapter.ts';

let mock: MockProvider;
beforeAll(async () => {
  mock = await startMockProvider({ strict: true });
});
afterAll(() => mock.close());

const adapter = createAnthropicAdapter();
const provider = () => providerConfig('anthropic', mock.url);
const messagesBody = (extra: Record<string, unknown> = {}) => ({
  model: 'claude-mock',
  max_tokens: 256,
  messages: [{ role: 'user', content: 'What is the capital of France?' }],
  ...extra,
});
const messagesCall = (body: Record<string, unknown>, clientHeaders?: Record<string, string>) =>
  makeCall({ provider: provider(), body, clientWire: 'anthropic', operation: 'messages', ...(clientHeaders && { clientHeaders }) });

function named(type: string, data: Record<string, unknown>): SseEvent {
  const text = JSON.stringify({ type, ...data });
  return { event: type, data: text, raw: `event: ${type}\ndata: ${text}\n\n` };
}

describe('Anthropic adapter: requests', () => {
  it('is the anthropic singleton and serves messages and (translated) chat only', () => {
    expect(getAdapter('anthropic')).toBe(getAdapter('anthropic'));
    expect(getAdapter('anthropic')).toMatchObject({ kind: 'anthropic', wire: 'anthropic' });
    expect(adapter.supports('messages')).toBe(true);
    expect(adapter.supports('chat')).toBe(true);
    expect(adapter.supports('embedding')).toBe(false);
    expect(adapter.supports('completion')).toBe(false);
  });

  it('posts to /v1/messages with the key, a default version and configured headers, body untouched but the model', () => {
    const body = messagesBody({ metadata: { user_id: 'u1' }, some_future_field: true });
    const request = adapter.buildRequest({
      ...messagesCall(body),
      upstreamModel: 'claude-sonnet-4-5',
      provider: providerConfig('anthropic', 'https://api.anthropic.com', { headers: { 'X-Custom': '1' } }),
    });
    expect(request).toMatchObject({ method: 'POST', path: '/v1/messages' });
    expect(request.headers).toMatchObject({ 'x-api-key': 'sk-test-secret', 'anthropic-version': '2023-06-01', 'content-type': 'application/json', 'x-custom': '1' });
    expect(request.headers['anthropic-beta']).toBeUndefined();
    expect(request.headers.authorization).toBeUndefined();
    expect(JSON.parse(request.body ?? '')).toEqual({ ...body, model: 'claude-sonnet-4-5' });
  });

  it("forwards the client's anthropic-version and anthropic-beta", () => {
    const request = adapter.buildRequest(messagesCall(messagesBody(), { 'anthropic-version': '2024-01-01', 'anthropic-beta': 'prompt-caching-2024-07-31' }));
    expect(request.headers['anthropic-version']).toBe('2024-01-01');
    expect(request.headers['anthropic-beta']).toBe('prompt-caching-2024-07-31');
  });
});

describe('Anthropic adapter: JSON responses', () => {
  it('passes messages through with usage counting cache reads and writes as input', async () => {
    const call = messagesCall(messagesBody({ mock: { usage: { input: 16_566, cacheRead: 14_512, cacheWrite: 2051, output: 503 } } }));
    const reply = await sendUpstream(adapter, call);
    expect(reply.status).toBe(200);
    const body = JSON.parse(reply.text) as unknown;
    const parsed = adapter.parseResponse(body, call);
    expect(parsed).toMatchObject({ passthrough: true, servedModel: 'claude-mock', finishReason: 'end_turn' });
    expect(parsed.body).toBe(body);
    expect(parsed.usage?.input).toMatchObject({ total: 16_566, uncached: 3, cacheRead: 14_512, cacheWrite: 2051 });
    expect(parsed.usage?.output.total).toBe(503);
  });
});

describe('Anthropic adapter: streams', () => {
  it('relays the stream byte for byte and reads cumulative usage without double counting', async () => {
    const text = 'Paris is the capital of France.';
    const call = messagesCall(messagesBody({ stream: true, mock: { text, usage: { input: 1000, cacheRead: 600, cacheWrite: 100, output: 9 } } }));
    const upstream = (await sendUpstream(adapter, call)).text;
    expect(upstream).toContain('event: message_delta');
    for (const chunkSize of [undefined, 1, 13]) {
      const transformer = adapter.createStreamTransformer(call);
      expect(relayText(transformer, upstream, chunkSize)).toBe(upstream);
      expect(transformer.usage()?.input).toMatchObject({ total: 1000, uncached: 300, cacheRead: 600, cacheWrite: 100 });
      expect(transformer.usage()?.output.total).toBe(9);
      expect(transformer.servedModel()).toBe('claude-mock');
      expect(transformer.finishReason()).toBe('end_turn');
      expect(transformer.outputText()).toBe(text);
      expect(transformer.hasFirstToken()).toBe(true);
    }
    const final = await anthropicSdkReplaying(upstream).messages.stream(messagesBody() as never).finalMessage();
    expect(final.usage.input_tokens).toBe(300);
  });

  it('takes the latest value of each usage field: message_delta repeats cumulative counts', () => {
    const transformer = adapter.createStreamTransformer(messagesCall(messagesBody({ stream: true })));
    transformer.push(
      named('message_start', {
        message: {
          id: 'msg_1',
          model: 'claude-sonnet-4-5-20250929',
          usage: { input_tokens: 3, cache_creation_input_tokens: 2051, cache_read_input_tokens: 14_512, output_tokens: 1 },
        },
      }),
    );
    expect(transformer.usage()?.input.total).toBe(16_566);
    expect(transformer.usage()?.output.total).toBe(1);
    expect(transformer.hasFirstToken()).toBe(false);
    transformer.push(named('content_block_start', { index: 0, content_block: { type: 'thinking', thinking: '' } }));
    transformer.push(named('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: 'Hmm. ' } }));
    expect(transformer.hasFirstToken()).toBe(true);
    transformer.push(named('content_block_delta', { index: 0, delta: { type: 'signature_delta', signature: 'sig' } }));
    transformer.push(named('content_block_start', { index: 1, content_block: { type: 'text', text: '' } }));
    transformer.push(named('content_block_delta', { index: 1, delta: { type: 'text_delta', text: 'Let me look.' } }));
    transformer.push(named('content_block_start', { index: 2, content_block: { type: 'tool_use', id: 'toolu_1', name: 'search', input: {} } }));
    transformer.push(named('content_block_delta', { index: 2, delta: { type: 'input_json_delta', partial_json: '{"q":"x"}' } }));
    // First delta: output only. Second: the input side repeated (cumulative), plus a later output count.
    transformer.push(named('message_delta', { delta: { stop_reason: null }, usage: { output_tokens: 200 } }));
    transformer.push(
      named('message_delta', {
        delta: { stop_reason: 'tool_use', stop_sequence: null },
        usage: { input_tokens: 3, cache_creation_input_tokens: 2051, cache_read_input_tokens: 14_512, output_tokens: 503, server_tool_use: { web_search_requests: 1 } },
      }),
    );
    transformer.push(named('message_stop', {}));
    expect(transformer.usage()?.input).toEqual({ total: 16_566, uncached: 3, cacheRead: 14_512, cacheWrite: 2051, cacheWrite1h: 0 });
    expect(transformer.usage()?.output.total).toBe(503);
    expect(transformer.usage()?.units).toEqual({ web_searches: 1 });
    expect(transformer.finishReason()).toBe('tool_use');
    expect(transformer.servedModel()).toBe('claude-sonnet-4-5-20250929');
    expect(transformer.outputText()).toBe('Hmm. Let me look.search{"q":"x"}');
  });

  it('keeps message_start input counts when message_delta reports output only', () => {
    const transformer = adapter.createStreamTransformer(messagesCall(messagesBody({ stream: true })));
    transformer.push(named('message_start', { message: { model: 'c', usage: { input_tokens: 50, cache_read_input_tokens: 10, output_tokens: 1 } } }));
    transformer.push(named('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 42 } }));
    expect(transformer.usage()?.input).toMatchObject({ total: 60, uncached: 50, cacheRead: 10 });
    expect(transformer.usage()?.output.total).toBe(42);
  });

  it('passes ping events through and throws a GatewayError for an in-band error event', () => {
    const transformer = adapter.createStreamTransformer(messagesCall(messagesBody({ stream: true })));
    const ping = named('ping', {});
    expect(transformer.push(ping)).toEqual([ping.raw]);
    const error = (() => {
      try {
        transformer.push(named('error', { error: { type: 'overloaded_error', message: 'Overloaded' } }));
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: true });
  });
});
