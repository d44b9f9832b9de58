import { describe, expect, it } from 'vitest';
import { anomalyJson, formatAnomalyCsv } from './present.ts';
import type { Anomaly } from './types.ts';

function anomaly(overrides: Partial<Anomaly>): Anomaly {
  return {
    id: 'an_1',
    kind: 'new-model',
    severity: 'high',
    orgId: 'acme',
    series: { dimension: 'model', value: 'gpt-4o-mini' },
    startMs: Date.UTC(2026, 11, 1, 10),
    endMs: null,
    detectedMs: Date.UTC(2026, 11, 1, 11),
    lastSeenMs: Date.UTC(2026, 11, 1, 10),
    observed: 2_000_000,
    expected: 0,
    atStakeNanoUsd: 2_000_000,
    score: 1,
    rootCause: [],
    status: 'open',
    updatedMs: Date.UTC(2026, 11, 1, 11),
    message: 'a new model',
    ...overrides,
  } as Anomaly;
}

describe('formatAnomalyCsv', () => {
  it('keeps a client-chosen model name that looks like a formula as text (CSV injection)', () => {
    // Model names may contain = + - @ (a client names the model, and the default provider passes it on).
    const csv = formatAnomalyCsv([anomalyJson(anomaly({ series: { dimension: 'model', value: '=1+2' } })), anomalyJson(anomaly({ series: { dimension: 'model', value: '@SUM' } }))]);
    const cells = csv.split('\n').slice(1).map((line) => line.split(',')[6]);
    expect(cells).toEqual(["'=1+2", "'@SUM"]);
  });

  it('writes numbers as numbers, negative ones included, and quotes commas and quotes', () => {
    const csv = formatAnomalyCsv([anomalyJson(anomaly({ kind: 'drop', observed: 0, expected: 5, score: -3.5, message: 'spend fell, "sharply"' }))]);
    const line = csv.split('\n')[1]!;
    expect(line).toContain(',0,5,');
    expect(line).toContain(',-3.5,');
    expect(line.endsWith(',"spend fell, ""sharply"""')).toBe(true);
  });
});
