import { describe, expect, it } from 'vitest';
import { covers, qualifiedScope, type BudgetSubject } from './applicable.ts';

const subject = (orgId: string, extra: Partial<BudgetSubject['principal']> = {}): BudgetSubject => ({
  principal: { orgId, projectId: 'web', userId: 'alice', keyId: 'key_1', tags: ['batch'], ...extra },
  requestedModel: 'gpt-4o-mini',
  upstreamModel: 'gpt-4o-mini',
  providerId: 'openai',
});

describe('budget scopes are qualified by org', () => {
  it('org from the org field, or from value org/name for project, user and tag', () => {
    expect(qualifiedScope({ scope: 'project', value: 'web', org: 'acme' })).toEqual({ org: 'acme', name: 'web' });
    expect(qualifiedScope({ scope: 'project', value: 'acme/web', org: undefined })).toEqual({ org: 'acme', name: 'web' });
    // With an explicit org the value is taken literally (user ids may contain a slash).
    expect(qualifiedScope({ scope: 'user', value: 'team/alice', org: 'acme' })).toEqual({ org: 'acme', name: 'team/alice' });
    expect(qualifiedScope({ scope: 'model', value: 'openai/gpt-4o', org: undefined })).toEqual({ org: undefined, name: 'openai/gpt-4o' });
  });

  it('a budget changed in place is read again (its scope, value or org)', () => {
    const budget: { scope: 'project' | 'user' | 'model'; value: string; org: string | undefined } = { scope: 'project', value: 'acme/web', org: undefined };
    expect(qualifiedScope(budget)).toEqual({ org: 'acme', name: 'web' });
    expect(covers(budget, subject('acme'))).toBe(true);
    budget.value = 'globex/web';
    expect(qualifiedScope(budget)).toEqual({ org: 'globex', name: 'web' });
    expect(covers(budget, subject('acme'))).toBe(false);
    budget.org = 'acme';
    expect(qualifiedScope(budget)).toEqual({ org: 'acme', name: 'globex/web' });
    budget.org = undefined;
    budget.scope = 'model';
    expect(qualifiedScope(budget)).toEqual({ org: undefined, name: 'globex/web' });
  });

  it('project, user and tag budgets cover only their org', () => {
    for (const budget of [
      { scope: 'project' as const, value: 'web', org: 'acme' },
      { scope: 'project' as const, value: 'acme/web', org: undefined },
      { scope: 'user' as const, value: 'alice', org: 'acme' },
      { scope: 'tag' as const, value: 'batch', org: 'acme' },
    ]) {
      expect(covers(budget, subject('acme'))).toBe(true);
      expect(covers(budget, subject('beta'))).toBe(false);
    }
  });

  it('key, model and provider budgets cover every org unless they name one', () => {
    expect(covers({ scope: 'model', value: 'gpt-4o-mini', org: undefined }, subject('beta'))).toBe(true);
    expect(covers({ scope: 'model', value: 'gpt-4o-mini', org: 'acme' }, subject('beta'))).toBe(false);
    expect(covers({ scope: 'key', value: 'key_1', org: undefined }, subject('beta'))).toBe(true);
    expect(covers({ scope: 'org', value: 'acme', org: undefined }, subject('acme'))).toBe(true);
    expect(covers({ scope: 'org', value: 'acme', org: undefined }, subject('beta'))).toBe(false);
  });

  it('a project budget stored before org existed still covers the name in every org (logged at start)', () => {
    expect(covers({ scope: 'project', value: 'web', org: undefined }, subject('beta'))).toBe(true);
  });
});
