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

type ScopedBudget = Pick<BudgetConfig, 'scope' | 'value' | 'org'>;

/**
 * A budget's scope with its org made explicit: `org` as written, or the `acme` of `value: acme/web`
 * when no `org` is set (project, user and tag budgets only). `org: undefined` means every org; the
 * schema no longer accepts that for project/user/tag, but budgets stored before it may have it.
 */
export function qualifiedScope(budget: ScopedBudget): QualifiedScope {
  // Read on every request for every budget: kept per budget object, checked against the fields it was read from.
  const held = qualified.get(budget);
  if (held && held.scope === budget.scope && held.value === budget.value && held.org === budget.org) return held.qualified;
  const found = readScope(budget);
  qualified.set(budget, { scope: budget.scope, value: budget.value, org: budget.org, qualified: found });
  return found;
}

type QualifiedScope = { readonly org: string | undefined; readonly name: string | undefined };

const qualified = new WeakMap<object, { scope: ScopedBudget['scope']; value: string | undefined; org: string | undefined; qualified: QualifiedScope }>();

function readScope(budget: ScopedBudget): QualifiedScope {
  if (budget.org !== undefined || budget.value === undefined) return { org: budget.org, name: budget.value };
  if (budget.scope === 'project' || budget.scope === 'user' || budget.scope === 'tag') {
    const slash = budget.value.indexOf('/');
    if (slash > 0 && slash < budget.value.length - 1) return { org: budget.value.slice(0, slash), name: budget.value.slice(slash + 1) };
  }
  return { org: undefined, name: budget.value };
}

/** Every budget that covers the request: all of them must have room (the hierarchy is a conjunction). Pure. */
export function applicableBudgets(budgets: readonly BudgetConfig[], subject: BudgetSubject): BudgetConfig[] {
  return budgets.filter((budget) => covers(budget, subject));
}

/** Whether a budget covers a request: its scope matches and, where the budget names an org, the request is that org's. */
export function covers(budget: ScopedBudget, subject: BudgetSubject): boolean {
  const { principal } = subject;
  const { org, name } = qualifiedScope(budget);
  if (org !== undefined && org !== principal.orgId) return false;
  switch (budget.scope) {
    case 'global':
      return true;
    case 'org':
      return principal.orgId === name;
    case 'project':
      return principal.projectId === name;
    case 'user':
      return principal.userId === name;
    case 'key':
      return principal.keyId === name;
    case 'tag':
      return name !== undefined && principal.tags.includes(name);
    case 'model':
      return subject.requestedModel === name || subject.upstreamModel === name;
    case 'provider':
      return subject.providerId === name;
  }
}
