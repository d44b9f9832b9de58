import type { NeutralAnswer } from '../domain/neutral-answer.ts';
import type { LedgerRecord } from '../ledger/record.ts';
import type { PipelineDeps, PipelineRequest } from './types.ts';

/**
 * Offers an answered request to the response cache (when it takes part), with what it cost: in the
 * neutral form when the answer has one (either wire is then served from it), else as the client
 * wire's JSON body (served to that wire only). A stream without a neutral form is not kept.
 */
export function saveAnswer(deps: PipelineDeps, request: PipelineRequest, record: LedgerRecord, answer: { neutral: NeutralAnswer | undefined; clientBody?: string | undefined }): void {
  const body = answer.neutral ? JSON.stringify(answer.neutral) : answer.clientBody;
  if (body === undefined) return;
  deps.cache?.save(request.cache, {
    body,
    wire: answer.neutral ? 'neutral' : request.wire,
    servedModel: record.servedModel,
    provider: record.provider,
    costNanoUsd: record.costNanoUsd,
    inputTokens: record.inputTokens,
    outputTokens: record.outputTokens,
    createdAtMs: deps.now(),
  });
}
