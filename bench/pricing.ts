/**
 * Price book micro-benchmark: `npx tsx bench/pricing.ts`. Prints one JSON line:
 * - warmCostUs: a hot-path `cost()` (memoised resolution, compiled plan), over a mix of queries
 *   (plain, cached, 1-hour cache writes, long-context tier, dated prices);
 * - coldLookupUs: the first `cost()` of a (provider, model) pair in a fresh book (lookup + compile),
 *   averaged over every model of the bundled catalogue;
 * - localNodeCostUs: a `cost()` priced by a local node's amortised rate (24 hourly buckets);
 * - genaiCalcPriceUs: @pydantic/genai-prices' own `calcPrice` on the same warm mix, as the peer,
 *   and the ratio, because this machine is shared and noisy.
 */
import { calcPrice } from '@pydantic/genai-prices';
import { createUsage, type Usage } from '../src/domain/usage.ts';
import { loadBundledCatalogue } from '../src/pricing/bundled-catalogue.ts';
import { createPriceBook } from '../src/pricing/genai-price-book.ts';
import { createLocalNodeCosts } from '../src/pricing/local-nodes.ts';
import type { PriceQuery } from '../src/pricing/price-book.ts';

const timeMs = Date.parse('2026-10-01T12:00:00Z');
const catalogue = loadBundledCatalogue();

interface Case {
  query: PriceQuery;
  usage: Usage;
  genai: Record<string, number>;
}

interface Parts {
  input: number;
  cacheRead?: number;
  cacheWrite?: number;
  cacheWrite1h?: number;
  output: number;
  reasoning?: number;
}

function makeCase(providerId: string, model: string, parts: Parts): Case {
  return {
    query: { model, providerId, priceProviderId: providerId, timeMs },
    usage: createUsage({
      inputTotal: parts.input,
      cacheRead: parts.cacheRead,
      cacheWrite: parts.cacheWrite,
      cacheWrite1h: parts.cacheWrite1h,
      outputTotal: parts.output,
      reasoning: parts.reasoning,
    }),
    genai: {
      input_tokens: parts.input,
      cache_read_tokens: parts.cacheRead ?? 0,
      cache_write_tokens: parts.cacheWrite ?? 0,
      cache_write_1h_tokens: parts.cacheWrite1h ?? 0,
      output_tokens: parts.output,
      output_reasoning_tokens: parts.reasoning ?? 0,
    },
  };
}

const cases: Case[] = [
  makeCase('openai', 'gpt-4o-2024-08-06', { input: 1200, cacheRead: 1024, output: 300 }),
  makeCase('openai', 'gpt-5', { input: 5000, output: 2000, reasoning: 1500 }),
  makeCase('anthropic', 'claude-sonnet-4-5-20250929', { input: 16_566, cacheRead: 14_512, cacheWrite: 2051, cacheWrite1h: 2000, output: 503 }),
  makeCase('anthropic', 'claude-sonnet-4-5', { input: 401_468, output: 792 }),
  makeCase('google', 'gemini-2.5-pro', { input: 300_000, output: 1000 }),
  makeCase('deepseek', 'deepseek-chat', { input: 1000, cacheRead: 500, output: 200 }),
  makeCase('openrouter', 'openai/gpt-4o-mini', { input: 800, output: 100 }),
  makeCase('azure', 'gpt-4o', { input: 900, output: 90 }),
];

function timeIt(iterations: number, body: (index: number) => void): number {
  const start = process.hrtime.bigint();
  for (let index = 0; index < iterations; index += 1) body(index);
  return Number(process.hrtime.bigint() - start) / 1000 / iterations;
}

const book = createPriceBook({ catalogue });
let sink = 0;
// Warm up the JIT and the memo.
for (let round = 0; round < 20_000; round += 1) for (const entry of cases) sink += book.cost(entry.usage, entry.query).totalNanoUsd;
const warmIterations = 400_000;
const warmCostUs = timeIt(warmIterations, (index) => {
  const entry = cases[index % cases.length]!;
  sink += book.cost(entry.usage, entry.query).totalNanoUsd;
});

const timestamp = new Date(timeMs);
const peer = (entry: Case): number => calcPrice(entry.genai, entry.query.model, { providerId: entry.query.providerId, timestamp })?.total_price ?? 0;
for (let round = 0; round < 2000; round += 1) for (const entry of cases) sink += peer(entry);
const genaiCalcPriceUs = timeIt(40_000, (index) => {
  sink += peer(cases[index % cases.length]!);
});

// Local node: amortised rate from a 24-hour window, recomputed per call.
const localNodes = createLocalNodeCosts([{ id: 'gpu', hourlyUsd: 1.37, expectedTokensPerSecond: 800 }]);
for (let hour = 1; hour <= 24; hour += 1) localNodes.recordTokens('gpu', 1_000_000 + hour * 7919, timeMs - hour * 3_600_000);
const localBook = createPriceBook({ catalogue, localNodes, providerKinds: { vllm: 'openai-compatible' } });
const localQuery: PriceQuery = { model: 'llama-3.1-70b', providerId: 'vllm', priceProviderId: undefined, nodeId: 'gpu', timeMs };
const localUsage = createUsage({ inputTotal: 1500, outputTotal: 300 });
for (let round = 0; round < 20_000; round += 1) sink += localBook.cost(localUsage, localQuery).totalNanoUsd;
const localNodeCostUs = timeIt(200_000, () => {
  sink += localBook.cost(localUsage, localQuery).totalNanoUsd;
});

// Cold: every model of every provider once, in a fresh book (lookup, schedule compile, memo insert).
const pairs = catalogue.flatMap((provider) => provider.models.map((model) => ({ providerId: provider.id, model: model.id })));
const coldUsage = createUsage({ inputTotal: 1000, cacheRead: 200, outputTotal: 100 });
const samples: number[] = [];
for (let round = 0; round < 5; round += 1) {
  const fresh = createPriceBook({ catalogue });
  samples.push(
    timeIt(pairs.length, (index) => {
      const pair = pairs[index]!;
      sink += fresh.cost(coldUsage, { model: pair.model, providerId: pair.providerId, priceProviderId: pair.providerId, timeMs }).totalNanoUsd;
    }),
  );
}
samples.sort((a, b) => a - b);
const coldLookupUs = samples[Math.floor(samples.length / 2)]!;

const round3 = (value: number) => Math.round(value * 1000) / 1000;
console.log(
  JSON.stringify({
    bench: 'pricing',
    warmCostUs: round3(warmCostUs),
    coldLookupUs: round3(coldLookupUs),
    localNodeCostUs: round3(localNodeCostUs),
    coldPairs: pairs.length,
    genaiCalcPriceUs: round3(genaiCalcPriceUs),
    speedupVsGenaiCalcPrice: round3(genaiCalcPriceUs / warmCostUs),
    node: process.version,
    checksum: sink > 0,
  }),
);
