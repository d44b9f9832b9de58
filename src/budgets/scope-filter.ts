import type { BudgetConfig } from '../config/schema.ts';
import type { LedgerFilter } from '../ledger/store.ts';
import { qualifiedScope } from './applicable.ts';

/** The ledger rows a budget covers, for rebuilding its counters (org-qualified like `covers`). Pure. */
export function scopeFilter(budget: Pick<BudgetConfig, 'scope' | 'value' | 'org'>): LedgerFilter {
  const { org, name } = qualifiedScope(budget);
  const inOrg: LedgerFilter = org !== undefined ? { orgId: org } : {};
  switch (budget.scope) {
    case 'global':
      return {};
    case 'org':
      return { orgId: name };
    case 'project':
      return { ...inOrg, projectId: name };
    case 'user':
      return { ...inOrg, userId: name };
    case 'key':
      return { ...inOrg, keyId: name };
    case 'tag':
      return { ...inOrg, tag: name };
    case 'model':
      return { ...inOrg, model: name };
    case 'provider':
      return { ...inOrg, provider: name };
  }
}
