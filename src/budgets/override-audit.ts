import type { BudgetConfig } from '../config/schema.ts';
import { formatUsd } from '../domain/money.ts';
import type { ClientRequest } from '../domain/request.ts';
import type { AlertToRaise } from './alert-evaluation.ts';
import type { ReserveCheck } from './counters/types.ts';
import type { OverrideGrant } from './override.ts';
import type { BudgetWindow } from './windows.ts';

type Audited = Pick<ClientRequest, 'id' | 'principal'>;

function who(request: Audited): string {
  return `${request.principal.orgId}/${request.principal.projectId} key=${request.principal.keyId ?? '-'}`;
}

/** The AUDIT line of a presented override token that matched nothing. Pure. */
export function overrideRefusedLine(request: Audited): string {
  return `AUDIT budget override refused (no matching token) for ${request.principal.orgId}/${request.principal.projectId} key=${request.principal.keyId ?? '-'} request=${request.id}`;
}

/**
 * Every override use is audited: an AUDIT log line, and an alert row per budget it actually lifted
 * (the request would not have fitted), which also goes to the webhook. Pure.
 */
export function overrideAudit(
  request: Audited,
  override: OverrideGrant,
  budgets: BudgetConfig[],
  checks: ReserveCheck[],
  used: number[],
  worst: number,
  windows: BudgetWindow[],
  at: number,
): { line: string; alerts: AlertToRaise[] } {
  const by = who(request);
  const lifted = budgets.filter((budget, index) => override.budgetIds.has(budget.id) && used[index]! + checks[index]!.amountNano > checks[index]!.limitNano);
  const line = `AUDIT budget override (${override.authority}) by ${by} request=${request.id} budgets=${[...override.budgetIds].join(',')} lifted=${lifted.map((b) => b.id).join(',') || '-'} worst=$${formatUsd(worst)}`;
  const alerts = lifted.map((budget) => {
    const index = budgets.indexOf(budget);
    return {
      timeMs: at,
      budgetId: budget.id,
      windowStartMs: windows[index]!.startMs,
      kind: `override:${request.id}`,
      spentNano: used[index]!,
      limitNano: checks[index]!.limitNano,
      message: `Budget ${budget.id}: override (${override.authority}) by ${by} let request ${request.id} through at $${formatUsd(used[index]!)} of $${formatUsd(checks[index]!.limitNano)} (it may cost up to $${formatUsd(worst)})`,
    };
  });
  return { line, alerts };
}
