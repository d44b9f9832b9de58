import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withMock } from '../../src/mock-provider/index.ts';
import { startHarness, type Harness } from '../support/harness.ts';

/**
 * `cache.semantic.decision: verifier` end to end (the official SDK, a real gateway, the mock
 * provider): the learned verifier serves a paraphrase the rule-based guard refuses outright (a
 * possessive on one side only) and still refuses near misses.
 */
describe('semantic cache with the learned pair verifier', () => {
  let h: Harness;
  let openai: OpenAI;
  beforeAll(async () => {
    h = await startHarness({ config: (input) => ({ ...input, cache: { semantic: { enabled: true, threshold: 0.6, decision: 'verifier' } } }) });
    openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'none', maxRetries: 0 });
  });
  afterAll(async () => h.close());
  beforeEach(() => h.mock.reset());

  const mock = { text: 'Listen first, then explain your view calmly.', usage: { input: 900, output: 200 } };
  const ask = (content: string) => withMock({ model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user' as const, content }] }, mock);
  const status = async (content: string) => (await openai.chat.completions.create(ask(content)).withResponse()).response.headers.get('x-tollgate-cache');

  it('serves a paraphrase the guard alone would refuse; near misses still go upstream', async () => {
    expect(await status('How do I deal with conservative parents?')).toBe('miss');
    expect(await status('How do I deal with my conservative parents?')).toBe('semantic-hit');
    expect(h.mock.requests).toHaveLength(1);
    for (const nearMiss of ['How do I deal with conservative teachers?', 'How do I deal with liberal parents?', 'Why do I deal with conservative parents?', 'How do I deal with his conservative parents?']) {
      expect(await status(nearMiss), nearMiss).toBe('miss');
    }
    expect(h.mock.requests).toHaveLength(5);
  });
});
