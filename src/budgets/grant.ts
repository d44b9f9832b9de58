import type { LedgerRecord } from '../ledger/record.ts';
import type { Target } from '../domain/request.ts';

/** What admission grants a request: the targets to use and how to settle afterwards. */
export interface BudgetGrant {
  /** Ledger `budgetAction`: `downgrade:<budget>`, `queued:<budget>:<ms>`, `override`, `fail-open`, or null. */
  action: string | null;
  /** Response headers: remaining in the tightest budget (after `costNano` when known). */
  headers(costNano?: number): Record<string, string>;
  /** Releases the reservation and books the actual cost (called once, by the meter). */
  settle(record: LedgerRecord): void;
  /**
   * Before a fallback to another target: reserves the extra worst case if that target costs more;
   * false when the budgets have no room for it (the fallback is skipped).
   */
  retarget?(target: Target): Promise<boolean>;
}
