import { describe, expect, it } from 'vitest';
import type { CachedAnswer } from '../exact-store.ts';
import { cosine, createHashedEmbedder } from '../../language/embedder.ts';
import type { SemanticEntry, SemanticEntryStore } from './entry-store.ts';
import { guardMatch } from './guard.ts';
import { clientSemanticView, semanticView } from './request-view.ts';
import { neutralMaterial } from '../canonical-key.ts';
import { createHash } from 'node:crypto';
import { SemanticCache } from './semantic-cache.ts';
import { NEAR_MISSES, PARAPHRASES } from '../../../test/support/semantic-pairs.ts';

const embedder = createHashedEmbedder();
const answer = (body = '{}'): CachedAnswer => ({ body, wire: 'openai', servedModel: 'm', provider: 'p', costNanoUsd: 5, inputTokens: 1, outputTokens: 1, createdAtMs: 0 });
const cacheWith = (now = () => 0, store?: SemanticEntryStore, maxEntries = 1_000) => new SemanticCache(embedder, store, { threshold: 0.7, ttlMs: 1_000, maxEntries, now });

describe('guarded semantic cache', () => {
  it.each(NEAR_MISSES)('near miss: %s ≠ %s', async (cached, query, reason) => {
    const cache = cacheWith();
    await cache.save('ns', cached, answer());
    const verdict = guardMatch(query, cached, { strict: true });
    expect(verdict.ok).toBe(false);
    expect(verdict.reason).toMatch(reason);
    expect((await cache.lookup('ns', query)).hit).toBeUndefined();
  });

  it('a plain cosine threshold would serve several near misses the guard refuses', () => {
    const similar = NEAR_MISSES.filter(([a, b]) => cosine(embedder.embed(a), embedder.embed(b)) >= 0.9);
    expect(similar.length).toBeGreaterThanOrEqual(3);
  });

  it.each(PARAPHRASES)('paraphrase: %s = %s', async (cached, query) => {
    const cache = cacheWith();
    await cache.save('ns', cached, answer('cached'));
    const { hit } = await cache.lookup('ns', query);
    expect(hit?.entry.answer.body).toBe('cached');
    expect(hit?.similarity).toBeGreaterThanOrEqual(0.7);
  });

  it('never answers across namespaces', async () => {
    const cache = cacheWith();
    await cache.save('org:a|ctx', 'What is the capital of France?', answer());
    expect((await cache.lookup('org:b|ctx', 'What is the capital of France?')).hit).toBeUndefined();
    expect((await cache.lookup('org:a|other', 'What is the capital of France?')).hit).toBeUndefined();
  });

  it('entries expire with their TTL and the oldest go past maxEntries', async () => {
    let now = 0;
    const cache = cacheWith(() => now, undefined, 2);
    await cache.save('ns', 'How do I make pancakes?', answer());
    now = 2_000;
    expect((await cache.lookup('ns', 'How do you make pancakes?')).hit).toBeUndefined();
    await cache.save('ns', 'How do I make waffles?', answer());
    await cache.save('ns', 'How do I make crepes?', answer());
    await cache.save('ns', 'How do I make bread?', answer());
    expect(cache.size).toBe(2);
    expect((await cache.lookup('ns', 'How do you make waffles?')).hit).toBeUndefined();
    expect((await cache.lookup('ns', 'How do you make bread?')).hit).toBeDefined();
    // Expired entries go at the next save, even if nobody looks them up again.
    now = 5_000;
    await cache.save('other', 'How do I make tea?', answer());
    expect(cache.size).toBe(1);
  });

  it('an answer marked wrong is evicted and its neighbourhood needs more similarity', async () => {
    const cache = new SemanticCache(embedder, undefined, { threshold: 0.85, ttlMs: 1e9, maxEntries: 100, now: () => 0, distrustPenalty: 0.1 });
    const id = await cache.save('ns', 'How do I reverse a list in Python?', answer());
    await cache.save('ns', 'How can I reverse a list in Python?', answer('second'));
    expect(cache.markWrong(id)).toBe(true);
    expect(cache.markWrong(id)).toBe(false);
    // 0.93 similar: enough before (≥ 0.85), not within the distrusted neighbourhood (needs ≥ 0.95).
    expect((await cache.lookup('ns', 'How do I reverse a list in Python?')).hit).toBeUndefined();
    expect((await cache.lookup('ns', 'How can I reverse a list in Python?')).hit?.entry.answer.body).toBe('second');
  });

  it('restores entries from its store, re-embedding those made by another embedder', async () => {
    const rows = new Map<string, SemanticEntry>();
    const store: SemanticEntryStore = {
      insert: async (entry) => void rows.set(entry.id, entry),
      delete: async (ids) => ids.forEach((id) => rows.delete(id)),
      loadLive: async (now) => [...rows.values()].filter((entry) => entry.expiresAtMs > now),
      purgeExpired: async () => 0,
      clear: async () => 0,
    };
    await cacheWith(() => 0, store).save('ns', 'How do I make pancakes?', answer('kept'));
    for (const entry of rows.values()) rows.set(entry.id, { ...entry, embedderId: 'old', vector: new Float32Array(8) });
    const restored = cacheWith(() => 0, store);
    expect(await restored.load()).toBe(1);
    expect((await restored.lookup('ns', 'How do you make pancakes?')).hit?.entry.answer.body).toBe('kept');
  });

  it('a store that never answers does not make writes pile up: past 1,000 pending they are skipped', async () => {
    const hanging: SemanticEntryStore = { insert: () => new Promise(() => undefined), delete: async () => undefined, loadLive: async () => [], purgeExpired: async () => 0, clear: async () => 0 };
    const cache = new SemanticCache(embedder, hanging, { threshold: 0.7, ttlMs: 1e9, maxEntries: 10_000, now: () => 0 });
    for (let i = 0; i < 1_100; i += 1) void cache.save('ns', `How do I make recipe number ${i}?`, answer());
    await new Promise((resolve) => setImmediate(resolve));
    expect(cache.stats().skippedStoreWrites).toBe(100);
    expect((await cache.lookup('ns', 'How do you make recipe number 1050?')).hit).toBeDefined();
  });

  it('the semantic view compares the last user turn and digests everything else', () => {
    const base = { model: 'm', temperature: 0, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi there' }] };
    const view = semanticView('chat', base);
    expect(view?.text).toBe('Hi there');
    expect(semanticView('chat', { ...base, stream: true })?.contextDigest).toBe(view?.contextDigest);
    expect(semanticView('chat', { ...base, model: 'n' })?.contextDigest).not.toBe(view?.contextDigest);
    expect(semanticView('chat', { ...base, messages: [{ role: 'system', content: 'Be long.' }, { role: 'user', content: 'Hi there' }] })?.contextDigest).not.toBe(view?.contextDigest);
    expect(semanticView('chat', { ...base, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] }] })).toBeUndefined();
    expect(semanticView('chat', { ...base, messages: [{ role: 'assistant', content: 'Hello' }] })).toBeUndefined();
    expect(semanticView('embedding', { input: 'x' })).toBeUndefined();
    expect(semanticView('completion', { model: 'm', prompt: 'Once upon' })?.text).toBe('Once upon');
  });

  it('keep indexes a miss with the vector and keys its lookup computed, as save does, the entry holding its own copy', async () => {
    const cache = cacheWith();
    const text = 'What is the capital of France?';
    const missed = await cache.lookup('ns', text);
    expect(missed.hit).toBeUndefined();
    const id = cache.keep('ns', text, answer('paris'), missed.vector, missed.keys);
    // Later lookups take new query vectors; the kept entry's is its own copy.
    for (let index = 0; index < 300; index += 1) await cache.lookup('ns', `Unrelated question number ${index}?`);
    const kept = cache.entry(id)!;
    expect([...kept.vector]).toEqual([...embedder.embed(text)]);
    expect(kept.vector).not.toBe(missed.vector);
    const found = await cache.lookup('ns', 'What is the capital of France ?');
    expect(found.hit?.entry.id).toBe(id);
    expect(found.hit?.entry.answer.body).toBe('paris');
    expect((await cache.lookup('other', text)).hit).toBeUndefined();
    expect(cache.stats().writes).toBe(1);
  });

  it('the context digest is the SHA-256 of the neutral context, the same when it is asked for again (remembered) or too long to remember', () => {
    const digestOf = (body: Record<string, unknown>) => createHash('sha256').update(`neutral\u0000${neutralMaterial('openai', 'chat', body)!.withoutLastTurn()}`).digest('hex');
    const short = { model: 'm', temperature: 0, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi there' }] };
    const long = { ...short, messages: [{ role: 'system', content: 'Be brief. '.repeat(600) }, { role: 'user', content: 'Hi there' }] };
    for (const body of [short, long, short, long]) expect(clientSemanticView('openai', 'chat', body)?.contextDigest).toBe(digestOf(body));
    expect(digestOf(long)).not.toBe(digestOf(short));
  });

  it('invalidate names a cache namespace exactly (org:acme is not org:acme2) and can narrow to one model', async () => {
    const cache = cacheWith();
    const tagged = (namespace: string, model: string): CachedAnswer => ({ ...answer(), namespace, model });
    await cache.save('org:acme|openai|chat|d1', 'How do I make pancakes?', tagged('org:acme', 'm1'));
    await cache.save('org:acme|openai|chat|d2', 'How do I make waffles?', tagged('org:acme', 'm2'));
    await cache.save('org:acme2|openai|chat|d1', 'How do I make pancakes?', tagged('org:acme2', 'm1'));
    expect(cache.invalidate({ namespace: 'org:acm' })).toBe(0);
    expect(cache.invalidate({ namespace: 'org:acme', model: 'm2' })).toBe(1);
    expect(cache.invalidate({ namespace: 'org:acme' })).toBe(1);
    expect(cache.size).toBe(1);
    expect(cache.invalidate({})).toBe(1);
  });

  it('markWrongWhere evicts every matching entry, distrusts each neighbourhood and reports each eviction', async () => {
    const cache = cacheWith();
    const changes: unknown[] = [];
    cache.onChange((change) => changes.push(change));
    await cache.save('ns', 'How do I make pancakes?', { ...answer('wrong'), key: 'k1' });
    await cache.save('ns', 'How do you make pancakes at home?', { ...answer('wrong'), key: 'k1' });
    await cache.save('ns', 'How do I make waffles?', { ...answer('right'), key: 'k2' });
    changes.length = 0;
    expect(cache.markWrongWhere((entry) => entry.answer.key === 'k1')).toBe(2);
    expect(cache.size).toBe(1);
    expect(changes).toHaveLength(2);
    expect(changes.every((change) => (change as { op: string; distrust?: Float32Array }).op === 'delete' && (change as { distrust?: Float32Array }).distrust)).toBe(true);
    expect(cache.stats().markedWrong).toBe(2);
  });
});
