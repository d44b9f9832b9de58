import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withMock } from '../../src/mock-provider/index.ts';
import { startHarness, type Harness } from '../support/harness.ts';

/**
 * Every kind of bad input and upstream failure gets a clear error in the caller's own envelope with
 * the right status, leaves a ledger row, and the gateway keeps serving.
 */
describe('bad input and upstream failures', () => {
  let h: Harness;
  let openai: OpenAI;
  let anthropic: Anthropic;

  beforeAll(async () => {
    h = await startHarness({
      config: (input, mockUrl) => ({
        ...input,
        server: { ...input.server, bodyLimitBytes: 64 * 1024 },
        defaultProvider: undefined,
        providers: {
          ...input.providers,
          'slow-openai': { kind: 'openai-compatible', baseUrl: `${mockUrl}/v1`, priceProvider: 'openai', headersTimeoutMs: 300, timeoutMs: 2_000 },
        },
        models: { ...input.models, 'slow-model': { target: 'gpt-4o-mini@slow-openai' } },
      }),
    });
    openai = h.openai();
    anthropic = new Anthropic({ baseURL: h.url, apiKey: 'anonymous', maxRetries: 0 });
  });
  afterAll(() => h.close());

  const messages = [{ role: 'user' as const, content: 'hi' }];

  async function post(path: string, body: string, headers: Record<string, string> = {}) {
    const response = await fetch(`${h.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    return { status: response.status, body: (await response.json()) as Record<string, any>, id: response.headers.get('x-tollgate-request-id') };
  }

  async function rowFor(id: string | null) {
    return (await h.ledger()).find((row) => row.id === id);
  }

  it('malformed JSON: 400 in the OpenAI envelope, and in the Anthropic one on /v1/messages', async () => {
    const oa = await post('/v1/chat/completions', '{"model": "gpt-4o-mini", "messages": [');
    expect(oa.status).toBe(400);
    expect(oa.body.error).toMatchObject({ type: 'invalid_request_error' });
    expect(oa.body.error.message).toMatch(/json/i);
    // Refused at the edge (issue #10 item 5): counted in metrics, never a ledger row.
    expect(await rowFor(oa.id)).toBeUndefined();

    const an = await post('/v1/messages', 'not json at all');
    expect(an.status).toBe(400);
    expect(an.body).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect(await rowFor(an.id)).toBeUndefined();
    expect(await h.server.gateway.runtime.deps.metrics.render()).toMatch(/tollgate_edge_rejections_total\{reason="invalid_json"\} [2-9]/);
  });

  it('wrong types and a missing model: 400 naming the field', async () => {
    const missing = await post('/v1/chat/completions', JSON.stringify({ messages }));
    expect(missing.status).toBe(400);
    expect(missing.body.error.param).toBe('model');
    const wrong = await post('/v1/chat/completions', JSON.stringify({ model: 'gpt-4o-mini', messages: 'hello' }));
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toMatch(/messages/);
    await expect(anthropic.messages.create({ model: 'claude-3-5-haiku-latest', messages } as never)).rejects.toMatchObject({ status: 400 });
  });

  it('an unknown model: 404 model_not_found through the SDK', async () => {
    const error = await openai.chat.completions.create({ model: 'no-such-model', messages }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).message).toMatch(/no-such-model/);
    const anError = await anthropic.messages.create({ model: 'no-such-model', max_tokens: 5, messages }).catch((e: unknown) => e);
    expect(anError).toBeInstanceOf(Anthropic.NotFoundError);
  });

  it('a body over the size limit: 413', async () => {
    const big = await post('/v1/chat/completions', JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x'.repeat(100_000) }] }));
    expect(big.status).toBe(413);
    expect(big.body.error.type).toBe('invalid_request_error');
    expect(await rowFor(big.id)).toBeUndefined();
    expect(await h.server.gateway.runtime.deps.metrics.render()).toMatch(/tollgate_edge_rejections_total\{reason="payload_too_large"\} 1/);
  });

  it('a bad key and a revoked key: 401, and the revoked one says so', async () => {
    const bad = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'tg-not-a-real-key-000000000000', maxRetries: 0 });
    await expect(bad.chat.completions.create({ model: 'gpt-4o-mini', messages })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);

    const created = (await (await h.admin('/api/keys', { method: 'POST', body: JSON.stringify({ name: 'temp', project: 'p1' }) })).json()) as { key: { id: string }; secret: string };
    const keyed = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: created.secret, maxRetries: 0 });
    const ok = await keyed.chat.completions.create({ model: 'gpt-4o-mini', messages }).withResponse();
    expect((await rowFor(ok.response.headers.get('x-tollgate-request-id')))?.projectId).toBe('p1');

    expect((await h.admin(`/api/keys/${created.key.id}`, { method: 'DELETE' })).status).toBe(200);
    const error = await keyed.chat.completions.create({ model: 'gpt-4o-mini', messages }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as Error).message).toMatch(/revoked/);
    const anthropicKeyed = new Anthropic({ baseURL: h.url, apiKey: created.secret, maxRetries: 0 });
    await expect(anthropicKeyed.messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 5, messages })).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
  });

  it('an upstream that times out: 504, retryable type, ledger row', async () => {
    const result = await openai.chat.completions.create(withMock({ model: 'slow-model', messages }, { hangMs: 1_500 })).withResponse().catch((e: unknown) => e);
    expect(result).toBeInstanceOf(OpenAI.APIError);
    expect((result as InstanceType<typeof OpenAI.APIError>).status).toBe(504);
    const row = (await h.ledger()).at(-1);
    expect(row).toMatchObject({ status: 504, errorCode: 'upstream_timeout', provider: 'slow-openai' });
  });

  it('an upstream 5xx: a 5xx error in the caller envelope, and the ledger says which', async () => {
    const error = await openai.chat.completions.create(withMock({ model: 'gpt-4o-mini', messages }, { fail: { status: 500 } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    const anError = await anthropic.messages
      .create(withMock({ model: 'claude-3-5-haiku-latest', max_tokens: 5, messages }, { fail: { status: 529 } }))
      .catch((e: unknown) => e);
    expect(anError).toBeInstanceOf(Anthropic.APIError);
    expect((anError as InstanceType<typeof Anthropic.APIError>).status).toBeGreaterThanOrEqual(500);
    const rows = (await h.ledger()).slice(-2);
    expect(rows.every((row) => row.status >= 500 && row.errorCode !== null)).toBe(true);
  });

  it('an upstream that returns garbage: 502 upstream_bad_response', async () => {
    const error = await openai.chat.completions.create(withMock({ model: 'gpt-4o-mini', messages }, { garbage: true })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect((await h.ledger()).at(-1)).toMatchObject({ status: 502, errorCode: 'upstream_bad_response' });
  });

  it('an upstream that closes mid-stream: an error event the SDK raises, and an estimated ledger row', async () => {
    const stream = await openai.chat.completions.create(
      withMock({ model: 'gpt-4o-mini', messages, stream: true as const }, { text: 'one two three four five six seven eight', dropAfterChunks: 3 }),
    );
    let text = '';
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(text.length).toBeGreaterThan(0);
    const row = (await h.ledger()).at(-1);
    expect(row?.stream).toBe(true);
    expect(row?.estimated).toBe(true);
    expect(row?.outputTokens).toBeGreaterThan(0);
    expect(row?.errorCode).not.toBeNull();
    expect(row?.costNanoUsd).toBeGreaterThan(0);

    const anStream = anthropic.messages.stream(
      withMock({ model: 'claude-3-5-haiku-latest', max_tokens: 50, messages }, { text: 'one two three four five six', dropAfterChunks: 2 }),
    );
    await expect(anStream.finalMessage()).rejects.toBeInstanceOf(Error);
    expect((await h.ledger()).at(-1)).toMatchObject({ wire: 'anthropic', estimated: true });
  });

  it('keeps serving after all of that', async () => {
    const answer = await openai.chat.completions.create(withMock({ model: 'gpt-4o-mini', messages }, { text: 'still here' }));
    expect(answer.choices[0]?.message.content).toBe('still here');
    const health = await fetch(`${h.url}/healthz`);
    expect(health.status).toBe(200);
  });
});

describe('an upstream that trickles a JSON answer forever', () => {
  it('is cut at the provider total deadline with a 504, though no gap between bytes is long', async () => {
    // A real HTTP server that sends its JSON body one byte every 20 ms: never idle, never done.
    const trickler = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => response.write(' '), 20);
      response.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => trickler.listen(0, '127.0.0.1', resolve));
    const port = (trickler.address() as AddressInfo).port;
    const h = await startHarness({
      config: (input) => ({
        ...input,
        providers: { ...input.providers, trickle: { kind: 'openai-compatible', baseUrl: `http://127.0.0.1:${port}/v1`, priceProvider: 'openai', timeoutMs: 1_000, totalTimeoutMs: 600 } },
        models: { ...input.models, trickled: { target: 'gpt-4o-mini@trickle' } },
        routing: { attemptsPerTarget: 1, backoffMs: 1, breakerThreshold: 100, breakerCooldownMs: 1_000 },
      }),
    });
    try {
      const openai = h.openai();
      const started = Date.now();
      const error = await openai.chat.completions.create({ model: 'trickled', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
      expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(504);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect((await h.ledger()).at(-1)).toMatchObject({ status: 504, errorCode: 'upstream_timeout', provider: 'trickle' });
    } finally {
      await h.close();
      trickler.closeAllConnections();
      await new Promise((resolve) => trickler.close(resolve));
    }
  });
});
