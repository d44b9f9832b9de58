import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockProvider, type MockProvider } from '../mock-provider/index.ts';
import { getAdapter } from './registry.ts';
import { makeCall, providerConfig, sendUpstream } from './testing/harness.ts';
import { parseUpstreamError } from './upstream-error.ts';

const openAiBody = (message: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code: null, ...extra } });
const anthropicBody = (message: string, type = 'invalid_request_error') => JSON.stringify({ type: 'error', error: { type, message } });

describe('parseUpstreamError', () => {
  it('keeps 400 and 422 with the upstream message verbatim, from both envelopes', () => {
    const contextLength = "This model's maximum context length is 128000 tokens. However, your messages resulted in 130123 tokens.";
    const openAi = parseUpstreamError(400, openAiBody(contextLength, { code: 'context_length_exceeded', param: 'messages' }), {});
    expect(openAi).toMatchObject({ code: 'invalid_request', status: 400, message: contextLength, param: 'messages', retryable: false });
    const anthropic = parseUpstreamError(400, anthropicBody('prompt is too long: 215000 tokens > 200000 maximum'), {});
    expect(anthropic).toMatchObject({ code: 'invalid_request', status: 400, message: 'prompt is too long: 215000 tokens > 200000 maximum' });
    expect(parseUpstreamError(422, JSON.stringify({ detail: 'temperature must be <= 2' }), {})).toMatchObject({
      code: 'invalid_request',
      status: 422,
      message: 'temperature must be <= 2',
    });
    expect(parseUpstreamError(413, anthropicBody('request too large', 'request_too_large'), {})).toMatchObject({ code: 'payload_too_large', status: 413 });
  });

  it('turns 401/403 into a 502 about the gateway credential, never echoing the key', () => {
    for (const status of [401, 403]) {
      const error = parseUpstreamError(status, openAiBody('Incorrect API key provided: sk-proj-abc123. You can find your API key at …'), {});
      expect(error.code).toBe('upstream_error');
      expect(error.status).toBe(502);
      expect(error.retryable).toBe(false);
      expect(error.message).toContain(`HTTP ${status}`);
      expect(error.message).toContain('apiKey');
      expect(error.message).not.toContain('sk-proj');
    }
  });

  it('maps 404 to model_not_found when the message mentions a model, else not_found', () => {
    expect(parseUpstreamError(404, openAiBody('The model `gpt-9` does not exist or you do not have access to it.'), {})).toMatchObject({
      code: 'model_not_found',
      status: 404,
    });
    expect(parseUpstreamError(404, anthropicBody('model: claude-nope', 'not_found_error'), {}).code).toBe('model_not_found');
    expect(parseUpstreamError(404, '<html>Not Found</html>', {})).toMatchObject({ code: 'not_found', status: 404, message: 'the upstream answered HTTP 404' });
  });

  it('makes 429 retryable and carries retry-after (and retry-after-ms)', () => {
    const error = parseUpstreamError(429, openAiBody('Rate limit reached for gpt-4o'), { 'retry-after': '7', 'retry-after-ms': '6500', 'x-other': 'y' });
    expect(error).toMatchObject({ code: 'rate_limited', status: 429, retryable: true });
    expect(error.headers).toEqual({ 'retry-after': '7', 'retry-after-ms': '6500' });
    expect(error.message).toContain('Rate limit reached');
    expect(parseUpstreamError(429, '', { 'Retry-After': ['3', '4'] }).headers).toEqual({ 'retry-after': '3' });
  });

  it('makes 5xx retryable: 503 and 529 are upstream_unavailable, others upstream_error', () => {
    expect(parseUpstreamError(500, openAiBody('The server had an error'), {})).toMatchObject({ code: 'upstream_error', status: 502, retryable: true });
    expect(parseUpstreamError(502, 'Bad Gateway', {})).toMatchObject({ code: 'upstream_error', retryable: true, message: 'upstream: Bad Gateway' });
    expect(parseUpstreamError(503, '', { 'retry-after': '2' })).toMatchObject({ code: 'upstream_unavailable', status: 503, retryable: true });
    expect(parseUpstreamError(529, anthropicBody('Overloaded', 'overloaded_error'), {})).toMatchObject({
      code: 'upstream_unavailable',
      retryable: true,
      message: 'upstream: Overloaded',
    });
    expect(parseUpstreamError(408, '', {})).toMatchObject({ code: 'upstream_timeout', retryable: true });
  });

  it('survives garbage bodies: HTML, truncated JSON, JSON without a message, huge text', () => {
    expect(parseUpstreamError(500, '<!DOCTYPE html><html><body>nginx</body></html>', {}).message).toBe('the upstream answered HTTP 500');
    expect(parseUpstreamError(500, '{"error": {"mess', {}).message).toBe('upstream: {"error": {"mess');
    expect(parseUpstreamError(500, '[1,2,3]', {}).message).toBe('the upstream answered HTTP 500');
    expect(parseUpstreamError(500, '{"error":{"code":42}}', {}).message).toBe('the upstream answered HTTP 500');
    expect(parseUpstreamError(400, '{"error":"plain string error"}', {}).message).toBe('plain string error');
    expect(parseUpstreamError(500, 'x'.repeat(100_000), {}).message.length).toBeLessThan(400);
    expect(parseUpstreamError(418, 'teapot', {})).toMatchObject({ code: 'upstream_error', retryable: false });
  });
});

describe('parseError against the mock provider', () => {
  let mock: MockProvider;
  beforeAll(async () => {
    mock = await startMockProvider();
  });
  afterAll(() => mock.close());

  const cases = [
    { status: 400, code: 'invalid_request', retryable: false },
    { status: 401, code: 'upstream_error', retryable: false },
    { status: 404, code: 'not_found', retryable: false },
    { status: 429, code: 'rate_limited', retryable: true },
    { status: 500, code: 'upstream_error', retryable: true },
    { status: 503, code: 'upstream_unavailable', retryable: true },
    { status: 529, code: 'upstream_unavailable', retryable: true },
  ] as const;

  for (const kind of ['openai', 'anthropic'] as const) {
    it(`maps ${kind} error responses`, async () => {
      const adapter = getAdapter(kind);
      for (const { status, code, retryable } of cases) {
        const provider = providerConfig(kind, kind === 'openai' ? `${mock.url}/v1` : mock.url);
        const body =
          kind === 'openai'
            ? { model: 'mock-small', messages: [{ role: 'user', content: 'hi' }], mock: { fail: { status, message: `failure ${status}` } } }
            : { model: 'claude-mock', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], mock: { fail: { status, message: `failure ${status}` } } };
        const call = makeCall({ provider, body, clientWire: kind, operation: kind === 'openai' ? 'chat' : 'messages' });
        const reply = await sendUpstream(adapter, call);
        expect(reply.status).toBe(status);
        const error = adapter.parseError(reply.status, reply.text, reply.headers);
        expect(error.code).toBe(code);
        expect(error.retryable).toBe(retryable);
        if (status === 400) expect(error.message).toBe('failure 400');
        if (status === 429) expect(error.headers['retry-after']).toBe('1');
        expect(error.message).not.toContain('sk-test-secret');
      }
    });
  }
});
