import type { BudgetConfig } from '../config/schema.ts';
import type { Principal } from '../domain/principal.ts';
import { qualifiedScope } from './applicable.ts';

/** What a refusal or a response header may say about budgets: the caller's own only, or all (a single-tenant deployment). */
export type BudgetDisclosure = 'own' | 'all';

/**
 * Whether a budget is the caller's own, so its id, limit and remaining may be told to it: a budget
 * on its org, or on its project, user, key or tag (within its org when the budget names one).
 * Global, model and provider budgets are the operator's: they cover every tenant, and their id,
 * limit and spend describe other tenants' use. Pure.
 */
export function isOwnBudget(budget: Pick<BudgetConfig, 'scope' | 'value' | 'org'>, principal: Pick<Principal, 'orgId'>, disclosure: BudgetDisclosure = 'own'): boolean {
  if (disclosure === 'all') return true;
  const { org } = qualifiedScope(budget);
  if (org !== undefined && org !== principal.orgId) return false;
  switch (budget.scope) {
    case 'org':
      return budget.value === principal.orgId;
    case 'project':
    case 'user':
    case 'key':
    case 'tag':
      return true;
    default:
      return false;
  }
}
