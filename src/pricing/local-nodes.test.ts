import { describe, expect, it } from 'vitest';
import { createLocalNodeCosts, createThroughputWindow, nodeCostNanoUsd, nodeRatePerMTok } from './local-nodes.ts';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-06-01T00:00:00Z');

describe('local node costs', () => {
  // $1.80/hour at an expected 500 tokens/s = 1.8M tokens/hour: $1/M, 1,000 nano-USD per token.
  const nodes = [{ id: 'gpu', hourlyUsd: 1.8, expectedTokensPerSecond: 500 }];

  it('uses the expected throughput before any hour has completed', () => {
    const costs = createLocalNodeCosts(nodes);
    costs.recordTokens('gpu', 5_000_000, T0 + 10 * 60_000);
    const rate = costs.nanoPerToken('gpu', T0 + 30 * 60_000);
    expect(rate).toMatchObject({ numerator: 1000n, denominator: 1n, basis: 'expected', tokensPerHour: 1_800_000 });
  });

  it('amortises over measured tokens of completed active hours only', () => {
    const costs = createLocalNodeCosts(nodes);
    costs.recordTokens('gpu', 600_000, T0 + 5 * 60_000);
    costs.recordTokens('gpu', 300_000, T0 + 50 * 60_000);
    // Hours 1-5 idle, hour 6 serves 2.7M tokens; idle hours do not count.
    costs.recordTokens('gpu', 2_700_000, T0 + 6 * HOUR + 1);
    const rate = costs.nanoPerToken('gpu', T0 + 7 * HOUR);
    // 2 active hours × $1.80 over 3.6M tokens = 1,000 nano per token.
    expect(rate).toMatchObject({ numerator: 1000n, denominator: 1n, basis: 'measured', tokensPerHour: 1_800_000 });
    // A lightly used hour is honest about its cost: $1.80 over 900k tokens = 2,000 nano per token.
    expect(costs.nanoPerToken('gpu', T0 + HOUR)).toMatchObject({ numerator: 2000n, denominator: 1n });
  });

  it('sees a late record for a past hour even after the rate was computed this hour', () => {
    const costs = createLocalNodeCosts(nodes);
    costs.recordTokens('gpu', 1_800_000, T0);
    expect(costs.nanoPerToken('gpu', T0 + HOUR + 1)).toMatchObject({ numerator: 1000n });
    costs.recordTokens('gpu', 1_800_000, T0 + 59 * 60_000); // a stream that finished late
    expect(costs.nanoPerToken('gpu', T0 + HOUR + 2)).toMatchObject({ numerator: 500n });
  });

  it('forgets hours older than the window and then falls back to the expectation', () => {
    const costs = createLocalNodeCosts(nodes, { windowHours: 24 });
    costs.recordTokens('gpu', 100, T0);
    expect(costs.nanoPerToken('gpu', T0 + 24 * HOUR)?.basis).toBe('measured');
    expect(costs.nanoPerToken('gpu', T0 + 25 * HOUR)?.basis).toBe('expected');
  });

  it('keeps fractional per-token rates exact', () => {
    const costs = createLocalNodeCosts([{ id: 'cpu', hourlyUsd: 0.1, expectedTokensPerSecond: 30 }]);
    const rate = costs.nanoPerToken('cpu', T0)!;
    // 1e8 nano / 108,000 tokens = 25000/27 nano per token.
    expect(rate).toMatchObject({ numerator: 25_000n, denominator: 27n });
    expect(nodeCostNanoUsd(27, rate)).toBe(25_000);
    expect(nodeCostNanoUsd(1, rate)).toBe(926); // 925.925… rounded half up
    expect(nodeRatePerMTok(rate)).toBe(925_925_926);
    expect(nodeCostNanoUsd(27, rate, { numerator: 1n, denominator: 2n })).toBe(12_500);
  });

  it('ignores unknown nodes and junk counts', () => {
    const costs = createLocalNodeCosts(nodes);
    costs.recordTokens('nope', 10, T0);
    costs.recordTokens('gpu', Number.NaN, T0);
    costs.recordTokens('gpu', -5, T0);
    expect(costs.nanoPerToken('nope', T0)).toBeUndefined();
    expect(costs.has('gpu')).toBe(true);
    expect(costs.nanoPerToken('gpu', T0 + HOUR)?.basis).toBe('expected');
  });
});

describe('throughput window', () => {
  it('drops a late record for an hour whose slot was recycled', () => {
    const window = createThroughputWindow(2);
    window.record(10, T0 + 3 * HOUR);
    window.record(99, T0); // same slot (3 slots), older hour
    expect(window.measure(T0 + 4 * HOUR)).toEqual({ activeHours: 1, tokens: 10 });
  });
});
