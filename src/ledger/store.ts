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
  provider?: string;
  /** Rows carrying this tag. */
  tag?: string;
  /** Leave out rows served by these providers (local nodes, when their hours are budgeted as fixed costs). */
  excludeProviders?: string[];
  /** Only rows served to the client (status below 400). */
  servedOnly?: boolean;
  /** Rows of this origin ('gateway', 'import:openai-usage-json', ...). */
  origin?: string;
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
}

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
  /** Totals grouped by dimensions; served from hourly rollups where the grouping allows. */
  summarize(dimensions: readonly LedgerDimension[], filter?: LedgerFilter): Promise<SpendRow[]>;
  /** Cheap liveness check for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
