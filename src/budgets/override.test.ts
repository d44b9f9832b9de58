import { describe, expect, it } from 'vitest';
import type { BudgetConfig } from '../config/schema.ts';
import { matchOverride } from './override.ts';

const budget = (id: string, scope: BudgetConfig['scope'], value?: string, overrideToken?: string) =>
  ({ id, scope, value, period: 'daily', timezone: 'UTC', limitUsd: 1, includeFixedCosts: false, thresholds: [], onCounterFailure: 'fail-open', overrideToken }) as BudgetConfig;

const budgets = [budget('global', 'global'), budget('acme-org', 'org', 'acme'), budget('acme-app', 'project', 'app', 'app-token-0000000001'), budget('gpt4o', 'model', 'gpt-4o')];
const tokens = { global: 'global-token-000000001', byOrg: { acme: 'acme-token-0000000001', other: 'other-token-000000001' } };
const acme = { orgId: 'acme' };

describe('budget override tokens', () => {
  it('the global token lifts every budget', () => {
    expect(matchOverride('global-token-000000001', tokens, budgets, acme)).toMatchObject({ authority: 'global', budgetIds: new Set(['global', 'acme-org', 'acme-app', 'gpt4o']) });
  });
  it("an org's token lifts only that org's own budgets, never an operator budget, and not for another org", () => {
    expect(matchOverride('acme-token-0000000001', tokens, budgets, acme)).toMatchObject({ authority: 'org:acme', budgetIds: new Set(['acme-org', 'acme-app']) });
    expect(matchOverride('other-token-000000001', tokens, budgets, acme)).toBeUndefined();
  });
  it("a budget's token lifts that budget only", () => {
    expect(matchOverride('app-token-0000000001', tokens, budgets, acme)).toMatchObject({ authority: 'budget', budgetIds: new Set(['acme-app']) });
  });
  it('wrong, empty, longer or prefix tokens match nothing; __proto__ as an org is not a token', () => {
    for (const presented of [undefined, '', 'global-token-00000000', 'global-token-0000000011', 'x'.repeat(100_000)]) expect(matchOverride(presented, tokens, budgets, acme)).toBeUndefined();
    expect(matchOverride('[object Object]', tokens, budgets, { orgId: '__proto__' })).toBeUndefined();
    expect(matchOverride('anything', { global: undefined, byOrg: {} }, budgets, acme)).toBeUndefined();
  });
});
