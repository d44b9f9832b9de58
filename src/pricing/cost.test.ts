import { describe, expect, it } from 'vitest';
import { createUsage, type UsageParts } from '../domain/usage.ts';
import { baseRatesPerMTok, costOfUsage, type CostOptions } from './cost.ts';
import { compilePrices } from './price-plan.ts';
import type { ModelPrices } from './catalogue.ts';

const GPT_4O: ModelPrices = { input_mtok: 2.5, cache_read_mtok: 1.25, output_mtok: 10 };
const SONNET_45: ModelPrices = {
  input_mtok: { base: 3, tiers: [{ start: 200_000, price: 6 }] },
  cache_write_mtok: { base: 3.75, tiers: [{ start: 200_000, price: 7.5 }] },
  cache_read_mtok: { base: 0.3, tiers: [{ start: 200_000, price: 0.6 }] },
  output_mtok: { base: 15, tiers: [{ start: 200_000, price: 22.5 }] },
  cache_write_1h_mtok: { base: 6, tiers: [{ start: 200_000, price: 12 }] },
  web_searches_kcount: 10,
};

function cost(prices: ModelPrices, parts: UsageParts, options?: CostOptions) {
  return costOfUsage(createUsage(parts), compilePrices(prices), options);
}

describe('costOfUsage', () => {
  it.each<[string, ModelPrices, UsageParts, number, number]>([
    // genai-prices' own checks: gpt-4o 1M in / 100k out = $3.50; with 800k cache reads = $2.50.
    ['plain input and output', GPT_4O, { inputTotal: 1_000_000, outputTotal: 100_000 }, 2_500_000_000, 1_000_000_000],
    ['cache reads at the cache rate', GPT_4O, { inputTotal: 1_000_000, cacheRead: 800_000, outputTotal: 100_000 }, 1_500_000_000, 1_000_000_000],
    // Tier threshold: exactly 200,000 input tokens is still the base rate…
    ['200,000 input tokens: base tier', SONNET_45, { inputTotal: 200_000, outputTotal: 1000 }, 600_000_000, 15_000_000],
    // …one more and the tier rate applies to ALL input and output tokens.
    ['200,001 input tokens: long-context tier', SONNET_45, { inputTotal: 200_001, outputTotal: 1000 }, 1_200_006_000, 22_500_000],
    // The threshold counts cache reads too: 150k uncached + 60k cached crosses it.
    ['tier chosen by total input incl. cache', SONNET_45, { inputTotal: 210_000, cacheRead: 60_000, outputTotal: 0 }, 150_000 * 6000 + 60_000 * 600, 0],
    // 1,000 uncached at $3, 5,000 reads at $0.30, 3,000 5-minute writes at $3.75, 1,000 1-hour writes at $6.
    [
      'cache writes, 5-minute and 1-hour',
      SONNET_45,
      { inputTotal: 10_000, cacheRead: 5000, cacheWrite: 4000, cacheWrite1h: 1000, outputTotal: 0 },
      3_000_000 + 1_500_000 + 11_250_000 + 6_000_000,
      0,
    ],
    // No 1-hour price: 1-hour writes are cache writes; no cache prices at all: input rate.
    [
      '1-hour writes without a 1-hour price',
      { input_mtok: 3, cache_write_mtok: 3.75, output_mtok: 15 },
      { inputTotal: 100, cacheWrite: 100, cacheWrite1h: 100, outputTotal: 0 },
      375_000,
      0,
    ],
    [
      'cache tokens without cache prices bill as input',
      { input_mtok: 2, output_mtok: 8 },
      { inputTotal: 1000, cacheRead: 900, cacheWrite: 100, outputTotal: 0 },
      2_000_000,
      0,
    ],
    // $0.01875/M is 18.75 nano-USD per token: exact, and rounded half up once.
    ['$0.01875/M, 1M tokens', { input_mtok: 0.01875, output_mtok: 0.075 }, { inputTotal: 1_000_000, outputTotal: 1 }, 18_750_000, 75],
    ['$0.01875/M, 2 tokens = 37.5 nano rounds up', { input_mtok: 0.01875, output_mtok: 0.01875 }, { inputTotal: 2, outputTotal: 3 }, 38, 56],
    // Rounding is once per side: two half nano-dollars on the input side make one, not two.
    [
      'rounded once per side, not per unit',
      { input_mtok: 0.0005, cache_read_mtok: 0.0005, output_mtok: 0.0005 },
      { inputTotal: 2, cacheRead: 1, outputTotal: 1 },
      1,
      1,
    ],
    // A separately priced reasoning rate takes the reasoning tokens out of output_tokens.
    [
      'separate reasoning price',
      { input_mtok: 1, output_mtok: 10, output_reasoning_mtok: 5 },
      { inputTotal: 0, outputTotal: 100, reasoning: 40 },
      0,
      60 * 10_000 + 40 * 5000,
    ],
    [
      'audio input from units',
      { input_mtok: 2.5, input_audio_mtok: 40, output_mtok: 10 },
      { inputTotal: 1000, outputTotal: 0, units: { input_audio_tokens: 100 } },
      900 * 2500 + 100 * 40_000,
      0,
    ],
  ])('%s', (_name, prices, parts, input, output) => {
    const result = cost(prices, parts);
    expect(result.inputNanoUsd).toBe(input);
    expect(result.outputNanoUsd).toBe(output);
    expect(result.totalNanoUsd).toBe(input + output + result.otherNanoUsd);
  });

  it('bills per-request fees and web searches on neither side, inside the total', () => {
    const result = cost({ input_mtok: 1, output_mtok: 1, requests_kcount: 5 }, { inputTotal: 0, outputTotal: 0 });
    expect(result).toEqual({ inputNanoUsd: 0, outputNanoUsd: 0, otherNanoUsd: 5_000_000, totalNanoUsd: 5_000_000 });
    const searches = cost(SONNET_45, { inputTotal: 1000, outputTotal: 10, units: { web_searches: 3 } });
    expect(searches.otherNanoUsd).toBe(30_000_000);
    expect(searches.totalNanoUsd).toBe(3_000_000 + 150_000 + 30_000_000);
  });

  it('halves token prices for batch requests but not request fees or tool calls', () => {
    const prices = { input_mtok: 3, output_mtok: 0.0225, web_searches_kcount: 10 };
    const parts = { inputTotal: 1_000_000, cacheRead: 500_000, outputTotal: 3, units: { web_searches: 1 } };
    const list = cost(prices, parts);
    const batch = cost(prices, parts, { batch: true });
    expect(list.inputNanoUsd).toBe(3_000_000_000);
    expect(batch.inputNanoUsd).toBe(1_500_000_000);
    // 3 output tokens at $0.0225/M = 67.5 nano at list, 33.75 in batch: each rounded once, half up.
    expect(list.outputNanoUsd).toBe(68);
    expect(batch.outputNanoUsd).toBe(34);
    expect(batch.otherNanoUsd).toBe(10_000_000);
    expect(list.otherNanoUsd).toBe(10_000_000);
  });

  it('applies an exact factor (a negotiated discount) before rounding', () => {
    const result = cost(GPT_4O, { inputTotal: 3, outputTotal: 1 }, { factor: { numerator: 875n, denominator: 1000n } });
    // 3 × 2500 × 0.875 = 6562.5 -> 6563; 10000 × 0.875 = 8750
    expect(result.inputNanoUsd).toBe(6563);
    expect(result.outputNanoUsd).toBe(8750);
  });

  it('stays exact when a product passes 2^53, by switching to BigInt', () => {
    // 200,000,000,000,001 tokens × 75 (nano per 4 tokens) is past Number.MAX_SAFE_INTEGER.
    const result = cost({ input_mtok: 60, output_mtok: 0.01875 }, { inputTotal: 1_000_000, outputTotal: 200_000_000_000_001 });
    expect(result.inputNanoUsd).toBe(60_000_000_000);
    expect(result.outputNanoUsd).toBe(3_750_000_000_000_019); // 18.75 × 200,000,000,000,001 = …018.75
  });

  it('prices fractional units (audio seconds) exactly', () => {
    // $0.36 per hour of audio is 100,000 nano-USD per second; 12.5 s = 1,250,000.
    const result = cost({ input_mtok: 1, output_mtok: 1, input_audio_hours: 0.36 }, { inputTotal: 0, outputTotal: 0, units: { input_audio_seconds: 12.5 } });
    expect(result.inputNanoUsd).toBe(1_250_000);
  });

  it('never bills negative leaves when a sub-count exceeds its parent', () => {
    const result = cost({ input_mtok: 1, input_audio_mtok: 2, output_mtok: 1 }, { inputTotal: 10, outputTotal: 0, units: { input_audio_tokens: 50 } });
    expect(result.inputNanoUsd).toBe(100_000);
  });
});

describe('compilePrices', () => {
  it('keeps float artefacts in the data exact rather than guessing', () => {
    const plan = compilePrices({ input_mtok: 0.18000000000000002, output_mtok: 0.68 });
    expect(plan.safe).toBe(false);
    expect(costOfUsage(createUsage({ inputTotal: 1_000_000, outputTotal: 0 }), plan).inputNanoUsd).toBe(180_000_000);
  });

  it('reports unknown price keys and lattice gaps genai-prices would refuse', () => {
    const plan = compilePrices({ input_mtok: 1, cache_audio_read_mtok: 0.5, input_audio_mtok: 2, teleport_mtok: 9 });
    expect(plan.unknownPriceKeys).toEqual(['teleport_mtok']);
    expect(plan.problems).toContain('missing ancestor price cache_read_mtok for cache_audio_read_mtok');
    const joined = compilePrices({ input_mtok: 1, cache_read_mtok: 0.1, input_audio_mtok: 2, output_mtok: 1 });
    expect(joined.problems).toEqual(['missing join price cache_audio_read_mtok for cache_read_mtok and input_audio_mtok']);
  });
});

describe('baseRatesPerMTok', () => {
  it('gives first-tier rates with cache rates falling back to input', () => {
    expect(baseRatesPerMTok(compilePrices(SONNET_45))).toEqual({ input: 3e9, output: 15e9, cacheRead: 3e8, cacheWrite: 3.75e9 });
    expect(baseRatesPerMTok(compilePrices({ input_mtok: 0.01875, output_mtok: 0.075 }), { batch: true })).toEqual({
      input: 9_375_000,
      output: 37_500_000,
      cacheRead: 9_375_000,
      cacheWrite: 9_375_000,
    });
  });
});
