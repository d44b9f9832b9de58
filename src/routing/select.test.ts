import { describe, expect, it } from 'vitest';
import type { RouteConfig } from '../config/schema.ts';
import type { CatalogueEntry } from './catalogue.ts';
import { selectRoute, type RouteNeed } from './select.ts';

function entry(alias: string, overrides: Partial<CatalogueEntry>): CatalogueEntry {
  return {
    alias,
    target: { providerId: 'p', provider: { kind: 'openai', baseUrl: 'http://x/v1', headers: {}, timeoutMs: 1, headersTimeoutMs: 1, totalTimeoutMs: 1, connections: 1 }, upstreamModel: alias },
    key: `${alias}@p`,
    contextWindow: 128_000,
    operations: ['chat', 'messages', 'completion'],
    operationsSource: 'default',
    capabilities: { tools: 'yes', vision: 'unknown', json: 'yes' },
    priced: true,
    inputPerMTokNano: 1e9,
    outputPerMTokNano: 2e9,
    quality: 0.5,
    qualitySource: 'config',
    latencyMs: 500,
    latencySource: 'config',
    errorRate: 0,
    local: false,
    ...overrides,
  };
}

const catalogue = [
  entry('mini', { inputPerMTokNano: 0.15e9, outputPerMTokNano: 0.6e9, quality: 0.6, latencyMs: 400, contextWindow: 8_000 }),
  entry('big', { inputPerMTokNano: 2.5e9, outputPerMTokNano: 10e9, quality: 0.9, latencyMs: 900 }),
  entry('fast', { inputPerMTokNano: 1e9, outputPerMTokNano: 4e9, quality: 0.7, latencyMs: 150, capabilities: { tools: 'no', vision: 'unknown', json: 'yes' } }),
  entry('local', { inputPerMTokNano: 0.01e9, outputPerMTokNano: 0.01e9, quality: 0.4, latencyMs: 700, local: true, contextWindow: 8_192 }),
];
const need = (overrides: Partial<RouteNeed> = {}): RouteNeed => ({ inputTokens: 500, outputTokens: 200, tools: false, vision: false, json: false, ...overrides });
const route = (strategy: RouteConfig['strategy'], extra: Partial<RouteConfig> = {}): RouteConfig => ({ strategy, localContextThreshold: 4096, localMaxInFlight: 2, fallbackRule: 'strong', fallbackLengthTokens: 500, ...extra });
const healthy = { breakerOpen: () => false, inFlight: () => 0 };
const aliases = (decision: { ordered: CatalogueEntry[] }) => decision.ordered.map((e) => e.alias);

describe('selectRoute', () => {
  it('cheapest, fastest and quality-first order the candidates by their criterion', () => {
    expect(aliases(selectRoute('r', route('cheapest'), catalogue, need(), healthy))).toEqual(['local', 'mini', 'fast', 'big']);
    expect(aliases(selectRoute('r', route('fastest'), catalogue, need(), healthy))[0]).toBe('fast');
    expect(aliases(selectRoute('r', route('quality-first'), catalogue, need(), healthy))[0]).toBe('big');
  });

  it('a 30k-token prompt never goes to an 8k model; a tools request never to a model without tools', () => {
    const long = selectRoute('r', route('cheapest'), catalogue, need({ inputTokens: 30_000 }), healthy);
    expect(aliases(long)).toEqual(['fast', 'big']);
    expect(long.considered.filter((c) => c.removedBy === 'context').map((c) => c.alias).sort()).toEqual(['local', 'mini']);
    const tools = selectRoute('r', route('fastest'), catalogue, need({ tools: true }), healthy);
    expect(aliases(tools)).not.toContain('fast');
    expect(tools.summary).toMatch(/fast=tools/);
  });

  it('explains itself as a structured decision: chosen target, reason, what was removed and why', () => {
    const long = selectRoute('r', route('cheapest'), catalogue, need({ inputTokens: 30_000 }), healthy);
    expect(long.decision).toEqual({
      summary: long.summary,
      chosen: 'fast@p',
      route: 'r',
      strategy: 'cheapest',
      reason: 'fast is the cheapest for this request (2 eligible of 4)',
      skipped: [
        { target: 'mini@p', why: 'context' },
        { target: 'local@p', why: 'context' },
      ],
    });
    const learned = selectRoute('r', route('learned', { strong: 'big', weak: 'mini' }), catalogue, need(), { ...healthy, learned: { probability: 0.71234, threshold: 0.5 } });
    expect(learned.decision).toMatchObject({ chosen: 'big@p', learned: { score: 0.712, threshold: 0.5 }, reason: expect.stringMatching(/probability 0\.712 >= threshold 0\.500/) });
    expect(learned.decision.skipped).toBeUndefined();
  });

  it('balanced trades cost, quality and latency by weight', () => {
    const costHeavy = selectRoute('r', route('balanced', { weights: { cost: 5, quality: 1, latency: 0 } }), catalogue, need(), healthy);
    const qualityHeavy = selectRoute('r', route('balanced', { weights: { cost: 0.1, quality: 5, latency: 0 } }), catalogue, need(), healthy);
    expect(aliases(costHeavy)[0]).toBe('local');
    expect(aliases(qualityHeavy)[0]).toBe('big');
    expect(costHeavy.considered.every((c) => typeof c.score === 'number')).toBe(true);
  });

  it('cost-constrained picks the cheapest that meets the floor, and says why when none does', () => {
    const ok = selectRoute('r', route('cost-constrained', { maxCostUsd: 0.01, minQuality: 0.65 }), catalogue, need(), healthy);
    expect(aliases(ok)).toEqual(['fast', 'big']);
    expect(() => selectRoute('r', route('cost-constrained', { maxCostUsd: 0.000001, minQuality: 0.95 }), catalogue, need(), healthy)).toThrow(/No model in route 'r'.*max-cost|min-quality/);
  });

  it('local-first: local under the threshold and while not saturated, else the cheapest cloud model', () => {
    expect(aliases(selectRoute('r', route('local-first'), catalogue, need(), healthy))[0]).toBe('local');
    expect(aliases(selectRoute('r', route('local-first'), catalogue, need({ inputTokens: 5_000 }), healthy))[0]).toBe('mini');
    expect(aliases(selectRoute('r', route('local-first'), catalogue, need({ inputTokens: 20_000 }), healthy))[0]).toBe('fast');
    expect(aliases(selectRoute('r', route('local-first'), catalogue, need(), { ...healthy, inFlight: (key) => (key === 'local@p' ? 5 : 0) }))[0]).toBe('mini');
  });

  it('skips targets whose circuit is open, unless all are', () => {
    const open = selectRoute('r', route('cheapest'), catalogue, need(), { ...healthy, breakerOpen: (key) => key === 'local@p' });
    expect(aliases(open)[0]).toBe('mini');
    const allOpen = selectRoute('r', route('cheapest'), catalogue, need(), { ...healthy, breakerOpen: () => true });
    expect(allOpen.ordered).toHaveLength(4);
  });
});

describe('Router.seed', () => {
  it('rebuilds measured latency and quality from ledger rows', async () => {
    const { Router } = await import('./router.ts');
    const { parseConfig } = await import('../config/load.ts');
    const { loadBundledCatalogue } = await import('../pricing/bundled-catalogue.ts');
    const { createPriceBook } = await import('../pricing/genai-price-book.ts');
    const config = parseConfig({ providers: { openai: { kind: 'openai', baseUrl: 'https://api.openai.com/v1' } }, models: { mini: { target: 'gpt-4o-mini@openai' } } }, {});
    const router = new Router(config, createPriceBook({ catalogue: loadBundledCatalogue() }), () => 0);
    const { ledgerRecord } = await import('../../test/support/ledger-records.ts');
    router.seed(Array.from({ length: 30 }, () => ledgerRecord({ requestedModel: 'mini', servedModel: 'gpt-4o-mini-2024-07-18', provider: 'openai', latencyMs: 250, quality: 0.2 })));
    const [entry] = router.entries();
    expect(entry).toMatchObject({ alias: 'mini', latencySource: 'measured', latencyMs: 250, qualitySource: 'measured' });
    expect(entry!.quality).toBeLessThan(0.6);
  });
});
