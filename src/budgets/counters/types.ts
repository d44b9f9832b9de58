/** How long an unsettled reservation holds budget before it lapses (a crashed request frees it). */
export const RESERVATION_TTL_MS = 15 * 60_000;

/** One budget's part in an atomic reservation. */
export interface ReserveCheck {
  budgetId: string;
  /** Counter buckets whose spend counts (one per calendar period, hourly ones for rolling windows). */
  buckets: string[];
  limitNano: number;
  /** Fixed costs accrued so far in the window (they count as spent). */
  fixedNano: number;
  /** The request's worst-case cost. */
  amountNano: number;
  /** Reserve even if it does not fit (an audited override, or a fail-open budget). */
  force: boolean;
}

export interface ReserveResult {
  ok: boolean;
  /** Index of the first check that did not fit (when not ok). */
  failedIndex: number;
  /** Per check: spent + reserved + fixed BEFORE this reservation. */
  used: number[];
}

export interface SettleSpend {
  bucket: string;
  amountNano: number;
  /** Seconds the bucket must outlive its period (Redis expiry). */
  ttlSeconds: number;
}

/**
 * Budget counters: spend per bucket plus in-flight reservations per budget. `tryReserve` is
 * atomic across all the request's budgets (all fit and are reserved, or none is), in process
 * (synchronous JS) and across instances (one Redis Lua script).
 */
export interface BudgetCounters {
  readonly kind: 'memory' | 'redis';
  tryReserve(reservationId: string, checks: readonly ReserveCheck[], ttlMs: number, nowMs: number): Promise<ReserveResult>;
  /** Releases the reservation in every budget and adds the actual spend. */
  settle(reservationId: string, budgetIds: readonly string[], spends: readonly SettleSpend[]): Promise<void>;
  /** Current spent + reserved per check, without reserving (thresholds, headers, status). */
  peek(checks: readonly Pick<ReserveCheck, 'budgetId' | 'buckets' | 'fixedNano'>[], nowMs: number): Promise<number[]>;
  /** Sets a bucket's spend if it is not set yet (rebuild from the ledger); true when it was set. */
  seed(bucket: string, amountNano: number, ttlSeconds: number): Promise<boolean>;
  /**
   * Every current bucket has been seeded from the ledger. A shared store refuses reads and writes
   * until this is said (after it lost its data), so an empty store never passes for "nothing spent".
   */
  markSeeded(): Promise<void>;
  /** Called when a shared store is reachable again after an outage (counters may have been lost). */
  onRecovered(listener: () => void): void;
  /**
   * Shared counters only: another instance released budget (a settle) while someone here waits in
   * a budget queue. `announceQueued` says this instance has waiters; instances publish their
   * releases only for a while after hearing it, so there is no traffic when nobody queues.
   */
  announceQueued?(): void;
  onReleased?(listener: () => void): void;
  close(): Promise<void>;
}
