import type { BudgetConfig } from '../config/schema.ts';
import { formatUsd } from '../domain/money.ts';
import type { ClientRequest, Target } from '../domain/request.ts';
import { RESERVATION_TTL_MS, type BudgetCounters, type ReserveCheck, type SettleSpend } from './counters/types.ts';
import { isOwnBudget, type BudgetDisclosure } from './disclosure.ts';
import { countsToward } from './fixed-accrual.ts';
import type { BudgetGrant } from './grant.ts';
import type { LocalShareGuard } from './local-share.ts';
import { budgetWindow, ttlSeconds, type BudgetWindow } from './windows.ts';

export interface GrantDeps {
  counters: BudgetCounters;
  now: () => number;
  /** Whether a provider runs on local nodes. */
  isLocal: (providerId: string) => boolean;
  share: Pick<LocalShareGuard, 'count'>;
  /** Settles a reservation and books its spends (kept for recovery when the counters are down). */
  book: (reservationId: string, budgetIds: string[], spends: SettleSpend[]) => Promise<void>;
  /** Once a settle is booked: headroom may have returned, and alerts may be due. */
  afterSettle: (budgets: BudgetConfig[]) => void;
  disclosure: BudgetDisclosure | undefined;
}

export interface Reservation {
  reservationId: string;
  budgets: BudgetConfig[];
  windows: BudgetWindow[];
  checks: ReserveCheck[];
  used: number[];
  worst: number;
  action: string | null;
  local: boolean;
  request: Pick<ClientRequest, 'principal'>;
  shareSlot?: string | undefined;
  worstOn?: ((target: Target, atMs: number) => number) | undefined;
}

/**
 * The grant of an admitted request: its remaining-budget headers, a larger reservation before a
 * costlier fallback, and the settle that swaps the reservation for the actual cost.
 */
export function reservationGrant(deps: GrantDeps, reservation: Reservation): BudgetGrant {
  const { reservationId, budgets, windows, checks, used, worst, action, local, request, shareSlot, worstOn } = reservation;
  let settled = false;
  let reserved = worst;
  const extra: string[] = [];
  const budgetIds = budgets.map((b) => b.id);
  // The remaining header speaks of the caller's own budgets only (unless the operator discloses all).
  const told = checks.filter((_, index) => isOwnBudget(budgets[index]!, request.principal, deps.disclosure));
  const remaining = (cost: number) => Math.min(...told.map((check) => check.limitNano - used[checks.indexOf(check)]! - cost));
  return {
    action,
    headers: (costNano) => ({
      ...(told.length ? { 'x-tollgate-budget-remaining-usd': formatUsd(Math.max(0, remaining(costNano ?? reserved))) } : {}),
      ...(action ? { 'x-tollgate-budget-action': action } : {}),
    }),
    retarget: async (target) => {
      if (!worstOn || settled) return true;
      const at = deps.now();
      const next = worstOn(target, at);
      const delta = next - reserved;
      if (delta <= 0) return true;
      const nextLocal = deps.isLocal(target.providerId);
      const id = `${reservationId}:fallback${extra.length + 1}`;
      const more = checks.map((check, index) => ({ ...check, amountNano: countsToward(budgets[index]!, nextLocal) ? delta : 0 }));
      try {
        const result = await deps.counters.tryReserve(id, more, RESERVATION_TTL_MS, at);
        if (!result.ok) return false;
      } catch {
        return true; // counters unreachable: the budgets' fail-open/closed policy already applied at admission
      }
      extra.push(id);
      reserved = next;
      return true;
    },
    settle: (record) => {
      if (settled) return;
      settled = true;
      // After a fallback the served target decides whether this was a local request.
      const servedLocal = record.provider ? deps.isLocal(record.provider) : local;
      deps.share.count(record, servedLocal, shareSlot);
      for (const id of extra) void deps.book(id, budgetIds, []);
      const spends = budgets.map((budget, index) => ({
        bucket: budgetWindow(budget, record.timeMs).currentBucket,
        amountNano: countsToward(budget, servedLocal) ? record.costNanoUsd : 0,
        ttlSeconds: ttlSeconds(windows[index]!, record.timeMs),
      }));
      void deps.book(reservationId, budgetIds, spends.filter((spend) => spend.amountNano > 0)).then(() => deps.afterSettle(budgets));
    },
  };
}

/** Admitted while the counters are unreachable (fail-open): books the spend once they answer again; the ledger has it regardless. */
export function failOpenGrant(budgets: BudgetConfig[], book: GrantDeps['book']): BudgetGrant {
  return {
    action: 'fail-open',
    headers: () => ({ 'x-tollgate-budget-action': 'fail-open' }),
    settle: (record) => {
      const spends = budgets.map((budget) => {
        const window = budgetWindow(budget, record.timeMs);
        return { bucket: window.currentBucket, amountNano: record.costNanoUsd, ttlSeconds: ttlSeconds(window, record.timeMs) };
      });
      void book('', budgets.map((b) => b.id), spends.filter((s) => s.amountNano > 0));
    },
  };
}
