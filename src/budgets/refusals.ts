import type { BudgetConfig } from '../config/schema.ts';
import { GatewayError } from '../domain/errors.ts';
import { formatUsd } from '../domain/money.ts';
import type { ClientRequest } from '../domain/request.ts';
import type { ReserveCheck } from './counters/types.ts';
import { isOwnBudget, type BudgetDisclosure } from './disclosure.ts';
import { periodLabel } from './status.ts';
import type { BudgetWindow } from './windows.ts';

/** Who is refused, and whether the operator discloses every budget to every caller. */
export interface RefusalContext {
  request: Pick<ClientRequest, 'principal'>;
  disclosure: BudgetDisclosure | undefined;
}

/** `Budget 'id' (project demo, daily)` for the caller's own budget; `An operator budget (daily)` for one it may not see. Pure. */
export function describeBudget(budget: BudgetConfig, context: RefusalContext, noun: string): string {
  const period = periodLabel(budget);
  if (!isOwnBudget(budget, context.request.principal, context.disclosure)) return `An operator budget (${period})`;
  return `${noun} '${budget.id}' (${budget.scope}${budget.value ? ` ${budget.value}` : ''}, ${period})`;
}

/**
 * What a refusal that retrying cannot lift says: both official SDKs honour `x-should-retry: false`
 * (before `retry-after` and their own backoff) and give up at once.
 */
const NOT_RETRYABLE = { 'x-should-retry': 'false' } as const;

/**
 * A budget refusal. Retrying cannot help before the budget resets, so both official SDKs are told
 * not to (`x-should-retry: false`, which they honour before `retry-after`); the reset time is in
 * `x-tollgate-budget-reset` (ISO 8601) and in the message. A rolling window frees spend hour by
 * hour: its "reset" is the next hour, the earliest time headroom can return. Only the caller's own
 * budget is named, with its limit; another scope's refusal is described generically. Pure.
 */
export function budgetBlocked(budget: BudgetConfig, window: BudgetWindow, check: ReserveCheck, used: number, worst: number, context: RefusalContext, nowMs: number): GatewayError {
  const resetAt = new Date(window.endMs).toISOString();
  const inSeconds = Math.max(1, Math.ceil((window.endMs - nowMs) / 1000));
  const when = budget.period === 'rolling' ? `Its rolling window frees spend from ${resetAt} (in ${inSeconds} s) on` : `It resets at ${resetAt} (in ${inSeconds} s)`;
  const own = isOwnBudget(budget, context.request.principal, context.disclosure);
  const state = own ? `has $${formatUsd(Math.max(0, check.limitNano - used))} of $${formatUsd(check.limitNano)} left` : 'has no room for this request';
  return new GatewayError('budget_exceeded', `${describeBudget(budget, context, 'Budget')} ${state}; this request may cost up to $${formatUsd(worst)}. ${when}; retrying sooner will not help.`, {
    headers: { ...NOT_RETRYABLE, 'x-tollgate-budget-reset': resetAt, ...(own ? { 'x-tollgate-budget': budget.id } : {}) },
  });
}

/** Refusals from the queue are final for this call: an SDK retry would only queue (and wait) again. Pure. */
function queueHeaders(budget: BudgetConfig, context: RefusalContext): Record<string, string> {
  const own = isOwnBudget(budget, context.request.principal, context.disclosure);
  return { ...NOT_RETRYABLE, ...(own ? { 'x-tollgate-budget': budget.id } : {}) };
}

/** The budget's queue of low-priority work is full. Pure. */
export function queueFull(budget: BudgetConfig, context: RefusalContext): GatewayError {
  return new GatewayError('budget_exceeded', `${describeBudget(budget, context, 'Budget')} is holding low-priority work and its queue is full; retry later`, { headers: queueHeaders(budget, context) });
}

/** A low-priority request waited its queue timeout without headroom returning. Pure. */
export function queueTimedOut(budget: BudgetConfig, context: RefusalContext): GatewayError {
  return new GatewayError('budget_exceeded', `${describeBudget(budget, context, 'Budget')} held this low-priority request for the queue timeout without headroom returning; retry later or raise its priority`, {
    headers: queueHeaders(budget, context),
  });
}

/** The local-share guard's counts when it refused a cloud request. */
export interface LocalShareCounts {
  target: number;
  period: string;
  local: number;
  cloud: number;
  inFlight: number;
}

/**
 * The local-share guard refused a cloud request. Waiting seconds does not help: the period's cloud
 * count only drops when the period resets, and headroom returns only as more requests are served
 * locally, so the SDKs are told not to retry (as for a budget), with the period's reset. Pure.
 */
export function localShareRefused(counts: LocalShareCounts, window: BudgetWindow): GatewayError {
  const resetAt = new Date(window.endMs).toISOString();
  const { local, cloud, inFlight, target, period } = counts;
  return new GatewayError(
    'budget_exceeded',
    `Local-share guard: ${cloud} of ${local + cloud} requests this ${period} went to cloud models (${inFlight} more in flight); one more would take the local share below ${(target * 100).toFixed(1)}%. ` +
      `Cloud requests are allowed again as more requests are served locally, or when the period resets at ${resetAt}; retrying sooner will not help.`,
    { headers: { ...NOT_RETRYABLE, 'x-tollgate-budget-reset': resetAt, 'x-tollgate-budget': 'local-share' } },
  );
}

/** A fail-closed budget whose counters are unreachable. Transient: the SDKs may retry (after a second), unlike a budget refusal. Pure. */
export function countersUnreachable(budget: BudgetConfig, context: RefusalContext): GatewayError {
  return new GatewayError('budget_unavailable', `${describeBudget(budget, context, 'Budget')} cannot be checked right now (its counters are unreachable) and is configured fail-closed; retry shortly`, {
    retryable: true,
    headers: { 'retry-after': '1', 'x-should-retry': 'true' },
  });
}
