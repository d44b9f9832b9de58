import { describe, expect, it } from 'vitest';
import { exactCacheKey } from './canonical-key.ts';
import { createMemoryExactStore, type CachedAnswer } from './exact-store.ts';
import { cacheMode } from './policy.ts';
import { replayAsStream } from './replay.ts';

const answer = (body: string): CachedAnswer => ({ body, wire: 'openai', servedModel: 'm', provider: 'p', costNanoUsd: 1, inputTokens: 1, outputTokens: 1, createdAtMs: 0 });

describe('exact cache', () => {
  it('keys ignore key order, whitespace and non-output fields, but not content, model, parameters or tenant', () => {
    const base = { model: 'm', temperature: 0, messages: [{ role: 'user', content: 'Hello  world' }] };
    const key = exactCacheKey('org:a', 'openai', 'chat', base);
    expect(exactCacheKey('org:a', 'openai', 'chat', { messages: [{ content: ' Hello world ', role: 'user' }], temperature: 0, model: 'm', stream: true, user: 'u' })).toBe(key);
    expect(exactCacheKey('org:b', 'openai', 'chat', base)).not.toBe(key);
    expect(exactCacheKey('org:a', 'openai', 'chat', { ...base, model: 'n' })).not.toBe(key);
    expect(exactCacheKey('org:a', 'openai', 'chat', { ...base, max_tokens: 5 })).not.toBe(key);
    expect(exactCacheKey('org:a', 'openai', 'chat', { ...base, messages: [{ role: 'user', content: 'Hello world!' }] })).not.toBe(key);
  });

  it('policy: deterministic only by default; headers opt in and out', () => {
    expect(cacheMode('chat', { temperature: 0 }, {})).toBe('readwrite');
    expect(cacheMode('chat', {}, {})).toBe('off');
    expect(cacheMode('chat', { temperature: 0, n: 3 }, {})).toBe('off');
    expect(cacheMode('embedding', {}, {})).toBe('readwrite');
    expect(cacheMode('chat', {}, { 'x-tollgate-cache': 'on' })).toBe('readwrite');
    expect(cacheMode('chat', { temperature: 0 }, { 'cache-control': 'no-store' })).toBe('off');
    expect(cacheMode('chat', { temperature: 0 }, { 'cache-control': 'no-cache' })).toBe('refresh');
  });

  it('the memory store is an LRU bounded by bytes, with TTL', async () => {
    let now = 0;
    const store = createMemoryExactStore(2_000, () => now);
    for (let i = 0; i < 10; i += 1) await store.set(`k${i}`, answer('x'.repeat(300)), 1_000);
    expect(store.stats().bytes).toBeLessThanOrEqual(2_000);
    expect(await store.get('k0')).toBeUndefined();
    expect(await store.get('k9')).toBeDefined();
    expect(await store.delete('k8')).toBe(true);
    expect(await store.delete('k8')).toBe(false);
    now = 2_000;
    expect(await store.delete('k7')).toBe(false); // expired: nothing live was evicted
    expect(await store.get('k9')).toBeUndefined();
  });

  it('replays an OpenAI answer as chunks ending in [DONE], and an Anthropic one as its event sequence', () => {
    const openai = replayAsStream(JSON.stringify({ id: 'c', created: 1, model: 'm', object: 'chat.completion', choices: [{ message: { content: 'Hi' }, finish_reason: 'stop' }], usage: { prompt_tokens: 1 } }), 'openai', true);
    expect(openai.at(-1)).toBe('data: [DONE]\n\n');
    expect(openai.join('')).toContain('"content":"Hi"');
    expect(openai.join('')).toContain('"usage"');
    const anthropic = replayAsStream(JSON.stringify({ id: 'm', type: 'message', content: [{ type: 'text', text: 'Hi' }], stop_reason: 'end_turn', usage: { input_tokens: 1, output_tokens: 2 } }), 'anthropic', false);
    expect(anthropic.map((f) => f.split('\n')[0])).toEqual(['event: message_start', 'event: content_block_start', 'event: content_block_delta', 'event: content_block_stop', 'event: message_delta', 'event: message_stop']);
  });
});

describe('exact cache purge', () => {
  it('removes all entries, or those of one namespace and/or model; entries without metadata go only with everything', async () => {
    const store = createMemoryExactStore(1_000_000);
    const tagged = (namespace: string, model: string): CachedAnswer => ({ ...answer(`${namespace}/${model}`), namespace, model });
    await store.set('a1', tagged('org:acme', 'm1'), 1_000);
    await store.set('a2', tagged('org:acme', 'm2'), 1_000);
    await store.set('b1', tagged('org:beta', 'm1'), 1_000);
    await store.set('old', answer('written by an older version'), 1_000);
    expect(await store.purge({ namespace: 'org:acme', model: 'm2' })).toBe(1);
    expect(await store.purge({ model: 'm1' })).toBe(2);
    expect(await store.get('a1')).toBeUndefined();
    expect(await store.get('old')).toBeDefined();
    expect(await store.purge({ namespace: '__proto__' })).toBe(0);
    expect(await store.purge({})).toBe(1);
    expect(store.stats()).toEqual({ entries: 0, bytes: 0 });
  });
});
