import { formatUsd } from '../domain/money.ts';
import type { LedgerRecord } from '../ledger/record.ts';
import type { Target } from '../domain/request.ts';
import type { PipelineRequest } from './types.ts';

/**
 * Headers on every proxied response: which request, model and provider served it, and the
 * budget's. A JSON answer passes the budget headers after its cost (`headers(cost)`), so they are
 * computed once; a stream's are before any cost is known (`headers()`). Set on `into` when given
 * (a stream's own headers first), without spreading objects on the hot path.
 */
export function baseHeaders(
  request: PipelineRequest,
  target: Target,
  servedModel: string | undefined,
  budgetHeaders: Record<string, string> | undefined = request.budget?.headers(),
  into: Record<string, string> = {},
): Record<string, string> {
  into['x-tollgate-request-id'] = request.id;
  into['x-tollgate-model'] = servedModel ?? target.upstreamModel;
  into['x-tollgate-provider'] = target.providerId;
  if (budgetHeaders) for (const name in budgetHeaders) into[name] = budgetHeaders[name]!;
  if (request.route?.summary) into['x-tollgate-route'] = request.route.summary;
  if (request.cacheStatus) into['x-tollgate-cache'] = request.cacheStatus;
  return into;
}

/** Headers on an error answer: the provider and model last tried when one was (none for a request refused before routing). */
export function failureHeaders(request: PipelineRequest, target: Target | undefined): Record<string, string> {
  if (!target) return {};
  return {
    'x-tollgate-provider': target.providerId,
    'x-tollgate-model': target.upstreamModel,
    ...(request.route?.summary ? { 'x-tollgate-route': request.route.summary } : {}),
  };
}

/** Headers that describe what was charged (JSON responses; streams carry the cost in a closing SSE comment), set on `into` when given. */
export function costHeaders(record: LedgerRecord, into: Record<string, string> = {}): Record<string, string> {
  // An unpriced model gets no cost header at all (a reader must not take it for $0), only the flag.
  if (record.priced) into['x-tollgate-cost-usd'] = formatUsd(record.costNanoUsd);
  else into['x-tollgate-unpriced'] = 'true';
  if (record.estimated) into['x-tollgate-usage-estimated'] = 'true';
  return into;
}
