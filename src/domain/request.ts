import type { ProviderConfig } from '../config/schema.ts';
import type { WireFormat } from './error-envelope.ts';
import type { ClientSignal } from './client-signal.ts';
import type { Principal } from './principal.ts';

export type { WireFormat } from './error-envelope.ts';

export type Operation = 'chat' | 'completion' | 'embedding' | 'messages' | 'models';

/**
 * A client request after the HTTP edge: parsed, authenticated, attributed. No hono types. Shared by every layer;
 * the pipeline's own per-request state (budget grant, cache ticket, key-rate ticket) is `PipelineRequest`.
 */
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
  signal: ClientSignal | undefined;
  /** Exact-cache key computed for what-if analysis when the request does not use the cache. */
  analysisKey?: string | undefined;
  /** Ledger `cacheStatus`: hit, miss or bypass. */
  cacheStatus?: string | undefined;
  /** A shadow call of an experiment: metered, never returned, never shadowed again. */
  shadow?: boolean;
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
