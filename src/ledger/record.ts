import type { Operation } from '../domain/request.ts';
import type { NanoUsd } from '../domain/money.ts';
import type { RouteDecision } from '../domain/route-decision.ts';

/**
 * One row per request. Flat so it maps 1:1 to SQL columns. Tokens are the normalised `Usage`
 * (`input*` includes cache reads and writes; `outputTokens` includes reasoning).
 */
export interface LedgerRecord {
  /** Request id (also `x-tollgate-request-id`); unique, so replays are idempotent. */
  id: string;
  /** Request start, epoch ms. */
  timeMs: number;
  orgId: string;
  projectId: string;
  userId: string | null;
  keyId: string | null;
  tags: string[];
  operation: Operation;
  wire: 'openai' | 'anthropic';
  stream: boolean;
  requestedModel: string;
  /** Model the upstream reported serving (or was asked for). */
  servedModel: string | null;
  /** Config provider id. */
  provider: string | null;
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  /** Other billable units (audio tokens, web searches), genai-prices names. */
  units: Record<string, number>;
  inputCostNanoUsd: NanoUsd;
  outputCostNanoUsd: NanoUsd;
  costNanoUsd: NanoUsd;
  /** False when no price was found: the cost is 0 but the row is flagged, never silently $0. */
  priced: boolean;
  /** True when usage was estimated locally (upstream gave none, e.g. a cut-off stream). */
  estimated: boolean;
  latencyMs: number;
  ttftMs: number | null;
  /** HTTP status returned to the client. */
  status: number;
  /** GatewayError code when the request failed. */
  errorCode: string | null;
  /** 'hit' (exact), 'semantic-hit', 'miss' or 'bypass' (the request did not take part). */
  cacheStatus: string | null;
  /** What a cache hit saved (the cost the call would have had). */
  savedNanoUsd: NanoUsd;
  /** How the request was routed (strategy, chosen target, fallbacks, skipped targets and why); null when nothing routed it. */
  route: RouteDecision | null;
  /** Reserved for budgets: the action taken (downgrade, queue, override). */
  budgetAction: string | null;
  /** Automatic quality score of the answer (0..1: empty, truncated, refused, invalid JSON or tool calls lower it); null when not scored. */
  quality: number | null;
  /** Exact-cache key of the request (a hash: no content), for cache what-if analysis over history. */
  cacheKey: string | null;
  /** The last user turn, only when `ledger.storeBodies` is on (semantic what-if analysis). */
  prompt: string | null;
  /** The request body as JSON (without `stream` options), only with `ledger.storeBodies`, up to 64 KB: cache warm-up replays it. */
  requestBody: string | null;
  /**
   * Where the row came from: 'gateway' (absent means the same) or 'import:<format>' for usage
   * brought in by `tollgate import`, so reports can tell metered traffic from imported history.
   */
  origin?: string | null;
  /**
   * Requests the row stands for; absent means 1. Imported provider exports are aggregates (an
   * OpenAI usage bucket of 500 calls is one row), and a cost-only line (a costs export) is 0.
   */
  requests?: number;
}

/**
 * Fields a reader may group by in reports and rollups. `model` is the served model, else the requested
 * one; `route` the route target; `cache` the cache status; `origin` gateway or import; `tag` one of the
 * row's tags (a row with two tags counts under each).
 */
export const LEDGER_DIMENSIONS = ['org', 'project', 'user', 'key', 'model', 'provider', 'tag', 'route', 'cache', 'origin', 'day', 'hour'] as const;
export type LedgerDimension = (typeof LEDGER_DIMENSIONS)[number];
