import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.ts';

/**
 * #11.4: the context window is checked on every call whose window is known (config or price
 * catalogue), not only on routes: the prompt never goes upstream when it cannot fit.
 */
describe('routing: context window on every call', () => {
  let h: Harness;
  let openai: OpenAI;
  let anthropic: Anthropic;

  beforeAll(async () => {
    h = await startHarness({
      config: (input) => ({
        ...input,
        models: {
          ...input.models,
          small: { target: 'llama3.1:8b@mock-openai', contextWindow: 8_192 },
          'small-overflow': { target: 'llama3.2:3b@mock-openai', contextWindow: 8_192, overflowTarget: 'gpt-4o@mock-openai' },
          'small-then-big': { target: 'qwen2.5:7b@mock-openai', contextWindow: 8_192, fallbacks: ['gpt-4o@mock-openai'] },
        },
        cache: { enabled: false },
      }),
    });
    openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'demo', maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: h.url, apiKey: 'demo', maxRetries: 0 });
  });
  afterAll(async () => {
    await h.close();
  });

  // About 9,000 tokens (o200k): "token" repeated.
  const long = 'token '.repeat(9_000);
  const upstreamCalls = () => h.mock.requests.length;

  it('a ~9,000-token prompt sent straight to an 8,192-context alias is refused like OpenAI does, before the upstream', async () => {
    const before = upstreamCalls();
    const error = await openai.chat.completions.create({ model: 'small', messages: [{ role: 'user', content: long }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const bad = error as InstanceType<typeof OpenAI.BadRequestError>;
    expect(bad.code).toBe('context_length_exceeded');
    expect(bad.param).toBe('messages');
    expect(bad.message).toMatch(/maximum context length is 8192 tokens/);
    expect(upstreamCalls()).toBe(before);
    const row = (await h.ledger()).at(-1)!;
    expect(row).toMatchObject({ status: 400, errorCode: 'context_length_exceeded' });
  });

  it('the Anthropic wire gets its own envelope', async () => {
    const before = upstreamCalls();
    const error = await anthropic.messages.create({ model: 'small', max_tokens: 50, messages: [{ role: 'user', content: long }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as InstanceType<typeof Anthropic.BadRequestError>).error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringMatching(/prompt is too long/) } });
    expect(upstreamCalls()).toBe(before);
  });

  it('the catalogue\'s window counts too: a model@provider name without any config is checked', async () => {
    const before = upstreamCalls();
    // text-embedding-3-small has an 8,192-token window in the price catalogue; gpt-4 (8,192) too.
    const error = await openai.chat.completions.create({ model: 'gpt-4@mock-openai', messages: [{ role: 'user', content: long }] }).catch((e: unknown) => e);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('context_length_exceeded');
    expect(upstreamCalls()).toBe(before);
  });

  it('a prompt nested too deeply to count is the client\'s 400, not a 500', async () => {
    const deep = `${'['.repeat(30_000)}"x"${']'.repeat(30_000)}`;
    const response = await fetch(`${h.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"model":"gpt-4o-mini","messages":[{"role":"user","content":${deep}}]}`,
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
  });

  it('an alias with an overflow target hands the long prompt over; a chain drops only the targets it overflows', async () => {
    const over = await openai.chat.completions.create({ model: 'small-overflow', messages: [{ role: 'user', content: long }] }).withResponse();
    expect(over.response.headers.get('x-tollgate-model')).toBe('gpt-4o');
    const chain = await openai.chat.completions.create({ model: 'small-then-big', messages: [{ role: 'user', content: long }] }).withResponse();
    expect(chain.response.headers.get('x-tollgate-model')).toBe('gpt-4o');
    expect(chain.response.headers.get('x-tollgate-route')).toMatch(/skipped:qwen2\.5:7b@mock-openai\(context\)/);
    // A short prompt stays on the small model.
    const short = await openai.chat.completions.create({ model: 'small-then-big', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(short.response.headers.get('x-tollgate-model')).toBe('qwen2.5:7b');
  });
});
