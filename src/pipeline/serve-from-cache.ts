import { formatUsd } from '../domain/money.ts';
import { answerForWire } from '../cache/answer-for-wire.ts';
import { inboundOf } from '../domain/inbound.ts';
import { meter } from './meter.ts';
import type { PipelineRequest, PipelineDeps, PipelineResult } from './types.ts';

/** A cache hit (exact, or guarded semantic): the stored answer in the client's wire (as JSON, or replayed as a stream), metered at $0 with what it saved. */
export async function serveFromCache(request: PipelineRequest, deps: PipelineDeps, stream: boolean): Promise<PipelineResult | undefined> {
  if (!deps.cache || request.shadow) return undefined;
  request.cache = deps.cache.ticket(request);
  if (!request.cache) {
    request.cacheStatus = 'bypass';
    return undefined;
  }
  const hit = await deps.cache.lookup(request.cache);
  // A neutral answer serves either wire; a wire-only one (an embedding, say) only its own.
  const servable = hit && answerForWire(hit.answer, request.wire);
  if (!hit || !servable) {
    request.cacheStatus = 'miss';
    return undefined;
  }
  const answer = hit.answer;
  request.cacheStatus = hit.kind === 'exact' ? 'hit' : 'semantic-hit';
  request.cache = { ...request.cache, key: hit.servedKey };
  const { record } = meter(
    request,
    { target: undefined, servedModel: answer.servedModel ?? undefined, usage: undefined, estimated: false, status: 200, errorCode: null, ttftMs: 0, stream, savedNanoUsd: answer.costNanoUsd, provider: answer.provider },
    deps,
  );
  await deps.ledger.whenDurable();
  const headers: Record<string, string> = {
    'x-tollgate-request-id': request.id,
    'x-tollgate-cache': request.cacheStatus,
    'x-tollgate-cost-usd': '0',
    'x-tollgate-saved-usd': formatUsd(record.savedNanoUsd),
    ...(hit.similarity !== undefined ? { 'x-tollgate-cache-similarity': hit.similarity.toFixed(4) } : {}),
    ...(answer.servedModel ? { 'x-tollgate-model': answer.servedModel } : {}),
    // The provider that originally answered.
    ...(answer.provider ? { 'x-tollgate-provider': answer.provider } : {}),
  };
  if (!stream) return { kind: 'json', status: 200, headers, body: servable.json() };
  const frames = servable.frames(inboundOf(request).streamUsage);
  return {
    kind: 'stream',
    status: 200,
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...headers },
    stream: (async function* () {
      yield `${frames.join('')}: x-tollgate-cost-usd 0\n\n`;
    })(),
  };
}
