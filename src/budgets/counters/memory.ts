import type { BudgetCounters, ReserveCheck, ReserveResult } from './types.ts';

/** Counters in this process: exact for one instance (JS runs one reservation at a time). */
export function createMemoryCounters(): BudgetCounters {
  const spent = new Map<string, number>();
  const reservations = new Map<string, Map<string, { amount: number; expiresAtMs: number }>>();

  function reservedIn(budgetId: string, nowMs: number): number {
    const entries = reservations.get(budgetId);
    if (!entries) return 0;
    let total = 0;
    for (const [id, entry] of entries) {
      if (entry.expiresAtMs < nowMs) entries.delete(id);
      else total += entry.amount;
    }
    return total;
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
          let entries = reservations.get(check.budgetId);
          if (!entries) reservations.set(check.budgetId, (entries = new Map()));
          entries.set(reservationId, { amount: check.amountNano, expiresAtMs: nowMs + ttlMs });
        }
      }
      return { ok: failedIndex === -1, failedIndex, used: usedBefore };
    },
    async settle(reservationId, budgetIds, spends) {
      for (const budgetId of budgetIds) reservations.get(budgetId)?.delete(reservationId);
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
