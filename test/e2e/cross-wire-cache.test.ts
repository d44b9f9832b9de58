import Anthropic from '@anthropic-ai/sdk';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withMock } from '../../src/mock-provider/index.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { NO_REDIS, redisAvailable, startRedisServer, type RedisServer } from '../support/redis-server.ts';
import { skipUnless } from '../support/skip-unless.ts';

/**
 * Issue #12.4: answers are cached in one neutral form. An OpenAI client and an Anthropic client
 * asking the same deterministic question of the same model share an entry: the second is a hit, in
 * its own wire format, as JSON and streamed, whichever asked first.
 */
describe('one cache for both wire formats', () => {
  let h: Harness;
  let openai: OpenAI;
  let anthropic: Anthropic;

  beforeAll(async () => {
    h = await startHarness();
    openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'none', maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: h.url, apiKey: 'none', maxRetries: 0 });
  });
  afterAll(() => h.close());
  beforeEach(() => h.mock.reset());

  const SYSTEM = 'You answer in one short sentence.';
  const usage = { input: 1500, output: 120 };
  /** The same question on each wire: system prompt, one user turn, temperature 0, the same output cap. */
  const chat = (question: string, model = 'gpt-4o-mini', system = SYSTEM) =>
    withMock({ model, temperature: 0, max_tokens: 64, messages: [{ role: 'system' as const, content: system }, { role: 'user' as const, content: question }] }, { usage });
  const messages = (question: string, model = 'gpt-4o-mini', system = SYSTEM) =>
    withMock({ model, temperature: 0, max_tokens: 64, system, messages: [{ role: 'user' as const, content: question }] }, { usage });

  const anthropicText = (message: Anthropic.Message) => message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');

  async function openAiStream(params: ReturnType<typeof chat>, includeUsage: boolean) {
    const { data, response } = await openai.chat.completions.create({ ...params, stream: true, ...(includeUsage ? { stream_options: { include_usage: true } } : {}) }).withResponse();
    let text = '';
    let finish: string | null | undefined;
    let streamUsage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of data) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) streamUsage = chunk.usage;
    }
    return { text, finish, usage: streamUsage, cache: response.headers.get('x-tollgate-cache') };
  }

  async function anthropicStream(params: ReturnType<typeof messages>) {
    const stream = anthropic.messages.stream(params);
    const message = await stream.finalMessage();
    const { response } = await stream.withResponse();
    return { message, text: anthropicText(message), cache: response.headers.get('x-tollgate-cache') };
  }

  it('JSON: an OpenAI client pays, an Anthropic client asking the same gets the answer from the cache as a Messages response', async () => {
    const first = await openai.chat.completions.create(chat('What is the tallest mountain on Earth?')).withResponse();
    expect(first.response.headers.get('x-tollgate-cache')).toBe('miss');
    const text = first.data.choices[0]?.message.content;
    expect(text).toBeTruthy();

    const second = await anthropic.messages.create(messages('What is the tallest mountain on Earth?')).withResponse();
    expect(second.response.headers.get('x-tollgate-cache')).toBe('hit');
    expect(second.response.headers.get('x-tollgate-cost-usd')).toBe('0');
    expect(second.response.headers.get('x-tollgate-saved-usd')).toBe(first.response.headers.get('x-tollgate-cost-usd'));
    expect(second.data).toMatchObject({ type: 'message', role: 'assistant', stop_reason: 'end_turn', model: first.data.model });
    expect(second.data.id).toMatch(/^msg_/);
    expect(anthropicText(second.data)).toBe(text);
    // Anthropic's input_tokens leave cache reads out; the counts are the original call's.
    expect(second.data.usage).toMatchObject({ input_tokens: usage.input, output_tokens: usage.output });
    expect(h.mock.requests).toHaveLength(1);

    const rows = await h.ledger();
    expect(rows.at(-1)).toMatchObject({ wire: 'anthropic', cacheStatus: 'hit', costNanoUsd: 0, savedNanoUsd: rows.at(-2)!.costNanoUsd });
    expect(rows.at(-1)!.cacheKey).toBe(rows.at(-2)!.cacheKey);
  });

  it('JSON, the other way round: an Anthropic client pays, an OpenAI client gets a chat completion from the cache', async () => {
    const first = await anthropic.messages.create(messages('Which planet has the most moons?')).withResponse();
    expect(first.response.headers.get('x-tollgate-cache')).toBe('miss');
    const second = await openai.chat.completions.create(chat('Which planet has the most moons?')).withResponse();
    expect(second.response.headers.get('x-tollgate-cache')).toBe('hit');
    expect(second.data.object).toBe('chat.completion');
    expect(second.data.id).toMatch(/^chatcmpl-/);
    expect(second.data.choices[0]).toMatchObject({ finish_reason: 'stop', message: { role: 'assistant', content: anthropicText(first.data) } });
    expect(second.data.usage).toMatchObject({ prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output });
    expect(h.mock.requests).toHaveLength(1);
  });

  it('streams: an OpenAI stream is kept once; an Anthropic stream and an Anthropic JSON request are served from it', async () => {
    const first = await openAiStream(chat('Name the longest river in Africa.'), false);
    expect(first.cache).toBe('miss');
    expect(first.text).toBeTruthy();

    const streamed = await anthropicStream(messages('Name the longest river in Africa.'));
    expect(streamed.cache).toBe('hit');
    expect(streamed.text).toBe(first.text);
    expect(streamed.message.stop_reason).toBe('end_turn');
    expect(streamed.message.usage).toMatchObject({ input_tokens: usage.input, output_tokens: usage.output });

    const json = await anthropic.messages.create(messages('Name the longest river in Africa.')).withResponse();
    expect(json.response.headers.get('x-tollgate-cache')).toBe('hit');
    expect(anthropicText(json.data)).toBe(first.text);
    expect(h.mock.requests).toHaveLength(1);
  });

  it('streams, the other way round: an Anthropic stream serves an OpenAI stream, with the usage chunk only when asked for', async () => {
    const first = await anthropicStream(messages('What is the boiling point of water at sea level?'));
    expect(first.cache).toBe('miss');
    const withUsage = await openAiStream(chat('What is the boiling point of water at sea level?'), true);
    expect(withUsage).toMatchObject({ cache: 'hit', text: first.text, finish: 'stop' });
    expect(withUsage.usage).toMatchObject({ prompt_tokens: usage.input, completion_tokens: usage.output });
    const without = await openAiStream(chat('What is the boiling point of water at sea level?'), false);
    expect(without).toMatchObject({ cache: 'hit', text: first.text, usage: undefined });
    expect(h.mock.requests).toHaveLength(1);
  });

  it('an Anthropic upstream answer serves both wires too (the key is the question and the model asked for, not the upstream)', async () => {
    const first = await openai.chat.completions.create(chat('Who wrote Hamlet?', 'claude-3-5-haiku-latest')).withResponse();
    expect(first.response.headers.get('x-tollgate-cache')).toBe('miss');
    const streamed = await anthropicStream(messages('Who wrote Hamlet?', 'claude-3-5-haiku-latest'));
    expect(streamed).toMatchObject({ cache: 'hit', text: first.data.choices[0]?.message.content });
    expect(h.mock.requests).toHaveLength(1);
  });

  it('a tool call is served across wires as the other wire\'s tool call', async () => {
    const tool = { name: 'get_weather', description: 'Weather for a city', schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };
    const directive = { tool: { name: 'get_weather', arguments: { city: 'Oslo' } } };
    const first = await openai.chat.completions
      .create(withMock({ ...chat('Weather in Oslo?'), tools: [{ type: 'function' as const, function: { name: tool.name, description: tool.description, parameters: tool.schema } }] }, directive))
      .withResponse();
    expect(first.data.choices[0]?.finish_reason).toBe('tool_calls');
    const second = await anthropic.messages
      .create(withMock({ ...messages('Weather in Oslo?'), tools: [{ name: tool.name, description: tool.description, input_schema: tool.schema as Anthropic.Tool.InputSchema }] }, directive))
      .withResponse();
    expect(second.response.headers.get('x-tollgate-cache')).toBe('hit');
    expect(second.data.stop_reason).toBe('tool_use');
    expect(second.data.content).toEqual([{ type: 'tool_use', id: first.data.choices[0]?.message.tool_calls?.[0]?.id, name: 'get_weather', input: { city: 'Oslo' } }]);
    expect(h.mock.requests).toHaveLength(1);
  });

  it('the semantic cache is shared too: a paraphrase on the Anthropic wire is served what an OpenAI client was answered', async () => {
    const first = await openai.chat.completions.create(chat('What is the capital city of Spain?')).withResponse();
    expect(first.response.headers.get('x-tollgate-cache')).toBe('miss');
    const paraphrase = await anthropic.messages.create(messages('what is the capital city of spain')).withResponse();
    expect(paraphrase.response.headers.get('x-tollgate-cache')).toBe('semantic-hit');
    expect(anthropicText(paraphrase.data)).toBe(first.data.choices[0]?.message.content);
    expect(h.mock.requests).toHaveLength(1);
  });

  it('what changes the answer still separates: another system prompt, model, output cap or an Anthropic-only sampling field is a miss', async () => {
    const question = 'What is the speed of light?';
    await openai.chat.completions.create(chat(question));
    const cacheOf = async (params: ReturnType<typeof messages>) => (await anthropic.messages.create(params).withResponse()).response.headers.get('x-tollgate-cache');
    expect(await cacheOf(messages(question, 'gpt-4o-mini', 'You answer in French.'))).toBe('miss');
    expect(await cacheOf(messages(question, 'gpt-4o'))).toBe('miss');
    expect(await cacheOf({ ...messages(question), max_tokens: 65 })).toBe('miss');
    expect(await cacheOf({ ...messages(question), ...{ top_k: 5 } })).toBe('miss');
    // Without a system prompt at all, and with the question as a text block: the cap and temperature as before.
    expect(await cacheOf({ ...messages(question), system: undefined as unknown as string })).toBe('miss');
    const asBlock = { ...messages(question), messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: question }] }] };
    expect(await cacheOf(asBlock as unknown as ReturnType<typeof messages>)).toBe('hit');
    expect(h.mock.requests).toHaveLength(6);
  });
});

/** What an older release stored: the client-wire JSON body, no format version. */
const olderEntry = (text: string) =>
  JSON.stringify({
    body: JSON.stringify({ id: 'chatcmpl-old', object: 'chat.completion', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }] }),
    wire: 'openai',
    servedModel: 'gpt-4o-mini',
    provider: 'mock-openai',
    costNanoUsd: 1,
    inputTokens: 1,
    outputTokens: 1,
    createdAtMs: Date.now(),
  });

describe('entries an older release persisted', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-cross-wire-'));
  let h: Harness | undefined;
  afterAll(async () => {
    await h?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('semantic entries in the former format (SQLite) are dropped at start: the question goes upstream, nothing crashes', async () => {
    const start = async () => {
      await h?.close();
      h = await startHarness({ dataDir, config: (input) => ({ ...input, cache: { semantic: { enabled: true, persist: 'full' } } }) });
      return new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'none', maxRetries: 0 });
    };
    const ask = (content: string) => ({ model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user' as const, content }] });
    let openai = await start();
    expect((await openai.chat.completions.create(ask('What colour is a ripe banana?')).withResponse()).response.headers.get('x-tollgate-cache')).toBe('miss');
    await h!.close();
    h = undefined;
    const db = new Database(join(dataDir, 'tollgate.db'));
    expect(db.prepare('UPDATE semantic_cache SET answer = ?').run(olderEntry('Stale answer.')).changes).toBeGreaterThan(0);
    db.close();

    openai = await start();
    const paraphrase = await openai.chat.completions.create(ask('what colour is a ripe banana')).withResponse();
    expect(paraphrase.response.headers.get('x-tollgate-cache')).toBe('miss');
    expect(paraphrase.data.choices[0]?.message.content).not.toBe('Stale answer.');
    expect(h!.mock.requests).toHaveLength(1);
    expect(h!.server.gateway.runtime.deps.cache!.semantic!.size).toBe(1);
  });
});

skipUnless(redisAvailable, NO_REDIS)('exact entries an older release left in Redis', () => {
  let redis: RedisServer;
  let h: Harness;
  beforeAll(async () => {
    redis = await startRedisServer();
    // Exact cache only: the semantic layer would (rightly) answer the repeated question itself.
    h = await startHarness({ redisUrl: redis.url, config: (input) => ({ ...input, cache: { semantic: { enabled: false } } }) });
  });
  afterAll(async () => {
    await h.close();
    await redis.stop();
  });

  it('are a miss (not served, no crash), and the fresh answer replaces them for both wires', async () => {
    const openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'none', maxRetries: 0 });
    const anthropic = new Anthropic({ baseURL: h.url, apiKey: 'none', maxRetries: 0 });
    const question = 'How many legs does a spider have?';
    const params = { model: 'gpt-4o-mini', temperature: 0, max_tokens: 50, messages: [{ role: 'user' as const, content: question }] };
    const first = await openai.chat.completions.create(params).withResponse();
    expect(first.response.headers.get('x-tollgate-cache')).toBe('miss');
    const key = (await h.ledger()).at(-1)!.cacheKey!;
    const client = new Redis(redis.url);
    await client.set(`tg:cache:${key}`, olderEntry('Stale answer.'), 'PX', 60_000);
    const stale = await anthropic.messages.create(params).withResponse();
    expect(stale.response.headers.get('x-tollgate-cache')).toBe('miss');
    expect(stale.data.content[0]).toMatchObject({ type: 'text', text: first.data.choices[0]?.message.content });
    // The fresh answer overwrote the old entry: both wires hit it now.
    expect(JSON.parse((await client.get(`tg:cache:${key}`))!)).toMatchObject({ v: 2, wire: 'neutral' });
    client.disconnect();
    expect((await openai.chat.completions.create(params).withResponse()).response.headers.get('x-tollgate-cache')).toBe('hit');
    expect((await anthropic.messages.create(params).withResponse()).response.headers.get('x-tollgate-cache')).toBe('hit');
    expect(h.mock.requests).toHaveLength(2);
  });
});
