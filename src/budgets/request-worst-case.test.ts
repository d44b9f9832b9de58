import { describe, expect, it } from 'vitest';
import type { Target } from '../domain/request.ts';
import type { PriceBook } from '../pricing/price-book.ts';
import { RequestWorstCase } from './request-worst-case.ts';

/** 10 nano-USD per input token and 30 per output token on every model; the query's model and time recorded. */
function fakePriceBook(seen: Array<{ model: string; timeMs: number }>): PriceBook {
  return {
    cost: (usage, query) => {
      seen.push({ model: query.model, timeMs: query.timeMs });
      const total = usage.input.total * 10 + usage.output.total * 30;
      return { inputNanoUsd: usage.input.total * 10, outputNanoUsd: usage.output.total * 30, totalNanoUsd: total, priced: true, source: 'catalogue' } as ReturnType<PriceBook['cost']>;
    },
    rates: () => undefined,
  };
}

const target = (upstreamModel: string): Target => ({ providerId: 'p', provider: { kind: 'openai-compatible' }, upstreamModel }) as unknown as Target;

describe('RequestWorstCase', () => {
  it('prices the estimate times the learnt ratio, and max_tokens times the completions, on the target model at the given time', () => {
    const seen: Array<{ model: string; timeMs: number }> = [];
    const ratios: string[] = [];
    const sources = {
      priceBook: fakePriceBook(seen),
      inputRatios: { reserve: (model: string, tokens: number, orgId?: string) => (ratios.push(`${model}/${orgId}`), Math.ceil(tokens * 1.5)) },
      outputBounds: { bound: () => 999 },
      config: { enforcement: { defaultMaxOutputTokens: 4096 } },
    };
    const worst = new RequestWorstCase(sources, { max_tokens: 100 }, 41, 3, 'acme');
    // ceil(41 * 1.5) = 62 input tokens, 100 x 3 output tokens.
    expect(worst.on(target('m1'), 1_000)).toBe(62 * 10 + 300 * 30);
    expect(seen).toEqual([{ model: 'm1', timeMs: 1_000 }]);
    expect(ratios).toEqual(['m1/acme']);
  });

  it('without max_tokens: the target model’s learnt bound, else the configured default, read at each use', () => {
    const config = { enforcement: { defaultMaxOutputTokens: 4096 } };
    const bounds: Record<string, number> = { learnt: 7 };
    const sources = { priceBook: fakePriceBook([]), inputRatios: { reserve: (_m: string, tokens: number) => tokens }, outputBounds: { bound: (model: string) => bounds[model] }, config };
    const worst = new RequestWorstCase(sources, {}, 5, 1, undefined);
    expect(worst.on(target('learnt'), 0)).toBe(5 * 10 + 7 * 30);
    expect(worst.on(target('other'), 0)).toBe(5 * 10 + 4096 * 30);
    config.enforcement.defaultMaxOutputTokens = 10;
    expect(worst.on(target('other'), 0)).toBe(5 * 10 + 10 * 30);
  });
});
