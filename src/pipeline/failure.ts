import { renderErrorBody } from '../domain/error-envelope.ts';
import { estimateUsage } from '../domain/estimate.ts';
import type { GatewayError } from '../domain/errors.ts';
import type { Target } from '../domain/request.ts';
import { meter } from './meter.ts';
import { failureHeaders } from './response-headers.ts';
import type { PipelineRequest, PipelineDeps, PipelineResult } from './types.ts';

/** Renders an error in the caller's envelope and still writes the ledger row for it. */
export function failure(request: PipelineRequest, deps: PipelineDeps, error: GatewayError, target: Target | undefined): PipelineResult {
  // Every 500 that remains is a bug: logged with its request id (the client sees only the id).
  if (error.code === 'internal') console.error(`[tollgate] ${request.id} internal error`, error.cause ?? error);
  // A client that left while the upstream worked on its request (a whole answer it did not wait for): the provider
  // bills the prompt all the same, so the row counts the estimated prompt, marked estimated, as a cut stream's does.
  const usage = error.code === 'client_closed' && request.leftDuringUpstream && target ? estimateUsage(request.body, '') : undefined;
  meter(request, { target, servedModel: undefined, usage, estimated: usage !== undefined, status: error.status, errorCode: error.code, ttftMs: null, stream: false }, deps);
  return {
    kind: 'json',
    status: error.status,
    headers: { 'x-tollgate-request-id': request.id, ...failureHeaders(request, target), ...request.budget?.headers(0), ...error.headers },
    body: JSON.stringify(renderErrorBody(error, request.wire)),
  };
}

/** Records a request rejected before it reached the pipeline (auth, body parsing). */
export function recordRejection(
  request: Pick<PipelineRequest, 'id' | 'receivedAtMs' | 'wire' | 'operation' | 'principal'>,
  error: GatewayError,
  deps: PipelineDeps,
): void {
  meter(
    { ...request, body: {}, headers: {}, signal: undefined },
    { target: undefined, servedModel: undefined, usage: undefined, estimated: false, status: error.status, errorCode: error.code, ttftMs: null, stream: false },
    deps,
  );
}
