import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.ts';

/**
 * `/v1/embeddings` `input` and `/v1/completions` `prompt` are, per the OpenAI API, a string, an
 * array of strings, an array of token ids or an array of token arrays. Anything else (null, a
 * number, an object, a mixed array) is a 400 in the OpenAI envelope naming the field, and never
 * reaches the upstream.
 */
describe('embeddings input and completions prompt shapes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: (input) => ({ ...input, cache: { enabled: false } }) });
  });
  afterAll(() => h.close());

  async function post(path: string, body: unknown) {
    const response = await fetch(`${h.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer anonymous' }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as { error?: { type: string; param: string | null; message: string } } };
  }

  const upstreamCalls = () => h.mock.requests.filter((r) => r.path.endsWith('/embeddings') || r.path.endsWith('/completions')).length;

  it.each([
    ['/v1/embeddings', 'input', null],
    ['/v1/embeddings', 'input', 5],
    ['/v1/embeddings', 'input', {}],
    ['/v1/embeddings', 'input', []],
    ['/v1/embeddings', 'input', ''],
    ['/v1/embeddings', 'input', ['a', 1]],
    ['/v1/embeddings', 'input', [[1, 2], 'a']],
    ['/v1/embeddings', 'input', [1.5]],
    ['/v1/embeddings', 'input', [[]]],
    ['/v1/completions', 'prompt', null],
    ['/v1/completions', 'prompt', 5],
    ['/v1/completions', 'prompt', { text: 'hi' }],
    ['/v1/completions', 'prompt', true],
    ['/v1/completions', 'prompt', []],
    ['/v1/completions', 'prompt', [null]],
    ['/v1/completions', 'prompt', [-1]],
    ['/v1/completions', 'prompt', [[1, 'a']]],
  ])('%s with %s %j: a 400 in the OpenAI envelope, nothing sent upstream', async (path, field, value) => {
    const before = upstreamCalls();
    const model = path === '/v1/embeddings' ? 'text-embedding-3-small' : 'gpt-3.5-turbo-instruct';
    const { status, body } = await post(path, { model, [field]: value });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ type: 'invalid_request_error' });
    expect(body.error?.param).toMatch(new RegExp(`^${field}`));
    expect(upstreamCalls()).toBe(before);
  });

  it('every shape the OpenAI API accepts still goes through, with the official SDK', async () => {
    const openai = h.openai();
    for (const input of ['hello', ['hello', 'world'], [15339, 1917], [[15339], [1917, 3]]]) {
      const reply = await openai.embeddings.create({ model: 'text-embedding-3-small', input });
      expect(reply.data.length).toBeGreaterThan(0);
    }
    for (const prompt of ['hello', '', ['hello', 'world'], [15339, 1917], [[15339], [1917, 3]]]) {
      const reply = await openai.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt, max_tokens: 5 });
      expect(reply.choices.length).toBeGreaterThan(0);
    }
  });
});
