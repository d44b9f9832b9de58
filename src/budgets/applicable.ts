import type { BudgetConfig } from '../config/schema.ts';
import type { Principal } from '../domain/principal.ts';

/** What a request is, for matching budget scopes. */
export interface BudgetSubject {
  principal: Pick<Principal, 'orgId' | 'projectId' | 'userId' | 'keyId' | 'tags'>;
  /** The model as requested (alias) and as sent upstream. */
  requestedModel: string;
  upstreamModel: string;
  providerId: string;
}

/** Every budget that covers the request: all of them must have room (the hierarchy is a conjunction). Pure. */
export function applicableBudgets(budgets: readonly BudgetConfig[], subject: BudgetSubject): BudgetConfig[] {
  return budgets.filter((budget) => covers(budget, subject));
}

export function covers(budget: Pick<BudgetConfig, 'scope' | 'value'>, subject: BudgetSubject): boolean {
  const { principal } = subject;
  switch (budget.scope) {
    case 'global':
      return true;
    case 'org':
      return principal.orgId === budget.value;
    case 'project':
      return principal.projectId === budget.value;
    case 'user':
      return principal.userId === budget.value;
    case 'key':
      return principal.keyId === budget.value;
    case 'tag':
      return budget.value !== undefined && principal.tags.includes(budget.value);
    case 'model':
      return subject.requestedModel === budget.value || subject.upstreamModel === budget.value;
    case 'provider':
      return subject.providerId === budget.value;
  }
}
