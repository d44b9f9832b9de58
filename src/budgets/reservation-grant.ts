import type { BudgetConfig } from '../config/schema.ts';
import { formatUsd } from '../domain/money.ts';
import type { ClientRequest, Target } from '../domain/request.ts';
import type { LedgerRecord } from '../ledger/record.ts';
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
  /** Prices the request on another target (a fallback's reservation); without it, fallbacks reserve nothing more. */
  worstCase?: { on(target: Target, atMs: number): number } | undefined;
}

/**
 * The grant of an admitted request: its remaining-budget headers, a larger reservation before a
 * costlier fallback, and the settle that swaps the reservation for the actual cost.
 */
export function reservationGrant(deps: GrantDeps, reservation: Reservation): BudgetGrant {
  return new ReservationGrant(deps, reservation);
}

/**
 * A class, not an object of closures: one shape and prototype methods for every admitted request
 * instead of four fresh (and, under tsx, named) functions per grant.
 */
class ReservationGrant implements BudgetGrant {
  readonly action: string | null;
  private settled = false;
  private reserved: number;
  private readonly extra: string[] = [];
  /** Indexes of the checks the remaining header speaks of: the caller's own budgets only (unless the operator discloses all). */
  private readonly told: number[] = [];

  constructor(
    private readonly deps: GrantDeps,
    private readonly reservation: Reservation,
  ) {
    const { budgets, checks, worst, action, request } = reservation;
    this.action = action;
    this.reserved = worst;
    for (let index = 0; index < checks.length; index += 1) if (isOwnBudget(budgets[index]!, request.principal, deps.disclosure)) this.told.push(index);
  }

  headers(costNano?: number): Record<string, string> {
    return {
      ...(this.told.length ? { 'x-tollgate-budget-remaining-usd': formatUsd(Math.max(0, this.remaining(costNano ?? this.reserved))) } : {}),
      ...(this.action ? { 'x-tollgate-budget-action': this.action } : {}),
    };
  }

  private remaining(cost: number): number {
    const { checks, used } = this.reservation;
    let least = Number.POSITIVE_INFINITY;
    for (const index of this.told) least = Math.min(least, checks[index]!.limitNano - used[index]! - cost);
    return least;
  }

  async retarget(target: Target): Promise<boolean> {
    const { deps } = this;
    const { reservationId, budgets, checks, worstCase } = this.reservation;
    if (!worstCase || this.settled) return true;
    const at = deps.now();
    const next = worstCase.on(target, at);
    const delta = next - this.reserved;
    if (delta <= 0) return true;
    const nextLocal = deps.isLocal(target.providerId);
    const id = `${reservationId}:fallback${this.extra.length + 1}`;
    const more = checks.map((check, index) => ({ ...check, amountNano: countsToward(budgets[index]!, nextLocal) ? delta : 0 }));
    try {
      const result = await deps.counters.tryReserve(id, more, RESERVATION_TTL_MS, at);
      if (!result.ok) return false;
    } catch {
      return true; // counters unreachable: the budgets' fail-open/closed policy already applied at admission
    }
    this.extra.push(id);
    this.reserved = next;
    return true;
  }

  settle(record: LedgerRecord): void {
    if (this.settled) return;
    this.settled = true;
    const { deps } = this;
    const { reservationId, budgets, windows, local, shareSlot } = this.reservation;
    const budgetIds = budgets.map((b) => b.id);
    // After a fallback the served target decides whether this was a local request.
    const servedLocal = record.provider ? deps.isLocal(record.provider) : local;
    deps.share.count(record, servedLocal, shareSlot);
    for (const id of this.extra) void deps.book(id, budgetIds, []);
    const spends: SettleSpend[] = [];
    for (let index = 0; index < budgets.length; index += 1) {
      const budget = budgets[index]!;
      const amountNano = countsToward(budget, servedLocal) ? record.costNanoUsd : 0;
      if (amountNano > 0) spends.push({ bucket: budgetWindow(budget, record.timeMs).currentBucket, amountNano, ttlSeconds: ttlSeconds(windows[index]!, record.timeMs) });
    }
    void deps.book(reservationId, budgetIds, spends).then(() => deps.afterSettle(budgets));
  }
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
