import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatUsd } from '../../src/domain/money.ts';
import { withMock } from '../../src/mock-provider/index.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { LIST_PRICES, expectedNanoUsd } from '../support/prices.ts';

/** The official Anthropic SDK, unchanged but for its base URL, through the gateway to the mock provider. */
describe('Anthropic SDK through the gateway', () => {
  let h: Harness;
  let client: Anthropic;

  beforeAll(async () => {
    h = await startHarness();
    client = new Anthropic({ baseURL: h.url, apiKey: 'not-needed-in-demo', maxRetries: 0 });
  });
  afterAll(() => h.close());

  const messages = [{ role: 'user' as const, content: 'Name a prime number.' }];
  const usage = { input: 2000, cacheRead: 1200, cacheWrite: 300, output: 150 };
  const price = LIST_PRICES['claude-3-5-haiku-latest'];

  it('messages JSON: content, cache usage and exact cost', async () => {
    const { data, response } = await client.messages
      .create(withMock({ model: 'claude-3-5-haiku-latest', max_tokens: 64, messages }, { text: 'Seven.', usage }), {
        headers: { 'anthropic-beta': 'prompt-caching-2024-07-31' },
      })
      .withResponse();
    expect(data.content[0]).toMatchObject({ type: 'text', text: 'Seven.' });
    expect(data.usage.input_tokens).toBe(500);
    expect(data.usage.cache_read_input_tokens).toBe(1200);
    expect(data.usage.cache_creation_input_tokens).toBe(300);
    const expected = expectedNanoUsd(price, usage);
    expect(response.headers.get('x-tollgate-cost-usd')).toBe(formatUsd(expected));
    // The client's API version and betas are forwarded as it sent them.
    const forwarded = h.mock.requests.at(-1)?.headers;
    expect(forwarded?.['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(forwarded?.['anthropic-beta']).toBe('prompt-caching-2024-07-31');
    expect(forwarded?.['x-api-key']).toBe('mock');

    const row = (await h.ledger()).find((r) => r.id === response.headers.get('x-tollgate-request-id'));
    expect(row).toMatchObject({
      operation: 'messages',
      wire: 'anthropic',
      provider: 'mock-anthropic',
      inputTokens: 2000,
      cacheReadTokens: 1200,
      cacheWriteTokens: 300,
      outputTokens: 150,
      costNanoUsd: expected,
      estimated: false,
    });
  });

  it('messages stream: events relayed, final usage and cost metered', async () => {
    const stream = client.messages.stream(withMock({ model: 'claude-3-5-haiku-latest', max_tokens: 64, messages }, { text: 'Two, three and five.', usage }));
    let text = '';
    stream.on('text', (delta) => {
      text += delta;
    });
    const final = await stream.finalMessage();
    expect(text).toBe('Two, three and five.');
    expect(final.usage.output_tokens).toBe(150);
    expect(final.usage.cache_read_input_tokens).toBe(1200);
    const row = (await h.ledger()).at(-1);
    expect(row).toMatchObject({ stream: true, inputTokens: 2000, outputTokens: 150, costNanoUsd: expectedNanoUsd(price, usage), estimated: false });
    expect(row?.ttftMs).not.toBeNull();
  });

  it('an Anthropic client can call an OpenAI-wire model (translated both ways, JSON and stream)', async () => {
    const openaiUsage = { input: 800, cacheRead: 200, output: 60 };
    const data = await client.messages.create(
      withMock({ model: 'gpt-4o-mini', max_tokens: 64, system: 'Be brief.', messages }, { text: 'Eleven.', usage: openaiUsage }),
    );
    expect(data.type).toBe('message');
    expect(data.content[0]).toMatchObject({ type: 'text', text: 'Eleven.' });
    expect(data.stop_reason).toBe('end_turn');
    expect(data.usage.input_tokens + (data.usage.cache_read_input_tokens ?? 0)).toBe(800);
    expect(data.usage.output_tokens).toBe(60);
    const sent = h.mock.requests.at(-1);
    expect(sent?.path).toBe('/v1/chat/completions');
    expect((sent?.body as { messages: Array<{ role: string }> }).messages[0]?.role).toBe('system');

    const stream = client.messages.stream(withMock({ model: 'gpt-4o-mini', max_tokens: 64, messages }, { text: 'Thirteen is prime.', usage: openaiUsage }));
    let text = '';
    stream.on('text', (delta) => {
      text += delta;
    });
    const final = await stream.finalMessage();
    expect(text).toBe('Thirteen is prime.');
    expect(final.usage.output_tokens).toBe(60);
    const row = (await h.ledger()).at(-1);
    expect(row).toMatchObject({ stream: true, wire: 'anthropic', provider: 'mock-openai', costNanoUsd: expectedNanoUsd(LIST_PRICES['gpt-4o-mini'], openaiUsage) });
  });
});
