import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatUsd } from '../../src/domain/money.ts';
import { withMock } from '../../src/mock-provider/index.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { LIST_PRICES, expectedNanoUsd } from '../support/prices.ts';

/** The official OpenAI SDK, unchanged but for its base URL, through the gateway to the mock provider. */
describe('OpenAI SDK through the gateway', () => {
  let h: Harness;
  let client: OpenAI;

  beforeAll(async () => {
    h = await startHarness();
    client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'not-needed-in-demo', maxRetries: 0 });
  });
  afterAll(() => h.close());

  const messages = [{ role: 'user' as const, content: 'What is the capital of France?' }];
  const usage = { input: 1000, cacheRead: 400, output: 200, reasoning: 50 };

  it('chat JSON: content, usage and the exact cost in header and ledger', async () => {
    const { data, response } = await client.chat.completions
      .create(withMock({ model: 'gpt-4o-mini', messages }, { text: 'Paris.', usage }))
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('Paris.');
    expect(data.usage?.prompt_tokens).toBe(1000);
    expect(data.usage?.prompt_tokens_details?.cached_tokens).toBe(400);
    expect(data.usage?.completion_tokens_details?.reasoning_tokens).toBe(50);

    const expected = expectedNanoUsd(LIST_PRICES['gpt-4o-mini'], usage);
    expect(expected).toBe(240_000);
    expect(response.headers.get('x-tollgate-cost-usd')).toBe(formatUsd(expected));
    expect(response.headers.get('x-tollgate-model')).toContain('gpt-4o-mini');
    const id = response.headers.get('x-tollgate-request-id');
    expect(id).toBeTruthy();

    const row = (await h.ledger()).find((r) => r.id === id);
    expect(row).toMatchObject({
      operation: 'chat',
      wire: 'openai',
      stream: false,
      requestedModel: 'gpt-4o-mini',
      provider: 'mock-openai',
      projectId: 'demo',
      inputTokens: 1000,
      cacheReadTokens: 400,
      outputTokens: 200,
      reasoningTokens: 50,
      costNanoUsd: expected,
      priced: true,
      estimated: false,
      status: 200,
      errorCode: null,
    });
  });

  it('chat stream without include_usage: text relayed, usage chunk stripped, usage still metered', async () => {
    const stream = await client.chat.completions.create(
      withMock({ model: 'gpt-4o-mini', messages, stream: true as const }, { text: 'Paris is the capital.', usage: { input: 30, output: 7 } }),
    );
    let text = '';
    let sawUsage = false;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) sawUsage = true;
    }
    expect(text).toBe('Paris is the capital.');
    expect(sawUsage).toBe(false);
    // The gateway asked the upstream for usage even though the client did not.
    const sent = h.mock.requests.at(-1)?.body as { stream_options?: { include_usage?: boolean } };
    expect(sent.stream_options?.include_usage).toBe(true);
    const row = (await h.ledger()).at(-1);
    expect(row).toMatchObject({ stream: true, inputTokens: 30, outputTokens: 7, estimated: false, status: 200 });
    expect(row?.costNanoUsd).toBe(expectedNanoUsd(LIST_PRICES['gpt-4o-mini'], { input: 30, output: 7 }));
    expect(row?.ttftMs).not.toBeNull();
  });

  it('chat stream with include_usage: the client gets the usage chunk', async () => {
    const stream = await client.chat.completions.create(
      withMock(
        { model: 'gpt-4o', messages, stream: true as const, stream_options: { include_usage: true } },
        { usage: { input: 12, output: 5, cacheRead: 0 } },
      ),
    );
    let reported: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) if (chunk.usage) reported = chunk.usage;
    expect(reported).toMatchObject({ prompt_tokens: 12, completion_tokens: 5 });
    const row = (await h.ledger()).at(-1);
    expect(row?.costNanoUsd).toBe(expectedNanoUsd(LIST_PRICES['gpt-4o'], { input: 12, output: 5 }));
  });

  it('completions, embeddings and models', async () => {
    const completion = await client.completions.create(withMock({ model: 'gpt-4o-mini', prompt: 'Say hi' }, { text: 'hi', usage: { input: 3, output: 1 } }));
    expect(completion.choices[0]?.text).toBe('hi');

    const embedding = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['one', 'two'] });
    expect(embedding.data).toHaveLength(2);
    expect(embedding.data[0]?.embedding.length).toBeGreaterThan(0);
    const rows = await h.ledger();
    const embedRow = rows.at(-1);
    expect(embedRow).toMatchObject({ operation: 'embedding', priced: true, estimated: false });
    expect(embedRow?.inputTokens).toBe(embedding.usage.prompt_tokens);
    expect(embedRow?.costNanoUsd).toBe(expectedNanoUsd({ input: '0.02', output: '0' }, { input: embedding.usage.prompt_tokens, output: 0 }));

    const models = await client.models.list();
    const ids = models.data.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['gpt-4o-mini', 'gpt-4o', 'claude-3-5-haiku-latest']));
  });

  it('unknown request fields reach the upstream untouched', async () => {
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages, ...{ custom_field: { nested: [1, 2] }, seed: 7 } });
    const sent = h.mock.requests.at(-1)?.body as Record<string, unknown>;
    expect(sent.custom_field).toEqual({ nested: [1, 2] });
    expect(sent.seed).toBe(7);
  });

  it('an OpenAI client can call a Claude model (translated both ways, JSON and stream)', async () => {
    const usageIn = { input: 500, cacheRead: 100, cacheWrite: 200, output: 40 };
    const { data, response } = await client.chat.completions
      .create(withMock({ model: 'claude-3-5-haiku-latest', messages: [{ role: 'system' as const, content: 'Be brief.' }, ...messages], max_tokens: 100 }, { text: 'Paris.', usage: usageIn }))
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0]?.message.content).toBe('Paris.');
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.usage?.prompt_tokens).toBe(500);
    expect(data.usage?.completion_tokens).toBe(40);
    const expected = expectedNanoUsd(LIST_PRICES['claude-3-5-haiku-latest'], usageIn);
    expect(response.headers.get('x-tollgate-cost-usd')).toBe(formatUsd(expected));
    const sent = h.mock.requests.at(-1);
    expect(sent?.path).toBe('/v1/messages');
    expect((sent?.body as { system?: unknown }).system).toBeTruthy();

    const stream = await client.chat.completions.create(
      withMock({ model: 'claude-3-5-haiku-latest', messages, stream: true as const, stream_options: { include_usage: true } }, { text: 'Paris is lovely.', usage: usageIn }),
    );
    let text = '';
    let reported: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) reported = chunk.usage;
    }
    expect(text).toBe('Paris is lovely.');
    expect(reported?.prompt_tokens).toBe(500);
    const row = (await h.ledger()).at(-1);
    expect(row).toMatchObject({ stream: true, provider: 'mock-anthropic', costNanoUsd: expected, estimated: false });
  });
});
