import { describe, expect, it } from 'vitest';
import type { LedgerRecord } from '../../ledger/record.ts';
import type { RouteDecision } from '../../domain/route-decision.ts';
import { routingReportFromRows } from './routing-from-rollups.ts';
import { buildExperimentReport, countExperimentArms } from './experiment-report.ts';

let next = 0;
/** A served row; only the fields the reports read. */
function row(route: RouteDecision | null, extra: Partial<LedgerRecord> = {}): LedgerRecord {
  next += 1;
  return {
    id: `r${next}`, timeMs: 0, orgId: 'o', projectId: 'p', userId: null, keyId: null, tags: [], operation: 'chat', wire: 'openai', stream: false,
    requestedModel: 'thrifty', servedModel: 'mini', provider: 'openai', inputTokens: 10, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 5,
    reasoningTokens: 0, units: {}, inputCostNanoUsd: 600, outputCostNanoUsd: 400, costNanoUsd: 1_000, priced: true, estimated: false, latencyMs: 1,
    ttftMs: null, status: 200, errorCode: null, cacheStatus: null, savedNanoUsd: 0, route, budgetAction: null, quality: null, cacheKey: null,
    prompt: null, requestBody: null, ...extra,
  };
}

describe('routing report', () => {
  it('counts fallbacks from the decision field, not from words in the summary', () => {
    const rows = [
      row({ summary: 'cheapest:mini (2 considered)', strategy: 'cheapest' }),
      row({ summary: 'cheapest:mini (2 considered) +fallback:big@openai', strategy: 'cheapest', fallbacks: 1 }, { servedModel: 'big' }),
      row({ summary: 'fallback:big@openai', fallbacks: 2 }, { servedModel: 'big' }),
      // A summary that merely mentions the word is no fallback.
      row({ summary: 'learned:weak fallback-rule=length fallback:', strategy: 'learned' }),
      // Not routed, or failed: left out.
      row(null),
      row({ summary: 'cheapest:mini', fallbacks: 1 }, { status: 502 }),
    ];
    const report = routingReportFromRows(rows, undefined);
    expect(report.routedRequests).toBe(4);
    expect(report.fallbacksFired).toBe(2);
    // Ties in order of the target's name; a failed call's cost is spend too (its request is not a routed one served).
    expect(report.share).toEqual([
      { target: 'big@openai', requests: 2, sharePercent: 50, costUsd: '0.000002' },
      { target: 'mini@openai', requests: 2, sharePercent: 50, costUsd: '0.000003' },
    ]);
  });
});

describe('experiment report', () => {
  it('groups by the decision experiment arm, and only that experiment', () => {
    const rows = [
      row({ summary: 'experiment:claude:control', experiment: { name: 'claude', arm: 'control' } }),
      row({ summary: 'cheapest:x', strategy: 'cheapest', experiment: { name: 'claude', arm: 'candidate' } }, { costNanoUsd: 3_000 }),
      row({ summary: 'experiment:claude:shadow', experiment: { name: 'claude', arm: 'shadow' } }),
      row({ summary: 'experiment:claude-2:control', experiment: { name: 'claude-2', arm: 'control' } }),
      // A summary alone names no arm.
      row({ summary: 'experiment:claude:control' }),
    ];
    expect(countExperimentArms('claude', rows)).toEqual({ candidate: 1, control: 1, shadow: 1 });
    const report = buildExperimentReport('claude', rows);
    expect(report.arms.map((arm) => [arm.arm, arm.requests])).toEqual([['candidate', 1], ['control', 1], ['shadow', 1]]);
    expect(report.difference?.costUsd.mean).toBe('0.000002');
  });
});
