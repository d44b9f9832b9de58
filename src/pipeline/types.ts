import type { TollgateConfig } from '../config/schema.ts';
import type { ClientRequest } from '../domain/request.ts';
import type { RouteDecision } from '../domain/route-decision.ts';
import type { PriceBook } from '../pricing/price-book.ts';
import type { GatewayMetrics } from '../metrics/gateway-metrics.ts';
import type { UpstreamClient } from './upstream-client.ts';
import type { BudgetEnforcer, BudgetGrant } from '../budgets/enforcer.ts';
import type { Router } from '../routing/router.ts';
import type { CacheTicket, ResponseCache } from '../cache/response-cache.ts';
import type { KeyRateLimiter } from '../keys/rate-limiter.ts';
import type { LedgerSink } from '../ledger/writer.ts';
import type { LocalNodeMeter, MeterSink } from './meter-sink.ts';

/** The pipeline's per-request state: the domain request plus what its stages decided (route, grant, cache ticket, key-rate ticket). */
export interface PipelineRequest extends ClientRequest {
  /** How the request is being routed (see `route-notes.ts`): `x-tollgate-route` and the ledger's `route`. */
  route?: RouteDecision | undefined;
  /** The exact cache's decision for this request (key and mode), when it takes part. */
  cache?: CacheTicket | undefined;
  /** Set by budget admission; the meter settles it. */
  budget?: BudgetGrant | undefined;
  /** Set when the key's tokens-per-minute window counted this request; the meter settles it with the real tokens. */
  keyRate?: { settle(usedTokens: number): void } | undefined;
  /** The client left while an upstream was working on the request (it is billed there for the prompt at least). */
  leftDuringUpstream?: boolean | undefined;
}

export interface PipelineDeps {
  config: TollgateConfig;
  priceBook: PriceBook;
  ledger: LedgerSink;
  metrics: GatewayMetrics;
  upstream: UpstreamClient;
  localNodes: LocalNodeMeter | undefined;
  /** The exact response cache (absent when disabled). */
  cache?: ResponseCache | undefined;
  /** Strategy routing, target health and circuit breakers. */
  router?: Router | undefined;
  /** Budget enforcement; absent when no budget is configured. */
  budgets?: BudgetEnforcer | undefined;
  /** Per-key requests/tokens per minute (in process, or Redis when REDIS_URL is set); absent: rate limits are not enforced. */
  keyLimiter?: KeyRateLimiter | undefined;
  /** Where metered requests go (ledger, budgets, metrics, routing, local nodes), composed by the runtime. */
  meterSink: MeterSink;
  now: () => number;
}

export type PipelineResult =
  | { kind: 'json'; status: number; headers: Record<string, string>; body: string }
  | { kind: 'stream'; status: number; headers: Record<string, string>; stream: AsyncIterable<string | Uint8Array> };
