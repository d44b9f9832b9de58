import { describe, expect, it } from 'vitest';
import type { TollgateConfig } from '../config/schema.ts';
import type { PriceBook } from '../pricing/price-book.ts';
import { knownContextWindow } from './context-window.ts';

const target = { providerId: 'local', provider: { kind: 'openai-compatible' as const }, upstreamModel: 'llama' };
const catalogue = { rates: () => ({ contextWindow: 128_000 }) } as unknown as PriceBook;
const configWith = (models: Record<string, { target: string; contextWindow?: number }>) => ({ models }) as unknown as TollgateConfig;

describe('knownContextWindow', () => {
  it("takes the named alias's window, else the first configured model's for that target, else the catalogue's; each config its own", () => {
    const config = configWith({ small: { target: 'llama@local' }, first: { target: 'llama@local', contextWindow: 8_000 }, second: { target: 'llama@local', contextWindow: 16_000 }, other: { target: 'qwen@local', contextWindow: 4_000 } });
    expect(knownContextWindow(config, catalogue, target, 'second', 0)).toBe(16_000);
    expect(knownContextWindow(config, catalogue, target, 'small', 0)).toBe(8_000);
    expect(knownContextWindow(config, catalogue, target, 'small', 0)).toBe(8_000);
    expect(knownContextWindow(config, catalogue, { ...target, upstreamModel: 'mistral' }, 'small', 0)).toBe(128_000);
    // A reloaded config (a new models map) is read afresh.
    const reloaded = configWith({ small: { target: 'llama@local' }, first: { target: 'llama@local', contextWindow: 32_000 } });
    expect(knownContextWindow(reloaded, catalogue, target, 'small', 0)).toBe(32_000);
    expect(knownContextWindow(configWith({ small: { target: 'llama@local' } }), catalogue, target, 'small', 0)).toBe(128_000);
  });
});
