import { calcPrice } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { createUsage } from '../domain/usage.ts';
import { loadBundledCatalogue } from './bundled-catalogue.ts';
import { createCatalogueIndex } from './catalogue-index.ts';
import { costOfUsage } from './cost.ts';
import { planAt, compileSchedule } from './price-schedule.ts';

/**
 * Our lookup and arithmetic against genai-prices' own `calcPrice` (bundled data only, offline) for
 * every model of every bundled provider, with a usage that crosses the usual 200k/272k tiers and
 * touches every common unit. calcPrice works in doubles, so agreement is to 1e-9 USD plus a
 * relative 1e-12 for its float error; the vector suite (test/data) checks exact decimals.
 */
describe('parity with genai-prices calcPrice on the bundled data', () => {
  const catalogue = loadBundledCatalogue();
  const index = createCatalogueIndex(catalogue);
  const timestamp = new Date('2026-10-01T12:00:00Z');
  const usages = [
    {
      input_tokens: 1200,
      cache_read_tokens: 300,
      cache_write_tokens: 200,
      cache_write_1h_tokens: 50,
      output_tokens: 700,
      output_reasoning_tokens: 100,
      web_searches: 2,
    },
    { input_tokens: 300_001, cache_read_tokens: 100_000, cache_write_tokens: 1000, output_tokens: 5000, output_reasoning_tokens: 4000 },
  ];

  it('finds the same model and the same prices for every model id and a dated variant', () => {
    const disagreements: string[] = [];
    let compared = 0;
    for (const provider of catalogue) {
      for (const model of provider.models) {
        for (const modelId of [model.id, `${model.id}-20250101`]) {
          for (const usage of usages) {
            const theirs = calcPrice(usage, modelId, { providerId: provider.id, timestamp });
            const hit = index.findModel(provider.id, modelId);
            if (!theirs || !hit) {
              if (theirs || hit) disagreements.push(`${provider.id} ${modelId}: genai-prices ${theirs?.model.id ?? 'none'}, ours ${hit?.model.id ?? 'none'}`);
              continue;
            }
            compared += 1;
            if (theirs.model.id !== hit.model.id) disagreements.push(`${provider.id} ${modelId}: model ${theirs.model.id} vs ${hit.model.id}`);
            const ours = costOfUsage(
              createUsage({
                inputTotal: usage.input_tokens,
                cacheRead: usage.cache_read_tokens,
                cacheWrite: usage.cache_write_tokens,
                cacheWrite1h: usage.cache_write_1h_tokens,
                outputTotal: usage.output_tokens,
                reasoning: usage.output_reasoning_tokens,
                units: usage.web_searches ? { web_searches: usage.web_searches } : {},
              }),
              planAt(compileSchedule(hit.model.prices), timestamp.getTime()),
            );
            for (const [side, mine, expected] of [
              ['input', ours.inputNanoUsd, theirs.input_price],
              ['output', ours.outputNanoUsd, theirs.output_price],
              ['total', ours.totalNanoUsd, theirs.total_price],
            ] as const) {
              if (Math.abs(mine / 1e9 - expected) > 1e-9 + expected * 1e-12) disagreements.push(`${provider.id} ${modelId} ${side}: ${mine / 1e9} vs ${expected}`);
            }
          }
        }
      }
    }
    expect(disagreements).toEqual([]);
    expect(compared).toBeGreaterThan(3000);
  });
});
