import { createHash, timingSafeEqual } from 'node:crypto';
import type { BudgetConfig } from '../config/schema.ts';
import type { Principal } from '../domain/principal.ts';
import { isOwnBudget } from './disclosure.ts';

/** Where override tokens come from: the operator's global one, one per org, one per budget. */
export interface OverrideTokens {
  global: string | undefined;
  byOrg: Readonly<Record<string, string>>;
}

/** Which budgets a presented override token lets through, and on whose authority. */
export interface OverrideGrant {
  budgetIds: Set<string>;
  /** `global`, `org:<id>` or `budget` (a budget's own token). */
  authority: string;
}

/**
 * Matches `x-tollgate-budget-override` against the tokens in constant time (SHA-256 digests of
 * both sides compared with timingSafeEqual, so neither content nor length leaks through timing):
 * the global token forces every applicable budget; an org's token only that org's own budgets
 * (never an operator budget); a budget's token only that budget. Undefined when nothing matches.
 */
export function matchOverride(presented: string | undefined, tokens: OverrideTokens, budgets: readonly BudgetConfig[], principal: Pick<Principal, 'orgId'>): OverrideGrant | undefined {
  if (!presented) return undefined;
  const digest = sha256(presented);
  if (tokens.global !== undefined && sameDigest(digest, tokens.global)) return { budgetIds: new Set(budgets.map((b) => b.id)), authority: 'global' };
  const orgToken = Object.hasOwn(tokens.byOrg, principal.orgId) ? tokens.byOrg[principal.orgId] : undefined;
  if (orgToken !== undefined && sameDigest(digest, orgToken)) {
    const own = budgets.filter((budget) => isOwnBudget(budget, principal)).map((b) => b.id);
    return own.length ? { budgetIds: new Set(own), authority: `org:${principal.orgId}` } : undefined;
  }
  const matching = budgets.filter((budget) => budget.overrideToken !== undefined && sameDigest(digest, budget.overrideToken)).map((b) => b.id);
  return matching.length ? { budgetIds: new Set(matching), authority: 'budget' } : undefined;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function sameDigest(digest: Buffer, token: string): boolean {
  return timingSafeEqual(digest, sha256(token));
}
