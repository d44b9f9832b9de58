import type { NanoUsd } from '../domain/money.ts';
import type { LedgerDimension, LedgerRecord } from './record.ts';

export interface LedgerFilter {
  /** One request by id. */
  id?: string;
  fromMs?: number;
  /** Exclusive. */
  toMs?: number;
  orgId?: string;
  projectId?: string;
  userId?: string;
  keyId?: string;
  /** Requested or served model. */
  model?: string;
  /** The model a row is reported under (served, else requested): unlike `model`, the rollups can answer it. */
  reportedModel?: string;
  provider?: string;
  /** Rows carrying this tag. */
  tag?: string;
  /** Leave out rows served by these providers (local nodes, when their hours are budgeted as fixed costs). */
  excludeProviders?: string[];
  /** Only rows served to the client (status below 400). */
  servedOnly?: boolean;
  /** Rows of this origin ('gateway', 'import:openai-usage-json', ...). */
  origin?: string;
  /** Only rows whose route decision called a fallback target (`fallbacks` > 0): the rollups do not keep it. */
  fellBack?: boolean;
  /** Only rows whose route decision used this strategy ('learned', 'cheapest', ...): the rollups do not keep it. */
  routeStrategy?: string;
}

export interface SpendRow {
  /** Values of the requested dimensions, in order, as strings ('day' -> '2026-11-23', 'hour' -> ISO hour). */
  keys: Record<string, string | null>;
  requests: number;
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  costNanoUsd: NanoUsd;
  savedNanoUsd: NanoUsd;
  errors: number;
  unpriced: number;
  estimated: number;
  /** Sum of the rows' latencies (ms), for mean latency; absent from stores that do not keep it. */
  latencyMsTotal?: number;
}

/** Where a page of the request log resumes: the last row handed out (pages walk newest to oldest). */
export interface LedgerCursor {
  timeMs: number;
  id: string;
}

/**
 * Which queue a read waits in. `interactive` (the default) is for reads a person or a client waits
 * on (the admin API, the dashboard); `background` for work nobody is waiting on (the anomaly monitor
 * and its start-up catch-up, budget rebuilds from a definition sync). Work a person may join while it runs
 * (the overview forecast's start-up fit, which the first visit's request shares) stays interactive: on a
 * busy machine the background lane's thread gets only spare CPU.
 * A background read never queues ahead of an interactive one: SQLite gives each lane its own read
 * thread (the background one at the lowest priority), PostgreSQL caps background reads at one pooled
 * connection.
 */
export type ReadLane = 'interactive' | 'background';

/**
 * The request ledger. Backends: SQLite (embedded default) and PostgreSQL. `append` is idempotent on
 * `id` (a replayed spill file never double counts) and atomic per call (all rows or none).
 */
export interface LedgerStore {
  readonly backend: 'sqlite' | 'postgres';
  append(records: readonly LedgerRecord[]): Promise<void>;
  /** Rows in time order, newest last. */
  list(filter: LedgerFilter, limit?: number): Promise<LedgerRecord[]>;
  count(filter?: LedgerFilter): Promise<number>;
  /**
   * One page of rows older than `before` (newest page when absent), in time order within the page, and
   * the cursor of the next (older) page, null at the end. Keyset paging on (time, id): every row is
   * handed out exactly once however many rows arrive meanwhile (new rows are newer than any cursor).
   */
  page(filter: LedgerFilter, limit: number, before?: LedgerCursor): Promise<{ rows: LedgerRecord[]; next: LedgerCursor | null }>;
  /** Totals grouped by dimensions; served from hourly rollups where the grouping allows. */
  summarize(dimensions: readonly LedgerDimension[], filter?: LedgerFilter): Promise<SpendRow[]>;
  /**
   * The same ledger whose reads (list, page, count, summarize) run in `lane`; writes are shared. Stores
   * without lanes (tests, proxies) leave it out: `ledgerIn` then hands back the store itself.
   */
  inLane?(lane: ReadLane): LedgerStore;
  /** Cheap liveness check for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
