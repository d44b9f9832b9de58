import type { ProviderConfig, TollgateConfig } from '../config/schema.ts';
import type { WireFormat } from '../domain/error-envelope.ts';
import type { Principal } from '../domain/principal.ts';
import type { Operation, LedgerRecord } from '../ledger/record.ts';
import type { PriceBook } from '../pricing/price-book.ts';
import type { GatewayMetrics } from '../metrics/gateway-metrics.ts';
import type { UpstreamClient } from './upstream-client.ts';
import type { BudgetEnforcer, BudgetGrant } from '../budgets/enforcer.ts';
import type { Router } from '../routing/router.ts';
import type { CacheTicket, ResponseCache } from '../cache/response-cache.ts';
import type { KeyRateLimiter } from '../keys/rate-limiter.ts';
import type { LedgerSink } from '../ledger/writer.ts';

/** A client request after the HTTP edge: parsed, authenticated, attributed. No hono types. */
export interface ClientRequest {
  id: string;
  receivedAtMs: number;
  wire: WireFormat;
  operation: Operation;
  body: Record<string, unknown>;
  /** Lower-cased headers the pipeline may forward (anthropic-version, anthropic-beta) or read. */
  headers: Record<string, string | undefined>;
  principal: Principal;
  /** Aborted when the client goes away. */
  signal: AbortSignal | undefined;
  /** Estimated input tokens, computed once when a stage needs it (overflow, budgets). */
  inputTokens?: number | undefined;
  /** Routing decision (short form), for `x-tollgate-route` and the ledger. */
  route?: string | undefined;
  /** The exact cache's decision for this request (key and mode), when it takes part. */
  cache?: CacheTicket | undefined;
  /** Exact-cache key computed for what-if analysis when the request does not use the cache. */
  analysisKey?: string | undefined;
  /** Ledger `cacheStatus`: hit, miss or bypass. */
  cacheStatus?: string | undefined;
  /** A shadow call of an experiment: metered, never returned, never shadowed again. */
  shadow?: boolean;
  /** Set by budget admission; the meter settles it. */
  budget?: BudgetGrant | undefined;
  /** Set when the key's tokens-per-minute window counted this request; the meter settles it with the real tokens. */
  keyRate?: { settle(usedTokens: number): void } | undefined;
}

/** Records tokens served by local nodes so their $/hour is amortised over measured throughput. */
export interface LocalNodeMeter {
  recordTokens(nodeId: string, tokens: number, timeMs: number): void;
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
  now: () => number;
}

/** One upstream the request can be sent to. */
export interface Target {
  providerId: string;
  provider: ProviderConfig;
  upstreamModel: string;
}

export interface ResolvedTargets {
  /** The first is tried first; the rest are fallbacks for retryable failures. */
  chain: Target[];
}

export type PipelineResult =
  | { kind: 'json'; status: number; headers: Record<string, string>; body: string }
  | { kind: 'stream'; status: number; headers: Record<string, string>; stream: AsyncIterable<string> };
