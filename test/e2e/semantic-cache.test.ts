import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withMock } from '../../src/mock-provider/index.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { NO_REDIS, redisAvailable, startRedisServer, type RedisServer } from '../support/redis-server.ts';
import { skipUnless } from '../support/skip-unless.ts';
import { writeTinyEmbeddingModel } from '../support/tiny-onnx.ts';

/** The guarded semantic cache end to end: the official SDK, a real gateway, the mock provider, SQLite persistence. */
describe('semantic response cache', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-semantic-'));
  let h: Harness;
  let openai: OpenAI;

  const start = async () => {
    h = await startHarness({ dataDir, config: (input) => ({ ...input, cache: { semantic: { enabled: true, persist: 'full' } } }) });
    openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'none', maxRetries: 0 });
  };
  beforeAll(start);
  afterAll(async () => {
    await h.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  beforeEach(() => h.mock.reset());

  const mock = { text: 'Paris is the capital of France.', usage: { input: 1200, output: 300 } };
  const ask = (content: string, system?: string) =>
    withMock({ model: 'gpt-4o-mini', temperature: 0, messages: [...(system ? [{ role: 'system' as const, content: system }] : []), { role: 'user' as const, content }] }, mock);

  it('a paraphrase is served from the cache at $0 with its savings; a near miss is not', async () => {
    const first = await openai.chat.completions.create(ask('What is the capital of France?')).withResponse();
    expect(first.response.headers.get('x-tollgate-cache')).toBe('miss');
    const paraphrase = await openai.chat.completions.create(ask('capital of France?')).withResponse();
    expect(paraphrase.response.headers.get('x-tollgate-cache')).toBe('semantic-hit');
    expect(Number(paraphrase.response.headers.get('x-tollgate-cache-similarity'))).toBeGreaterThanOrEqual(0.9);
    expect(paraphrase.response.headers.get('x-tollgate-saved-usd')).toBe(first.response.headers.get('x-tollgate-cost-usd'));
    expect(paraphrase.data.choices[0]?.message.content).toBe(mock.text);
    expect(h.mock.requests).toHaveLength(1);

    // Germany is as similar to the cached prompt as the paraphrase was, but the guard refuses it.
    const nearMiss = await openai.chat.completions.create(ask('What is the capital of Germany?')).withResponse();
    expect(nearMiss.response.headers.get('x-tollgate-cache')).toBe('miss');
    // A different system prompt is a different namespace.
    const otherSystem = await openai.chat.completions.create(ask('What is the capital of France?', 'Answer in French.')).withResponse();
    expect(otherSystem.response.headers.get('x-tollgate-cache')).toBe('miss');
    expect(h.mock.requests).toHaveLength(3);

    const rows = await h.ledger();
    const hit = rows.find((row) => row.cacheStatus === 'semantic-hit');
    expect(hit).toMatchObject({ costNanoUsd: 0, savedNanoUsd: rows[0]!.costNanoUsd });
    expect(hit?.cacheKey).toMatch(/^semantic:/);
    const stats = (await (await h.admin('/api/cache/stats')).json()) as Record<string, unknown>;
    expect(stats).toMatchObject({ semanticHits: 1, savedUsdSemantic: first.response.headers.get('x-tollgate-cost-usd') });
    expect((stats.semantic as { entries: number }).entries).toBe(3);
  });

  it('a streaming paraphrase gets the cached answer replayed as SSE', async () => {
    const stream = await openai.chat.completions.create({ ...ask('what is the capital of france'), stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(mock.text);
    expect(h.mock.requests).toHaveLength(0);
  });

  it('entries survive a restart (persisted in the store)', async () => {
    await h.close();
    await start();
    const again = await openai.chat.completions.create(ask('What is the capital of France ?')).withResponse();
    expect(again.response.headers.get('x-tollgate-cache')).toBe('semantic-hit');
    expect(h.mock.requests).toHaveLength(0);
  });

  it('feedback marking a semantic answer wrong evicts it', async () => {
    const served = await openai.chat.completions.create(ask('What is the capital of France')).withResponse();
    expect(served.response.headers.get('x-tollgate-cache')).toBe('semantic-hit');
    const requestId = served.response.headers.get('x-tollgate-request-id');
    const feedback = await h.admin('/api/feedback', { method: 'POST', body: JSON.stringify({ requestId, score: 0 }) });
    expect(await feedback.json()).toMatchObject({ evicted: true });
    const after = await openai.chat.completions.create(ask('capital of France?')).withResponse();
    expect(after.response.headers.get('x-tollgate-cache')).toBe('miss');
    expect(h.mock.requests).toHaveLength(1);
    const stats = (await (await h.admin('/api/cache/stats')).json()) as { markedWrong: number; semantic: { markedWrong: number } };
    expect(stats.markedWrong).toBe(1);
    expect(stats.semantic.markedWrong).toBe(1);
  });

  it('requests that opt out, sample, or carry images never take the semantic path', async () => {
    await openai.chat.completions.create(ask('How tall is Mount Everest?'));
    const optOut = await openai.chat.completions.create(ask('how tall is mount everest'), { headers: { 'x-tollgate-semantic-cache': 'off' } }).withResponse();
    expect(optOut.response.headers.get('x-tollgate-cache')).toBe('miss');
    const sampling = await openai.chat.completions.create({ ...ask('how tall is mount everest'), temperature: 0.8 }).withResponse();
    expect(sampling.response.headers.get('x-tollgate-cache')).toBe('bypass');
    const image = await openai.chat.completions
      .create(
        withMock(
          {
            model: 'gpt-4o-mini',
            temperature: 0,
            messages: [{ role: 'user', content: [{ type: 'text', text: 'How tall is Mount Everest?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] }],
          },
          mock,
        ),
      )
      .withResponse();
    expect(image.response.headers.get('x-tollgate-cache')).toBe('miss');
  });
});

describe('semantic cache with an OpenAI-compatible embeddings upstream', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      config: (input) => ({ ...input, cache: { semantic: { enabled: true, threshold: 0.85, embedder: { kind: 'upstream', provider: 'mock-openai', model: 'text-embedding-3-small' } } } }),
    });
  });
  afterAll(() => h.close());

  it('embeds through /v1/embeddings and serves a guarded paraphrase', async () => {
    const openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'none', maxRetries: 0 });
    const ask = (content: string) => withMock({ model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user' as const, content }] }, { text: 'Use sorted().' });
    await openai.chat.completions.create(ask('How do I sort a list in Python?'));
    const paraphrase = await openai.chat.completions.create(ask('how do i sort a list in python')).withResponse();
    expect(paraphrase.response.headers.get('x-tollgate-cache')).toBe('semantic-hit');
    const nearMiss = await openai.chat.completions.create(ask('How do I sort a list in JavaScript?')).withResponse();
    expect(nearMiss.response.headers.get('x-tollgate-cache')).toBe('miss');
    const embeddingCalls = h.mock.requests.filter((r) => r.path.endsWith('/embeddings'));
    expect(embeddingCalls.length).toBeGreaterThanOrEqual(3);
    const stats = (await (await h.admin('/api/cache/stats')).json()) as { semantic: { embedder: string } };
    expect(stats.semantic.embedder).toMatch(/^upstream:/);
    // The cache's own embeddings calls are metered, under project semantic-cache.
    const embeddingRows = (await h.ledger()).filter((row) => row.projectId === 'semantic-cache');
    expect(embeddingRows.length).toBe(embeddingCalls.length);
    expect(embeddingRows.every((row) => row.operation === 'embedding' && row.inputTokens > 0 && row.costNanoUsd > 0 && row.orgId === 'tollgate')).toBe(true);
  });
});

skipUnless(redisAvailable, NO_REDIS)('semantic cache across instances (Redis pub/sub)', () => {
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

  const ask = (content: string) => withMock({ model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user' as const, content }] }, { text: 'Blue, by Rayleigh scattering.' });
  const until = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 50 && !(await check()); i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
  };

  it('an entry saved on one instance serves a paraphrase on another; feedback there evicts it everywhere', async () => {
    const clientA = new OpenAI({ baseURL: `${a.url}/v1`, apiKey: 'none', maxRetries: 0 });
    const clientB = new OpenAI({ baseURL: `${b.url}/v1`, apiKey: 'none', maxRetries: 0 });
    await clientA.chat.completions.create(ask('Why is the sky blue?'));
    await until(async () => b.server.gateway.runtime.deps.cache!.semantic!.size === 1);
    const onB = await clientB.chat.completions.create(ask('why is the sky blue')).withResponse();
    expect(onB.response.headers.get('x-tollgate-cache')).toBe('semantic-hit');
    expect(b.mock.requests).toHaveLength(0);

    const feedback = await b.admin('/api/feedback', { method: 'POST', body: JSON.stringify({ requestId: onB.response.headers.get('x-tollgate-request-id'), score: 0 }) });
    expect(await feedback.json()).toMatchObject({ evicted: true });
    await until(async () => a.server.gateway.runtime.deps.cache!.semantic!.size === 0);
    expect(a.server.gateway.runtime.deps.cache!.semantic!.size).toBe(0);
  });
});

describe('semantic cache with a local ONNX embedding model', () => {
  const folder = mkdtempSync(join(tmpdir(), 'tollgate-onnx-e2e-'));
  const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'how', 'do', 'i', 'sort', 'a', 'list', 'in', 'python', 'javascript', '?'];
  writeTinyEmbeddingModel(folder, vocab, vocab.map((_, i) => Array.from({ length: 16 }, (_, d) => Math.sin((i + 1) * (d + 3)))));
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: (input) => ({ ...input, cache: { semantic: { enabled: true, embedder: { kind: 'onnx', path: folder } } } }) });
  });
  afterAll(async () => {
    await h.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('embeds with onnxruntime-node and serves a guarded paraphrase', async () => {
    const openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'none', maxRetries: 0 });
    const ask = (content: string) => withMock({ model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user' as const, content }] }, { text: 'Use sorted().' });
    await openai.chat.completions.create(ask('How do I sort a list in Python?'));
    const paraphrase = await openai.chat.completions.create(ask('how do i sort a list in python?')).withResponse();
    expect(paraphrase.response.headers.get('x-tollgate-cache')).toBe('semantic-hit');
    const nearMiss = await openai.chat.completions.create(ask('How do I sort a list in JavaScript?')).withResponse();
    expect(nearMiss.response.headers.get('x-tollgate-cache')).toBe('miss');
    const stats = (await (await h.admin('/api/cache/stats')).json()) as { semantic: { embedder: string } };
    expect(stats.semantic.embedder).toMatch(/^onnx:/);
  });
});
