/**
 * Cache lookup latency: `npx tsx bench/cache.ts` (or `npm run bench:cache`). Prints p50/p99 in µs for
 * - exact: a repeated request's whole in-process hit path (policy, canonical key, LRU lookup, SSE replay);
 * - semantic: embed + neighbour search + guard with 100,000 entries in one namespace (QQP questions
 *   when ../shared/data is present, generated questions otherwise), half the queries paraphrases;
 * - the learned pair verifier (opt-in): one decision's cost, and the semantic lookup again with it
 *   and its loose cosine floor (skip with `-- --no-verifier`).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createMemoryExactStore } from '../src/cache/exact-store.ts';
import { replayAsStream } from '../src/cache/replay.ts';
import { ResponseCache } from '../src/cache/response-cache.ts';
import { createHashedEmbedder } from '../src/language/embedder.ts';
import { SemanticCache } from '../src/cache/semantic/semantic-cache.ts';
import { verifyMatch, type MatchOptions } from '../src/cache/semantic/verifier.ts';
import type { ClientRequest } from '../src/domain/request.ts';
import { percentile } from './lib/sequential-latency.ts';

const micros = (samples: number[]) => ({ p50Us: Math.round(percentile(samples, 0.5) * 10) / 10, p99Us: Math.round(percentile(samples, 0.99) * 10) / 10 });
const time = async (fn: () => unknown): Promise<number> => {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e3;
};

const answer = { body: JSON.stringify({ id: 'c', object: 'chat.completion', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, message: { role: 'assistant', content: 'Paris is the capital of France. '.repeat(20) }, finish_reason: 'stop' }], usage: { prompt_tokens: 30, completion_tokens: 140, total_tokens: 170 } }), wire: 'openai' as const, servedModel: 'gpt-4o-mini', provider: 'openai', costNanoUsd: 90_000, inputTokens: 30, outputTokens: 140, createdAtMs: 0 };

async function exactHit(): Promise<Record<string, number>> {
  const cache = new ResponseCache(createMemoryExactStore(64 * 1024 * 1024), { ttlMs: 3_600_000 });
  const request = (i: number): ClientRequest => ({
    id: `r${i}`,
    receivedAtMs: 0,
    wire: 'openai',
    operation: 'chat',
    body: { model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'system', content: 'You are a helpful assistant.' }, { role: 'user', content: `Question number ${i % 1_000}: what is the capital of France?` }] },
    headers: {},
    principal: { orgId: 'o', projectId: 'p', userId: null, keyId: null, tags: [] } as unknown as ClientRequest['principal'],
    signal: undefined,
  });
  for (let i = 0; i < 1_000; i += 1) {
    const r = request(i);
    cache.save(cache.ticket(r), answer);
  }
  const json: number[] = [];
  const stream: number[] = [];
  for (let i = 0; i < 20_000; i += 1) {
    const r = request(i);
    const t = await time(async () => {
      const hit = await cache.lookup(cache.ticket(r)!);
      if (!hit) throw new Error('expected a hit');
      if (i % 2) replayAsStream(hit.answer.body, 'openai', true);
    });
    if (i >= 2_000) (i % 2 ? stream : json).push(t);
  }
  return { ...prefix('json', micros(json)), ...prefix('stream', micros(stream)) };
}

function prefix(name: string, value: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [`${name}${k[0]!.toUpperCase()}${k.slice(1)}`, v]));
}

function questions(): { entries: string[]; paraphrases: Array<[string, string]>; source: string } {
  const file = path.resolve(import.meta.dirname, '../../shared/data/gptcache-qqp/similiar_qqp_full.json');
  if (existsSync(file)) {
    const pairs = JSON.parse(readFileSync(file, 'utf8')) as Array<{ text_a: string; text_b: string; label: number }>;
    const entries = [...new Set(pairs.flatMap((p) => [p.text_a, p.text_b]))].slice(0, 100_000);
    return { entries, paraphrases: pairs.filter((p) => p.label === 1).map((p) => [p.text_a, p.text_b]), source: 'QQP' };
  }
  const topics = ['python', 'rust', 'java', 'paris', 'berlin', 'pancakes', 'taxes', 'guitar', 'chess', 'mortgage', 'yoga', 'kafka', 'redis', 'llamas', 'tides'];
  const entries = Array.from({ length: 100_000 }, (_, i) => `How do I ${['learn', 'fix', 'explain', 'choose', 'compare'][i % 5]} ${topics[i % topics.length]} ${topics[(i * 7) % topics.length]} case ${i}?`);
  return { entries, paraphrases: entries.slice(0, 5_000).map((e) => [e, e.replace('How do I', 'How can I')]), source: 'generated' };
}

/** One verifier decision (vetoes, features, trees) on QQP pairs, in µs; the word table is loaded before timing. */
function verifierCall(): Record<string, number> {
  const { paraphrases } = questions();
  const pairs = paraphrases.slice(0, 5_000);
  verifyMatch(pairs[0]![0], pairs[0]![1]);
  const samples: number[] = [];
  for (const [a, b] of pairs) {
    const start = process.hrtime.bigint();
    verifyMatch(a, b);
    samples.push(Number(process.hrtime.bigint() - start) / 1e3);
  }
  return { calls: samples.length, ...micros(samples) };
}

async function semanticLookup(threshold = 0.9, guard?: MatchOptions): Promise<Record<string, number | string>> {
  const { entries, paraphrases, source } = questions();
  const cache = new SemanticCache(createHashedEmbedder(), undefined, { threshold, ttlMs: 1e12, maxEntries: 200_000, now: () => 0, guard });
  const fillStart = process.hrtime.bigint();
  for (const text of entries) await cache.save('ns', text, answer);
  const fillMs = Number(process.hrtime.bigint() - fillStart) / 1e6;
  const embedUs: number[] = [];
  const lookupUs: number[] = [];
  let hits = 0;
  const queries = paraphrases.slice(0, 10_000);
  for (let i = 0; i < queries.length; i += 1) {
    const [stored, query] = queries[i]!;
    const text = i % 2 ? query : stored.replace(/\?$/, ' please?');
    let vector: Float32Array | undefined;
    embedUs.push(await time(async () => void (vector = await cache.embed(text))));
    lookupUs.push(
      await time(async () => {
        if ((await cache.lookup('ns', text, vector)).hit) hits += 1;
      }),
    );
  }
  const total = embedUs.map((e, i) => e + (lookupUs[i] ?? 0));
  return { source, entries: cache.size, fillMs: Math.round(fillMs), queries: queries.length, hits, ...prefix('embed', micros(embedUs)), ...prefix('search', micros(lookupUs)), ...prefix('total', micros(total)) };
}

console.log(JSON.stringify({ bench: 'cache-exact-hit', ...(await exactHit()) }));
console.log(JSON.stringify({ bench: 'cache-semantic-lookup', ...(await semanticLookup()), rssMb: Math.round(process.memoryUsage().rss / 1e6) }));
if (!process.argv.includes('--no-verifier')) {
  console.log(JSON.stringify({ bench: 'cache-verifier-call', ...verifierCall() }));
  // The learned verifier (opt-in) with its recommended loose cosine floor: it judges up to 4 neighbours per lookup.
  console.log(JSON.stringify({ bench: 'cache-semantic-lookup-verifier', ...(await semanticLookup(0.6, { verifier: true })), rssMb: Math.round(process.memoryUsage().rss / 1e6) }));
}
