import { randomUUID } from 'node:crypto';
import type { LedgerRecord } from '../../src/ledger/record.ts';
import { mulberry32 } from '../../src/domain/seeded-random.ts';

/** A plausible ledger row; override any field. */
export function ledgerRecord(overrides: Partial<LedgerRecord> = {}): LedgerRecord {
  return {
    id: randomUUID(),
    timeMs: Date.parse('2026-11-20T10:15:00Z'),
    orgId: 'acme',
    projectId: 'search',
    userId: null,
    keyId: null,
    tags: [],
    operation: 'chat',
    wire: 'openai',
    stream: false,
    requestedModel: 'gpt-4o-mini',
    servedModel: 'gpt-4o-mini-2024-07-18',
    provider: 'openai',
    inputTokens: 100,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: 20,
    reasoningTokens: 0,
    units: {},
    inputCostNanoUsd: 15_000,
    outputCostNanoUsd: 12_000,
    costNanoUsd: 27_000,
    priced: true,
    estimated: false,
    latencyMs: 120,
    ttftMs: null,
    status: 200,
    errorCode: null,
    cacheStatus: null,
    savedNanoUsd: 0,
    route: null,
    budgetAction: null,
    quality: null,
    cacheKey: null,
    prompt: null,
    requestBody: null,
    ...overrides,
  };
}

/** Deterministic pseudo-random numbers so failures reproduce. */
export const seededRandom = mulberry32;
