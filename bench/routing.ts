/**
 * Routing decision time: `npx tsx bench/routing.ts`. One JSON line with p50/p99 in µs for
 * - select: the pure strategy choice over a 12-model catalogue (filters, scores, explanation);
 * - decide: a whole routing decision as the gateway makes it (need estimation with the tokenizer,
 *   the cached catalogue, the breaker state, the strategy), on real prompts of several sizes.
 */
import { parseConfig } from '../src/config/load.ts';
import type { TollgateConfigInput } from '../src/config/schema.ts';
import { loadBundledCatalogue } from '../src/pricing/bundled-catalogue.ts';
import { createPriceBook } from '../src/pricing/genai-price-book.ts';
import type { ClientRequest } from '../src/domain/request.ts';
import { Router, needOf } from '../src/routing/router.ts';
import { selectRoute } from '../src/routing/select.ts';
import { percentile } from './lib/sequential-latency.ts';

const models = ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini', 'gpt-4.1', 'gpt-4.1-nano', 'o3-mini', 'claude-3-5-haiku-latest', 'claude-3-5-sonnet-latest', 'claude-3-7-sonnet-latest', 'claude-3-opus-latest', 'llama-local', 'qwen-local'];
const input: TollgateConfigInput = {
  providers: {
    openai: { kind: 'openai', baseUrl: 'https://api.openai.com/v1' },
    anthropic: { kind: 'anthropic', baseUrl: 'https://api.anthropic.com' },
    local: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:8000/v1', node: 'gpu' },
  },
  pricing: { localNodes: [{ id: 'gpu', hourlyUsd: 0.5 }] },
  models: Object.fromEntries(
    models.map((name) => [name, { target: name.endsWith('-local') ? `${name}@local` : name.startsWith('claude') ? `${name}@anthropic` : `${name}@openai`, contextWindow: name.endsWith('-local') ? 8192 : undefined }]),
  ),
  routes: { auto: { strategy: 'balanced' } },
};
const config = parseConfig(input, {});
const priceBook = createPriceBook({ catalogue: loadBundledCatalogue(), localNodes: undefined, providerKinds: { openai: 'openai', anthropic: 'anthropic', local: 'openai-compatible' } });
const router = new Router(config, priceBook, Date.now);

const prompts = [
  'What is the capital of France?',
  'Write a Python function that merges two sorted lists and explain its complexity. '.repeat(4),
  'Summarise the following meeting notes in five bullet points. '.repeat(60),
  'Translate to German: '.repeat(400),
];
const request = (content: string, strategy: string): ClientRequest => ({
  id: 'bench',
  receivedAtMs: Date.now(),
  wire: 'openai',
  operation: 'chat',
  body: { model: `tollgate/${strategy}`, messages: [{ role: 'user', content }] },
  headers: {},
  principal: { keyId: undefined, orgId: 'o', projectId: 'p', userId: undefined, tags: [], allow: { project: true, user: true, tags: true } },
  signal: undefined,
});

function time(iterations: number, fn: (index: number) => void): { p50Us: number; p99Us: number } {
  for (let i = 0; i < 2_000; i += 1) fn(i);
  const samples: number[] = [];
  for (let i = 0; i < iterations; i += 1) {
    const start = process.hrtime.bigint();
    fn(i);
    samples.push(Number(process.hrtime.bigint() - start) / 1_000);
  }
  return { p50Us: Math.round(percentile(samples, 0.5) * 100) / 100, p99Us: Math.round(percentile(samples, 0.99) * 100) / 100 };
}

const entries = router.entries();
const strategies = ['cheapest', 'fastest', 'balanced', 'quality-first', 'local-first'] as const;
const needs = prompts.map((content) => needOf(request(content, 'auto')));
const select = time(50_000, (i) => {
  const strategy = strategies[i % strategies.length]!;
  selectRoute('bench', { strategy, localContextThreshold: 4096, localMaxInFlight: 32, fallbackRule: 'strong', fallbackLengthTokens: 500 }, entries, needs[i % needs.length]!, { breakerOpen: () => false, inFlight: () => 0 });
});
const decide = time(20_000, (i) => {
  router.route(request(prompts[i % prompts.length]!, strategies[i % strategies.length]!));
});
console.log(JSON.stringify({ bench: 'routing', catalogueModels: entries.length, selectUs: select, decideWithTokenizerUs: decide, targetUs: { withoutLearned: 50, withLearned: 500 } }));
