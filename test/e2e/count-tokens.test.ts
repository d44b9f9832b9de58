import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withMock } from '../../src/mock-provider/index.ts';
import { estimateInputTokens } from '../../src/domain/estimate.ts';
import { startHarness, type Harness } from '../support/harness.ts';

const KEY = 'tg-count-tokens-key-000000000000';

/** Issue #11.11: Anthropic's `POST /v1/messages/count_tokens`, as the SDK's `messages.countTokens` calls it. */
describe('count_tokens', () => {
  let h: Harness;
  let anthropic: Anthropic;
  beforeAll(async () => {
    h = await startHarness({
      config: (input) => ({ ...input, server: { ...input.server, anonymous: undefined }, keys: [{ name: 'k', secret: KEY, org: 'acme', project: 'p' }] }),
    });
    anthropic = new Anthropic({ baseURL: h.url, apiKey: KEY, maxRetries: 0 });
  });
  afterAll(() => h.close());
  beforeEach(() => h.mock.reset());

  const messages = [{ role: 'user' as const, content: 'How many tokens is this sentence, roughly?' }];

  it('a model served by an Anthropic provider is counted upstream (its answer, its upstream model name), with no ledger row', async () => {
    const before = (await h.ledger()).length;
    const { data, response } = await anthropic.messages.countTokens(withMock({ model: 'claude-3-5-haiku-latest', system: 'Be brief.', messages }, { usage: { input: 4242, output: 0 } })).withResponse();
    expect(data.input_tokens).toBe(4242);
    expect(response.headers.get('x-tollgate-provider')).toBe('mock-anthropic');
    expect(h.mock.requests).toHaveLength(1);
    expect(h.mock.requests[0]).toMatchObject({ path: '/v1/messages/count_tokens' });
    expect((h.mock.requests[0]!.body as { model: string }).model).toBe('claude-3-5-haiku-latest');
    expect(await h.ledger()).toHaveLength(before);
  });

  it('any other model is counted locally with the gateway tokenizer, marked as an estimate', async () => {
    const body = { model: 'gpt-4o-mini', system: 'Be brief.', messages, tools: [{ name: 'lookup', description: 'Look a word up', input_schema: { type: 'object' as const, properties: {} } }] };
    const { data, response } = await anthropic.messages.countTokens(body).withResponse();
    expect(data.input_tokens).toBe(estimateInputTokens(body));
    expect(data.input_tokens).toBeGreaterThan(10);
    expect(response.headers.get('x-tollgate-usage-estimated')).toBe('true');
    expect(h.mock.requests).toHaveLength(0);
  });

  it('bad input and bad keys are errors in the Anthropic envelope; an upstream error names the provider', async () => {
    for (const body of [{ model: 'claude-3-5-haiku-latest' }, { model: '', messages }, { model: 'gpt-4o-mini', messages: [null] }, { messages }]) {
      const error = await anthropic.messages.countTokens(body as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Anthropic.BadRequestError);
      expect((error as InstanceType<typeof Anthropic.BadRequestError>).error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    }
    const raw = await fetch(`${h.url}/v1/messages/count_tokens`, { method: 'POST', headers: { 'x-api-key': KEY, 'content-type': 'application/json' }, body: '[1,2' });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toMatchObject({ type: 'error' });

    const stranger = new Anthropic({ baseURL: h.url, apiKey: 'tg-not-a-real-key-000000000000000', maxRetries: 0 });
    expect(await stranger.messages.countTokens({ model: 'gpt-4o-mini', messages }).catch((e: unknown) => e)).toBeInstanceOf(Anthropic.AuthenticationError);

    const failed = await anthropic.messages.countTokens(withMock({ model: 'claude-3-5-haiku-latest', messages }, { fail: { status: 429 } })).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(Anthropic.RateLimitError);
    expect((failed as InstanceType<typeof Anthropic.APIError>).headers?.get('x-tollgate-provider')).toBe('mock-anthropic');
  });
});
