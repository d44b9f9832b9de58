import { describe, expect, it } from 'vitest';
import { demoConfig } from '../../src/config/demo.ts';
import { ConfigError, parseConfig } from '../../src/config/load.ts';
import { MAX_DURATION_MS } from '../../src/config/schema.ts';
import { configProblem } from '../support/config-problem.ts';

/**
 * Node's timers hold at most 2^31-1 ms: a longer delay is cut to 1 ms (with only a process warning), so
 * a config that meant "practically never" (queueTimeoutMs: 1e10) timed out at once. Every millisecond
 * duration in the config is capped at 2^31-1, with a message naming the field.
 */
describe('config durations', () => {
  const base = demoConfig('http://127.0.0.1:9', 0);
  const fields: Array<[string, (ms: number) => object]> = [
    ['providers.mock-openai.timeoutMs', (ms) => ({ providers: { ...base.providers, 'mock-openai': { ...base.providers!['mock-openai']!, timeoutMs: ms } } })],
    ['providers.mock-openai.headersTimeoutMs', (ms) => ({ providers: { ...base.providers, 'mock-openai': { ...base.providers!['mock-openai']!, headersTimeoutMs: ms } } })],
    ['providers.mock-openai.totalTimeoutMs', (ms) => ({ providers: { ...base.providers, 'mock-openai': { ...base.providers!['mock-openai']!, totalTimeoutMs: ms } } })],
    ['models.gpt-4o.expectedLatencyMs', (ms) => ({ models: { ...base.models, 'gpt-4o': { target: 'gpt-4o@mock-openai', expectedLatencyMs: ms } } })],
    ['server.keepAliveTimeoutMs', (ms) => ({ server: { ...base.server, keepAliveTimeoutMs: ms } })],
    ['server.bodyTimeoutMs', (ms) => ({ server: { ...base.server, bodyTimeoutMs: ms } })],
    ['ledger.flushIntervalMs', (ms) => ({ ledger: { flushIntervalMs: ms } })],
    ['routing.breakerCooldownMs', (ms) => ({ routing: { breakerCooldownMs: ms } })],
    ['enforcement.queueTimeoutMs', (ms) => ({ enforcement: { queueTimeoutMs: ms } })],
  ];

  it('a Node timer of 2^31 ms fires at once (what an uncapped config got)', async () => {
    const started = performance.now();
    const warn = process.emitWarning;
    process.emitWarning = () => undefined;
    try {
      await new Promise((resolve) => setTimeout(resolve, 2 ** 31));
    } finally {
      process.emitWarning = warn;
    }
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it.each(fields)('%s above 2^31-1 is refused, naming the field', (path, patch) => {
    const message = configProblem({ ...base, ...patch(MAX_DURATION_MS + 1) });
    expect(message).toContain(`${path}: at most ${MAX_DURATION_MS} ms`);
    expect(() => parseConfig({ ...base, ...patch(1e12) }, {})).toThrow(ConfigError);
  });

  it.each(fields)('%s of 2^31-1 is accepted', (_path, patch) => {
    expect(() => parseConfig({ ...base, ...patch(MAX_DURATION_MS) }, {})).not.toThrow();
  });

  it('server.headersTimeoutMs is capped too (it must not exceed bodyTimeoutMs, so both are set)', () => {
    expect(configProblem({ ...base, server: { ...base.server, headersTimeoutMs: 2 ** 32, bodyTimeoutMs: 2 ** 32 } })).toMatch(/server\.headersTimeoutMs: at most 2147483647 ms[\s\S]*server\.bodyTimeoutMs: at most/);
  });

  it('routing.backoffMs, doubled on each retry, is capped at a minute', () => {
    expect(configProblem({ ...base, routing: { backoffMs: 60_001 } })).toMatch(/routing\.backoffMs: at most 60000 ms/);
    expect(parseConfig({ ...base, routing: { backoffMs: 60_000 } }, {}).routing.backoffMs).toBe(60_000);
  });
});
