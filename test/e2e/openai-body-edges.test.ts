import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.ts';

/** OpenAI request bodies the API takes or refuses in a way the gateway got wrong: one gateway for both. */
let h: Harness;
let openai: OpenAI;
beforeAll(async () => {
  h = await startHarness({ config: (input) => ({ ...input, cache: { enabled: false } }) });
  openai = h.openai();
});
afterAll(() => h.close());

/**
 * The OpenAI API takes at most 2,048 inputs in one embeddings request; the gateway refused none, so a
 * client sent (and was metered and budgeted for) a request the upstream could only refuse.
 */
describe('embeddings input cap (2,048 items)', () => {
  const upstreamCalls = () => h.mock.requests.filter((r) => r.path.endsWith('/embeddings')).length;

  it.each([
    ['2,049 strings', Array.from({ length: 2_049 }, (_, i) => `text ${i}`)],
    ['2,049 token arrays', Array.from({ length: 2_049 }, (_, i) => [i + 1])],
  ])('%s: a 400 in the OpenAI envelope naming input, nothing sent upstream', async (_name, input) => {
    const before = upstreamCalls();
    const error = await openai.embeddings.create({ model: 'text-embedding-3-small', input }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const bad = error as InstanceType<typeof OpenAI.BadRequestError>;
    expect(bad.status).toBe(400);
    expect(bad.param).toBe('input');
    expect(bad.type).toBe('invalid_request_error');
    expect(bad.message).toMatch(/at most 2048 items \(got 2049\)/);
    expect(upstreamCalls()).toBe(before);
  });

  it('exactly 2,048 inputs, and a single input of more than 2,048 token ids, still go through', async () => {
    const many = await openai.embeddings.create({ model: 'text-embedding-3-small', input: Array.from({ length: 2_048 }, (_, i) => `text ${i}`) });
    expect(many.data.length).toBe(2_048);
    const oneLong = await openai.embeddings.create({ model: 'text-embedding-3-small', input: Array.from({ length: 3_000 }, (_, i) => (i % 5000) + 1) });
    expect(oneLong.data.length).toBe(1);
  });
});

/**
 * `stream: null` means "not streamed" in the OpenAI API, and the official SDK's types allow it
 * (`stream?: false | null`); the gateway refused it with a 400. Anthropic's API takes only a boolean.
 */
describe('stream: null', () => {
  it('is a whole (non-streamed) answer on chat completions, to an OpenAI and to an Anthropic upstream', async () => {
    for (const model of ['gpt-4o-mini', 'claude-3-5-haiku-latest']) {
      const completion = await openai.chat.completions.create({ model, stream: null, messages: [{ role: 'user', content: 'hi' }] });
      expect(completion.object).toBe('chat.completion');
      expect(completion.choices[0]?.message.content).toBeTruthy();
    }
    const rows = await h.ledger();
    expect(rows.slice(-2).map((row) => [row.status, row.stream])).toEqual([[200, false], [200, false]]);
  });

  it('is a whole answer on legacy completions', async () => {
    const completion = await openai.completions.create({ model: 'gpt-4o-mini', stream: null, prompt: 'hi', max_tokens: 5 });
    expect(completion.object).toBe('text_completion');
  });

  it('stays a 400 on the Anthropic wire, as Anthropic answers it', async () => {
    const response = await fetch(`${h.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'anonymous', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-3-5-haiku-latest', max_tokens: 5, stream: null, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
  });
});
