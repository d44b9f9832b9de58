import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.ts';
import { NO_REDIS, redisAvailable, startRedisServer, type RedisServer } from '../support/redis-server.ts';
import { skipUnless } from '../support/skip-unless.ts';

const KEY_A = 'tg-feedback-org-a-key-0000000000';
const KEY_A2 = 'tg-feedback-org-a-key2-000000000';
const KEY_B = 'tg-feedback-org-b-key-0000000000';

/** Issue #11.5: negative feedback removes every copy of a wrong answer, and apps can send it with their own key. */
describe('feedback on cached answers', () => {
  let h: Harness;
  let openai: OpenAI;

  beforeAll(async () => {
    h = await startHarness({
      config: (input) => ({
        ...input,
        server: { ...input.server, anonymous: undefined },
        cache: { semantic: { enabled: true } },
        keys: [
          { name: 'a', secret: KEY_A, org: 'org-a', project: 'p' },
          { name: 'a2', secret: KEY_A2, org: 'org-a', project: 'p' },
          { name: 'b', secret: KEY_B, org: 'org-b', project: 'p' },
        ],
      }),
    });
    openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: KEY_A, maxRetries: 0 });
  });
  afterAll(() => h.close());
  beforeEach(() => h.mock.reset());

  // The upstream's answer is set on the mock, not in the body: the same question must stay the same request.
  const send = async (content: string, text: string) => {
    h.mock.setDefaults({ text });
    const { data, response } = await openai.chat.completions.create({ model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user', content }] }).withResponse();
    return { text: data.choices[0]?.message.content, cache: response.headers.get('x-tollgate-cache'), id: response.headers.get('x-tollgate-request-id')! };
  };
  const adminFeedback = async (requestId: string, score: number) => (await h.admin('/api/feedback', { method: 'POST', body: JSON.stringify({ requestId, score }) })).json() as Promise<{ evicted: boolean; evictedEntries: number }>;

  it('a score of 0 on an exact hit evicts the semantic copy too: the next identical request goes upstream', async () => {
    expect((await send('What is the boiling point of water?', 'About 50 C.')).cache).toBe('miss');
    const hit = await send('What is the boiling point of water?', 'About 50 C.');
    expect(hit).toMatchObject({ cache: 'hit', text: 'About 50 C.' });
    const verdict = await adminFeedback(hit.id, 0);
    expect(verdict.evicted).toBe(true);
    const after = await send('What is the boiling point of water?', '100 C at sea level.');
    expect(after).toMatchObject({ cache: 'miss', text: '100 C at sea level.' });
    expect(h.mock.requests).toHaveLength(2);
    expect(verdict.evictedEntries).toBe(2);
  });

  it('a score of 0 on a semantic hit evicts the exact entry it came from as well', async () => {
    await send('Who wrote Hamlet?', 'Marlowe.');
    const paraphrase = await send('who wrote hamlet', 'Marlowe.');
    expect(paraphrase.cache).toBe('semantic-hit');
    const verdict = await adminFeedback(paraphrase.id, 0);
    expect(verdict.evicted).toBe(true);
    expect(await send('Who wrote Hamlet?', 'Shakespeare.')).toMatchObject({ cache: 'miss', text: 'Shakespeare.' });
    expect(await send('who wrote hamlet', 'Shakespeare.')).toMatchObject({ cache: 'semantic-hit', text: 'Shakespeare.' });
    expect(verdict.evictedEntries).toBe(2);
  });

  it('a score of 0 on the request that was answered upstream (and cached) evicts its copies; a good score evicts nothing', async () => {
    const first = await send('How many legs has a spider?', 'Six.');
    expect(first.cache).toBe('miss');
    expect(await adminFeedback(first.id, 1)).toMatchObject({ evicted: false });
    expect((await send('How many legs has a spider?', 'Six.')).cache).toBe('hit');
    const verdict = await adminFeedback(first.id, 0.2);
    expect((await send('How many legs has a spider?', 'Eight.')).cache).toBe('miss');
    expect((await send('how many legs has a spider', 'Eight.')).text).toBe('Eight.');
    expect(verdict).toMatchObject({ evicted: true, evictedEntries: 2 });
  });

  it('a virtual key sends feedback on its own requests with POST /v1/feedback (OpenAI SDK)', async () => {
    const first = await send('What colour is chlorophyll?', 'Red.');
    const feedback = await openai.post<{ feedback: { requestId: string; score: number }; evicted: boolean }>('/feedback', { body: { requestId: first.id, score: false, comment: 'wrong colour' } });
    expect(feedback).toMatchObject({ feedback: { requestId: first.id, score: 0 }, evicted: true });
    expect((await send('What colour is chlorophyll?', 'Green.')).text).toBe('Green.');
    const stored = (await (await h.admin('/api/feedback')).json()) as { data: Array<{ requestId: string; comment: string | null }> };
    expect(stored.data.find((row) => row.requestId === first.id)?.comment).toBe('wrong colour');
  });

  it('a request moves the router\'s shared quality estimate once, however often its key rates it', async () => {
    h.mock.setDefaults({ text: 'Fine.' });
    const { response } = await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Say something.' }] }).withResponse();
    const requestId = response.headers.get('x-tollgate-request-id');
    const row = (await h.ledger()).find((r) => r.id === requestId)!;
    const feedbackCount = () => h.server.gateway.runtime.router.quality.get(`${row.servedModel}@${row.provider}`)?.feedback ?? 0;
    const before = feedbackCount();
    for (let i = 0; i < 5; i += 1) await openai.post('/feedback', { body: { requestId, score: 0 } });
    expect(feedbackCount()).toBe(before + 1);
    const stored = (await (await h.admin('/api/feedback')).json()) as { data: Array<{ requestId: string }> };
    expect(stored.data.filter((row) => row.requestId === requestId)).toHaveLength(5);
  });

  it("another org's or another key's request id is a 404; bad bodies are 400 in the OpenAI envelope", async () => {
    const mine = await send('What is the tallest tree?', 'A redwood.');
    const other = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: KEY_B, maxRetries: 0 });
    const sameOrgOtherKey = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: KEY_A2, maxRetries: 0 });
    for (const client of [other, sameOrgOtherKey]) {
      const error = await client.post('/feedback', { body: { requestId: mine.id, score: 0 } }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.NotFoundError);
      expect((error as InstanceType<typeof OpenAI.NotFoundError>).error).toMatchObject({ type: 'invalid_request_error', param: 'requestId' });
    }
    // Nothing was evicted by them.
    expect((await send('What is the tallest tree?', 'A redwood.')).cache).toBe('hit');
    for (const body of [{ requestId: mine.id, score: 2 }, { requestId: mine.id }, { requestId: mine.id, score: 0, __proto__: { x: 1 }, extra: 1 }, null, []]) {
      const error = await openai.post('/feedback', { body }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    }
    const anonymous = await fetch(`${h.url}/v1/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ requestId: mine.id, score: 0 }) });
    expect(anonymous.status).toBe(401);
  });
});

skipUnless(redisAvailable, NO_REDIS)('feedback eviction across instances (Redis)', () => {
  let redis: RedisServer;
  let a: Harness;
  let b: Harness;
  beforeAll(async () => {
    redis = await startRedisServer();
    a = await startHarness({ redisUrl: redis.url });
    b = await startHarness({ redisUrl: redis.url });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await redis.stop();
  });

  const until = async (check: () => boolean) => {
    for (let i = 0; i < 100 && !check(); i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
  };

  it('a 0 on an exact hit served by one instance evicts the exact entry and the semantic copies on both', async () => {
    const clientA = new OpenAI({ baseURL: `${a.url}/v1`, apiKey: 'none', maxRetries: 0 });
    const clientB = new OpenAI({ baseURL: `${b.url}/v1`, apiKey: 'none', maxRetries: 0 });
    const ask = { model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user' as const, content: 'What is the largest ocean?' }] };
    a.mock.setDefaults({ text: 'The Atlantic.' });
    await clientA.chat.completions.create(ask);
    await until(() => b.server.gateway.runtime.deps.cache!.semantic!.size === 1);
    const onB = await clientB.chat.completions.create(ask).withResponse();
    expect(onB.response.headers.get('x-tollgate-cache')).toBe('hit');
    const feedback = await clientB.post<{ evicted: boolean }>('/feedback', { body: { requestId: onB.response.headers.get('x-tollgate-request-id'), score: 0 } });
    expect(feedback.evicted).toBe(true);
    await until(() => a.server.gateway.runtime.deps.cache!.semantic!.size === 0);
    expect(a.server.gateway.runtime.deps.cache!.semantic!.size).toBe(0);
    a.mock.setDefaults({ text: 'The Pacific.' });
    const again = await clientA.chat.completions.create(ask).withResponse();
    expect(again.response.headers.get('x-tollgate-cache')).toBe('miss');
    expect(again.data.choices[0]?.message.content).toBe('The Pacific.');
  });
});
