import type { LedgerRecord } from '../ledger/record.ts';
import type { PipelineDeps, PipelineRequest } from './types.ts';

/** Offers an answered request to the response cache (when it takes part), in the client's wire format, with what it cost. */
export function saveAnswer(deps: PipelineDeps, request: PipelineRequest, record: LedgerRecord, body: string): void {
  deps.cache?.save(request.cache, {
    body,
    wire: request.wire,
    servedModel: record.servedModel,
    provider: record.provider,
    costNanoUsd: record.costNanoUsd,
    inputTokens: record.inputTokens,
    outputTokens: record.outputTokens,
    createdAtMs: deps.now(),
  });
}
