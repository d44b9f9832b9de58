import { describe, expect, it } from 'vitest';
import type { PriceOverride } from '../config/schema.ts';
import { createUsage } from '../domain/usage.ts';
import { parseCatalogue } from './catalogue.ts';
import { createPriceBook } from './genai-price-book.ts';
import { createLocalNodeCosts } from './local-nodes.ts';
import type { PriceQuery } from './price-book.ts';

const catalogue = parseCatalogue([
  {
    id: 'openai',
    name: 'OpenAI',
    model_match: { starts_with: 'gpt-' },
    models: [
      { id: 'gpt-4o', match: { starts_with: 'gpt-4o' }, context_window: 128_000, prices: { input_mtok: 2.5, cache_read_mtok: 1.25, output_mtok: 10 } },
      {
        id: 'o3',
        match: { starts_with: 'o3' },
        prices: [{ prices: { input_mtok: 10, output_mtok: 40 } }, { constraint: { start_date: '2025-06-10' }, prices: { input_mtok: 2, output_mtok: 8 } }],
      },
    ],
  },
  {
    id: 'deepseek',
    name: 'DeepSeek',
    model_match: { starts_with: 'deepseek' },
    models: [{ id: 'deepseek-r1', match: { starts_with: 'deepseek-r1' }, prices: { input_mtok: 0.55, output_mtok: 2.19 } }],
  },
]);

const MILLION = createUsage({ inputTotal: 1_000_000, outputTotal: 1_000_000 });
const NOW = Date.parse('2026-06-01T12:00:00Z');

function query(model: string, extra: Partial<PriceQuery> = {}): PriceQuery {
  return { model, providerId: 'openai', priceProviderId: 'openai', timeMs: NOW, ...extra };
}

function book(overrides: PriceOverride[] = [], extra: Partial<Parameters<typeof createPriceBook>[0]> = {}) {
  return createPriceBook({ catalogue, overrides, ...extra });
}

describe('price book', () => {
  it('prices a catalogue model and says where the price came from', () => {
    expect(book().cost(MILLION, query('gpt-4o-2024-11-20'))).toEqual({
      inputNanoUsd: 2_500_000_000,
      outputNanoUsd: 10_000_000_000,
      otherNanoUsd: 0,
      totalNanoUsd: 12_500_000_000,
      priced: true,
      source: 'genai-prices:openai/gpt-4o',
    });
  });

  it('never throws for an unknown model: all zero and flagged unpriced', () => {
    const prices = book();
    expect(prices.cost(MILLION, query('mystery-model'))).toEqual({ inputNanoUsd: 0, outputNanoUsd: 0, totalNanoUsd: 0, priced: false, source: 'unpriced' });
    expect(prices.cost(MILLION, query(''))).toMatchObject({ priced: false });
    expect(prices.cost(MILLION, query(undefined as unknown as string))).toMatchObject({ priced: false });
    expect(prices.rates(query('mystery-model'))).toBeUndefined();
  });

  it('applies date-dependent prices by the request time', () => {
    const prices = book();
    expect(prices.cost(MILLION, query('o3', { timeMs: Date.parse('2025-06-09T00:00:00Z') })).inputNanoUsd).toBe(10_000_000_000);
    expect(prices.cost(MILLION, query('o3')).inputNanoUsd).toBe(2_000_000_000);
  });

  it('halves tokens for batch requests', () => {
    const cost = book().cost(MILLION, query('gpt-4o', { batch: true }));
    expect(cost.totalNanoUsd).toBe(6_250_000_000);
    expect(book().rates(query('gpt-4o', { batch: true }))?.inputPerMTokNanoUsd).toBe(1_250_000_000);
  });

  it('guesses the provider from the model name when the price provider does not list it', () => {
    const cost = book().cost(MILLION, query('deepseek-r1', { providerId: 'router', priceProviderId: 'openrouter' }));
    expect(cost).toMatchObject({ priced: true, source: 'genai-prices:deepseek/deepseek-r1 (by model name)' });
  });

  it('never guesses for an openai-compatible server without a price provider', () => {
    const prices = book([], { providerKinds: { ollama: 'openai-compatible' } });
    expect(prices.cost(MILLION, query('deepseek-r1:7b', { providerId: 'ollama', priceProviderId: undefined })).priced).toBe(false);
  });

  describe('overrides', () => {
    it('replace catalogue prices key by key and keep the rest', () => {
      const prices = book([{ model: 'gpt-4o', inputPerMTokUsd: 2 }]);
      const cost = prices.cost(createUsage({ inputTotal: 1_000_000, cacheRead: 400_000, outputTotal: 1_000_000 }), query('gpt-4o'));
      expect(cost.inputNanoUsd).toBe(600_000 * 2000 + 400_000 * 1250);
      expect(cost.outputNanoUsd).toBe(10_000_000_000);
      expect(cost.source).toBe('override:gpt-4o+genai-prices:openai/gpt-4o');
    });

    it('price unknown models, by prefix, per provider, with a request fee', () => {
      const prices = book([
        { model: 'llama-*', inputPerMTokUsd: 0.1, outputPerMTokUsd: 0.2 },
        { model: 'llama-*', provider: 'vllm', inputPerMTokUsd: 0.05, outputPerMTokUsd: 0.05, requestUsd: 0.0001 },
      ]);
      expect(prices.cost(MILLION, query('llama-3.1-8b'))).toMatchObject({ inputNanoUsd: 100_000_000, outputNanoUsd: 200_000_000, source: 'override:llama-*' });
      const vllm = prices.cost(MILLION, query('llama-3.1-8b', { providerId: 'vllm', priceProviderId: undefined }));
      expect(vllm).toMatchObject({ inputNanoUsd: 50_000_000, outputNanoUsd: 50_000_000, otherNanoUsd: 100_000, totalNanoUsd: 100_100_000 });
      expect(prices.cost(MILLION, query('mistral-7b')).priced).toBe(false);
    });

    it('prefers an exact name over a prefix, and a longer prefix over a shorter one', () => {
      const prices = book([
        { model: 'gpt-*', inputPerMTokUsd: 1 },
        { model: 'gpt-4o*', inputPerMTokUsd: 2 },
        { model: 'gpt-4o-mini', inputPerMTokUsd: 3 },
      ]);
      expect(prices.cost(MILLION, query('gpt-4o-mini')).inputNanoUsd).toBe(3_000_000_000);
      expect(prices.cost(MILLION, query('gpt-4o-2024')).inputNanoUsd).toBe(2_000_000_000);
      expect(prices.cost(MILLION, query('gpt-5')).inputNanoUsd).toBe(1_000_000_000);
    });

    it('apply a discount on top of whatever price is found', () => {
      const prices = book([{ model: '*', discountPercent: 12.5 }, { model: 'llama-*', inputPerMTokUsd: 0.1, outputPerMTokUsd: 0.1 }]);
      expect(prices.cost(MILLION, query('gpt-4o'))).toMatchObject({ inputNanoUsd: 2_187_500_000, source: 'genai-prices:openai/gpt-4o -12.5%' });
      expect(prices.cost(MILLION, query('llama-3'))).toMatchObject({ inputNanoUsd: 87_500_000 });
      expect(prices.rates(query('gpt-4o'))?.outputPerMTokNanoUsd).toBe(8_750_000_000);
      expect(prices.cost(MILLION, query('mystery')).priced).toBe(false);
    });
  });

  describe('local nodes', () => {
    // $3.60/hour at 1,000 tokens/s expected: 3.6M tokens/hour, 1,000 nano-USD per token.
    const nodes = () => createLocalNodeCosts([{ id: 'gpu-box', hourlyUsd: 3.6, expectedTokensPerSecond: 1000 }]);
    const local = (extra: Partial<PriceQuery> = {}) => query('llama-3.1-70b', { providerId: 'vllm', priceProviderId: undefined, nodeId: 'gpu-box', ...extra });

    it('prices tokens at the node amortised rate', () => {
      const localNodes = nodes();
      const prices = book([], { localNodes, providerKinds: { vllm: 'openai-compatible' } });
      expect(prices.cost(createUsage({ inputTotal: 3000, outputTotal: 500 }), local())).toEqual({
        inputNanoUsd: 3_000_000,
        outputNanoUsd: 500_000,
        totalNanoUsd: 3_500_000,
        priced: true,
        source: 'local-node:gpu-box (expected throughput)',
      });
      localNodes.recordTokens('gpu-box', 7_200_000, NOW - 3_600_000);
      expect(prices.cost(createUsage({ inputTotal: 3000, outputTotal: 500 }), local())).toMatchObject({ totalNanoUsd: 1_750_000, source: 'local-node:gpu-box' });
      expect(prices.rates(local())).toEqual({
        inputPerMTokNanoUsd: 500_000_000,
        outputPerMTokNanoUsd: 500_000_000,
        cacheReadPerMTokNanoUsd: 500_000_000,
        cacheWritePerMTokNanoUsd: 500_000_000,
        contextWindow: undefined,
      });
    });

    it('lets an override win over the node, and a discount apply to it', () => {
      const priced = book([{ model: 'llama-*', inputPerMTokUsd: 0, outputPerMTokUsd: 0 }], { localNodes: nodes() });
      expect(priced.cost(MILLION, local())).toMatchObject({ totalNanoUsd: 0, priced: true, source: 'override:llama-*' });
      const discounted = book([{ model: 'llama-*', discountPercent: 50 }], { localNodes: nodes() });
      expect(discounted.cost(MILLION, local()).totalNanoUsd).toBe(1_000_000_000);
    });

    it('leaves a node it does not know unpriced rather than free', () => {
      expect(book([], { localNodes: nodes() }).cost(MILLION, local({ nodeId: 'elsewhere' })).priced).toBe(false);
    });
  });

  it('gives base rates and the context window for routing', () => {
    expect(book().rates(query('gpt-4o'))).toEqual({
      inputPerMTokNanoUsd: 2_500_000_000,
      outputPerMTokNanoUsd: 10_000_000_000,
      cacheReadPerMTokNanoUsd: 1_250_000_000,
      cacheWritePerMTokNanoUsd: 2_500_000_000,
      contextWindow: 128_000,
    });
  });

  it('computes a plan\'s rates once per plan and batch flag, the same as a fresh book\'s, dated plans apart', () => {
    const prices = book([{ model: 'gpt-4o', discountPercent: 12.5 }]);
    const first = prices.rates(query('gpt-4o'));
    expect(prices.rates(query('gpt-4o'))).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(prices.rates(query('gpt-4o', { batch: true }))).toEqual(book([{ model: 'gpt-4o', discountPercent: 12.5 }]).rates(query('gpt-4o', { batch: true })));
    expect(prices.rates(query('gpt-4o', { batch: true }))?.inputPerMTokNanoUsd).toBe(first!.inputPerMTokNanoUsd / 2);
    // o3's price changed on 2025-06-10: each date gets its own plan's rates, before and after a memoised read.
    const before = Date.parse('2025-06-01T00:00:00Z');
    expect(prices.rates(query('o3'))?.inputPerMTokNanoUsd).toBe(2_000_000_000);
    expect(prices.rates(query('o3', { timeMs: before }))?.inputPerMTokNanoUsd).toBe(10_000_000_000);
    expect(prices.rates(query('o3'))?.inputPerMTokNanoUsd).toBe(2_000_000_000);
  });

  it('keeps answering correctly after its memo fills up', () => {
    const prices = book([], { memoLimit: 2 });
    for (const model of ['gpt-4o', 'o3', 'gpt-4o-mini', 'nope', 'gpt-4o']) prices.cost(MILLION, query(model));
    expect(prices.cost(MILLION, query('gpt-4o')).totalNanoUsd).toBe(12_500_000_000);
  });
});
