import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { promptCacheSavingsNano } from '../../src/cache/prompt-cache-savings.ts';
import { ANTHROPIC_PROMPT_CACHE, OPENAI_PROMPT_CACHE, simulatePrefixCache, type PrefixCachePolicy, type PrefixRequest } from '../../src/cache/prefix-reuse.ts';
import { createUsage } from '../../src/domain/usage.ts';
import { formatUsd } from '../../src/domain/money.ts';
import { loadBundledCatalogue } from '../../src/pricing/bundled-catalogue.ts';
import { createPriceBook } from '../../src/pricing/genai-price-book.ts';
import { hasSharedData, missingSharedData, sharedDataPath } from '../support/shared-data.ts';
import { skipUnless } from '../support/skip-unless.ts';

const priceBook = createPriceBook({ catalogue: loadBundledCatalogue(), localNodes: undefined, providerKinds: { openai: 'openai', anthropic: 'anthropic' } });
const TIME = Date.UTC(2026, 10, 1);

/**
 * Mooncake's block-hashed traces turned into provider prompt-cache savings: which input tokens
 * OpenAI's automatic cache (≥1,024 tokens, 128-token steps, no write premium) and Anthropic's
 * cache_control cache (reads at 0.1×, writes at 1.25×) would serve, priced by the price book.
 */
skipUnless(hasSharedData('mooncake-traces/conversation_trace.jsonl'), missingSharedData('mooncake-traces/conversation_trace.jsonl'))('Mooncake prefix reuse → provider prompt-cache savings', () => {
  it.each(['conversation_trace.jsonl', 'synthetic_trace.jsonl'])('%s', (file) => {
    const lines = readFileSync(sharedDataPath(`mooncake-traces/${file}`), 'utf8').trim().split('\n');
    const trace = lines.map((line) => JSON.parse(line) as { timestamp: number; input_length: number; output_length: number; hash_ids: number[] });
    const requests: PrefixRequest[] = trace.map((r) => ({ timestampMs: r.timestamp, inputTokens: r.input_length, blockIds: r.hash_ids }));
    const inputTokens = trace.reduce((sum, r) => sum + r.input_length, 0);
    const report: string[] = [`${file}: ${trace.length} requests, ${inputTokens.toLocaleString('en')} input tokens`];
    const cases: Array<[string, string, PrefixCachePolicy]> = [
      ['gpt-4.1', 'openai', OPENAI_PROMPT_CACHE],
      ['claude-sonnet-4-0', 'anthropic', ANTHROPIC_PROMPT_CACHE],
    ];
    for (const [model, provider, policy] of cases) {
      const usages = simulatePrefixCache(requests, policy);
      const query = { model, providerId: provider, priceProviderId: provider, timeMs: TIME };
      const price = (usage: Parameters<typeof priceBook.cost>[0]) => priceBook.cost(usage, query).totalNanoUsd;
      let uncached = 0;
      let billed = 0;
      let saved = 0;
      let read = 0;
      usages.forEach((u, i) => {
        const r = trace[i]!;
        uncached += price(createUsage({ inputTotal: r.input_length, outputTotal: r.output_length }));
        billed += price(createUsage({ inputTotal: r.input_length, cacheRead: u.cacheRead, cacheWrite: u.cacheWrite, outputTotal: r.output_length }));
        saved += promptCacheSavingsNano({ inputTokens: r.input_length, cacheReadTokens: u.cacheRead, cacheWriteTokens: u.cacheWrite, outputTokens: r.output_length, reasoningTokens: 0 }, price);
        read += u.cacheRead;
      });
      // The savings function and the two totals agree to the nano-dollar.
      expect(saved).toBe(uncached - billed);
      expect(read).toBeGreaterThan(0);
      expect(read).toBeLessThan(inputTokens);
      report.push(
        `  ${model}@${provider}: cached ${((read / inputTokens) * 100).toFixed(1)}% of input; $${formatUsd(uncached)} without caching → $${formatUsd(billed)} with it; saved $${formatUsd(saved)} (${((saved / uncached) * 100).toFixed(1)}%)`,
      );
      if (provider === 'openai') expect(saved).toBeGreaterThan(0);
    }
    console.log(report.join('\n'));
  });
});
