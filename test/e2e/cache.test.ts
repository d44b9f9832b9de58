import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formatUsd } from '../../src/domain/money.ts';
import { withMock } from '../../src/mock-provider/index.ts';
import { startHarness, type Harness } from '../support/harness.ts';

/** The exact response cache end to end, with the official SDKs. */
describe('exact response cache', () => {
  let h: Harness;
  let openai: OpenAI;

  beforeAll(async () => {
    h = await startHarness({
      config: (input) => ({
        ...input,
        server: { ...input.server, anonymous: undefined },
        keys: [
          { name: 'a', secret: 'tg-org-a-key-000000000000000000', org: 'org-a', project: 'p' },
          { name: 'b', secret: 'tg-org-b-key-000000000000000000', org: 'org-b', project: 'p' },
        ],
      }),
    });
    openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'tg-org-a-key-000000000000000000', maxRetries: 0 });
  });
  afterAll(() => h.close());
  beforeEach(() => h.mock.reset());

  const ask = (content: string, extra: Record<string, unknown> = {}) => ({ model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user' as const, content }], ...extra });

  it('a deterministic request is answered from the cache the second time: same answer, $0, savings recorded', async () => {
    const first = await openai.chat.completions.create(withMock(ask('What is the capital of France?'), { text: 'Paris.', usage: { input: 1000, output: 200 } })).withResponse();
    expect(first.response.headers.get('x-tollgate-cache')).toBe('miss');
    // Key order and whitespace do not matter.
    const second = await openai.chat.completions
      .create({ messages: [{ content: '  What is the   capital of France? ', role: 'user' }], temperature: 0, model: 'gpt-4o-mini', ...{ mock: { text: 'Paris.', usage: { input: 1000, output: 200 } } } })
      .withResponse();
    expect(second.response.headers.get('x-tollgate-cache')).toBe('hit');
    expect(second.data.choices[0]?.message.content).toBe('Paris.');
    expect(second.response.headers.get('x-tollgate-cost-usd')).toBe('0');
    expect(second.response.headers.get('x-tollgate-saved-usd')).toBe(first.response.headers.get('x-tollgate-cost-usd'));
    expect(h.mock.requests).toHaveLength(1);
    const rows = await h.ledger();
    expect(rows.at(-1)).toMatchObject({ cacheStatus: 'hit', costNanoUsd: 0, savedNanoUsd: rows.at(-2)!.costNanoUsd, inputTokens: 0 });
    expect(formatUsd(rows.at(-1)!.savedNanoUsd)).toBe('0.00027');
  });

  it('streaming clients get the cached answer replayed as SSE; a streamed answer is cached for JSON clients', async () => {
    // The same request as before (the mock directive is part of the body, hence of the key), streamed.
    const stream = await openai.chat.completions.create(withMock({ ...ask('What is the capital of France?'), stream: true as const, stream_options: { include_usage: true } }, { text: 'Paris.', usage: { input: 1000, output: 200 } }));
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Paris.');
    expect(usage?.prompt_tokens).toBe(1000);
    expect(h.mock.requests).toHaveLength(0);

    const streamed = await openai.chat.completions.create(withMock({ ...ask('Name three rivers.'), stream: true }, { text: 'Nile, Amazon, Yangtze.' }));
    for await (const _ of streamed) void _;
    const json = await openai.chat.completions.create(withMock(ask('Name three rivers.'), { text: 'Nile, Amazon, Yangtze.' })).withResponse();
    expect(json.response.headers.get('x-tollgate-cache')).toBe('hit');
    expect(json.data.choices[0]?.message.content).toBe('Nile, Amazon, Yangtze.');
  });

  it('the Anthropic wire is cached too', async () => {
    const anthropic = new Anthropic({ baseURL: h.url, apiKey: 'tg-org-a-key-000000000000000000', maxRetries: 0 });
    const params = { model: 'claude-3-5-haiku-latest', max_tokens: 50, temperature: 0, messages: [{ role: 'user' as const, content: 'Say hi' }] };
    await anthropic.messages.create(params);
    const again = await anthropic.messages.create(params).withResponse();
    expect(again.response.headers.get('x-tollgate-cache')).toBe('hit');
    const stream = anthropic.messages.stream(params);
    expect((await stream.finalMessage()).content[0]).toMatchObject({ type: 'text' });
    expect(h.mock.requests).toHaveLength(1);
  });

  it('policy: sampling requests bypass unless opted in; off and no-cache are honoured; errors are never cached', async () => {
    const warm = { model: 'gpt-4o-mini', temperature: 0.7, messages: [{ role: 'user' as const, content: 'Write a haiku' }] };
    expect((await openai.chat.completions.create(warm).withResponse()).response.headers.get('x-tollgate-cache')).toBe('bypass');
    await openai.chat.completions.create(warm);
    expect(h.mock.requests).toHaveLength(2);
    await openai.chat.completions.create(warm, { headers: { 'x-tollgate-cache': 'on' } });
    expect((await openai.chat.completions.create(warm, { headers: { 'x-tollgate-cache': 'on' } }).withResponse()).response.headers.get('x-tollgate-cache')).toBe('hit');
    expect((await openai.chat.completions.create(ask('What is the capital of France?'), { headers: { 'x-tollgate-cache': 'off' } }).withResponse()).response.headers.get('x-tollgate-cache')).toBe('bypass');
    const capital = ask('Capital of Italy?');
    await openai.chat.completions.create(capital);
    // The upstream's answer changes; no-cache fetches it afresh and stores it.
    h.mock.setDefaults({ text: 'Rome!' });
    const refreshed = await openai.chat.completions.create(capital, { headers: { 'cache-control': 'no-cache' } }).withResponse();
    expect(refreshed.response.headers.get('x-tollgate-cache')).toBe('miss');
    h.mock.setDefaults({});
    expect((await openai.chat.completions.create(capital)).choices[0]?.message.content).toBe('Rome!');

    await openai.chat.completions.create(withMock(ask('Flaky question'), { fail: { status: 500 } })).catch(() => undefined);
    const ok = await openai.chat.completions.create(withMock(ask('Flaky question'), { text: 'fine' })).withResponse();
    expect(ok.response.headers.get('x-tollgate-cache')).toBe('miss');
  });

  it('answers are never served across tenants', async () => {
    const other = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'tg-org-b-key-000000000000000000', maxRetries: 0 });
    const { response } = await other.chat.completions.create(ask('What is the capital of France?')).withResponse();
    expect(response.headers.get('x-tollgate-cache')).toBe('miss');
  });

  it('stats: hit rate and dollars saved from the ledger', async () => {
    const stats = (await (await h.admin('/api/cache/stats')).json()) as { hits: number; misses: number; hitRate: number; savedUsd: string; store: { kind: string; entries: number } };
    expect(stats.hits).toBeGreaterThanOrEqual(5);
    expect(stats.misses).toBeGreaterThanOrEqual(4);
    expect(stats.hitRate).toBeCloseTo(stats.hits / (stats.hits + stats.misses), 4);
    expect(Number(stats.savedUsd)).toBeGreaterThan(0);
    expect(stats.store).toMatchObject({ kind: 'memory' });
    expect(stats.store.entries).toBeGreaterThan(3);
  });
});
