import type { BudgetCounters, ReserveCheck, ReserveResult } from './types.ts';

/** Counters in this process: exact for one instance (JS runs one reservation at a time). */
export function createMemoryCounters(): BudgetCounters {
  const spent = new Map<string, number>();
  const reservations = new Map<string, InFlight>();

  /** In-flight reservations of a budget: a running total, swept only once one of them may have lapsed. */
  function reservedIn(budgetId: string, nowMs: number): number {
    const flight = reservations.get(budgetId);
    if (!flight) return 0;
    if (nowMs > flight.earliestExpiryMs) sweep(flight, nowMs);
    return flight.total;
  }

  function used(check: Pick<ReserveCheck, 'budgetId' | 'buckets' | 'fixedNano'>, nowMs: number): number {
    let total = check.fixedNano + reservedIn(check.budgetId, nowMs);
    for (const bucket of check.buckets) total += spent.get(bucket) ?? 0;
    return total;
  }

  return {
    kind: 'memory',
    async tryReserve(reservationId, checks, ttlMs, nowMs): Promise<ReserveResult> {
      const usedBefore = checks.map((check) => used(check, nowMs));
      const failedIndex = checks.findIndex((check, index) => !check.force && usedBefore[index]! + check.amountNano > check.limitNano);
      if (failedIndex === -1) {
        for (const check of checks) {
          let flight = reservations.get(check.budgetId);
          if (!flight) reservations.set(check.budgetId, (flight = { entries: new Map(), total: 0, earliestExpiryMs: Number.POSITIVE_INFINITY }));
          remove(flight, reservationId);
          const expiresAtMs = nowMs + ttlMs;
          flight.entries.set(reservationId, { amount: check.amountNano, expiresAtMs });
          flight.total += check.amountNano;
          if (expiresAtMs < flight.earliestExpiryMs) flight.earliestExpiryMs = expiresAtMs;
        }
      }
      return { ok: failedIndex === -1, failedIndex, used: usedBefore };
    },
    async settle(reservationId, budgetIds, spends) {
      for (const budgetId of budgetIds) {
        const flight = reservations.get(budgetId);
        if (flight) remove(flight, reservationId);
      }
      for (const spend of spends) spent.set(spend.bucket, (spent.get(spend.bucket) ?? 0) + spend.amountNano);
    },
    async peek(checks, nowMs) {
      return checks.map((check) => used(check, nowMs));
    },
    async seed(bucket, amountNano) {
      if (spent.has(bucket)) return false;
      spent.set(bucket, amountNano);
      return true;
    },
    async markSeeded() {
      // In-process counters start with the rebuild and cannot lose it.
    },
    onRecovered() {
      // In-process counters cannot be unreachable.
    },
    async close() {},
  };
}

interface InFlight {
  entries: Map<string, { amount: number; expiresAtMs: number }>;
  /** The sum of the entries' amounts. */
  total: number;
  /** No entry lapses before this (it may be earlier than the true earliest after a settle: one extra sweep). */
  earliestExpiryMs: number;
}

function remove(flight: InFlight, reservationId: string): void {
  const entry = flight.entries.get(reservationId);
  if (!entry) return;
  flight.entries.delete(reservationId);
  flight.total -= entry.amount;
}

/** Drops lapsed reservations (expired before `nowMs`) and recomputes the total exactly. */
function sweep(flight: InFlight, nowMs: number): void {
  let total = 0;
  let earliest = Number.POSITIVE_INFINITY;
  for (const [id, entry] of flight.entries) {
    if (entry.expiresAtMs < nowMs) flight.entries.delete(id);
    else {
      total += entry.amount;
      if (entry.expiresAtMs < earliest) earliest = entry.expiresAtMs;
    }
  }
  flight.total = total;
  flight.earliestExpiryMs = earliest;
}
