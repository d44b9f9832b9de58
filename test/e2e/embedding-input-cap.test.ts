import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.ts';

/**
 * The OpenAI API takes at most 2,048 inputs in one embeddings request; the gateway refused none, so a
 * client sent (and was metered and budgeted for) a request the upstream could only refuse.
 */
describe('embeddings input cap (2,048 items)', () => {
  let h: Harness;
  let openai: OpenAI;
  beforeAll(async () => {
    h = await startHarness({ config: (input) => ({ ...input, cache: { enabled: false } }) });
    openai = h.openai();
  });
  afterAll(() => h.close());

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
