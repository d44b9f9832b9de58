import { describe, expect, it } from 'vitest';
import { matchesModelPattern, modelAllowed, targetNames } from './model-allowlist.ts';

describe('model allow lists', () => {
  it('exact names and anchored globs', () => {
    expect(matchesModelPattern('gpt-4o-mini', 'gpt-4o-mini')).toBe(true);
    expect(matchesModelPattern('gpt-4o', 'gpt-4o-mini')).toBe(false);
    expect(matchesModelPattern('gpt-4o*', 'gpt-4o-mini')).toBe(true);
    expect(matchesModelPattern('*mini', 'gpt-4o-mini')).toBe(true);
    expect(matchesModelPattern('*@local', 'llama3@local')).toBe(true);
    expect(matchesModelPattern('*@local', 'llama3@local-2')).toBe(false);
    expect(matchesModelPattern('a*b*c', 'abc')).toBe(true);
    expect(matchesModelPattern('a*b*c', 'acb')).toBe(false);
    expect(matchesModelPattern('a*a', 'a')).toBe(false);
    expect(matchesModelPattern('*', '')).toBe(true);
    expect(matchesModelPattern('GPT*', 'gpt-4o')).toBe(false);
  });

  it('a hostile name against many stars stays linear (no regular expression backtracking)', () => {
    expect(matchesModelPattern(`${'*a'.repeat(100)}b`, 'a'.repeat(100_000))).toBe(false);
  });

  it('no list allows everything; a list allows a name any pattern matches', () => {
    expect(modelAllowed(undefined, ['x'])).toBe(true);
    expect(modelAllowed([], ['x'])).toBe(true);
    expect(modelAllowed(['gpt-*'], ['claude', 'gpt-4o'])).toBe(true);
    expect(modelAllowed(['gpt-*'], ['claude'])).toBe(false);
  });

  it('a target is known by its upstream model, model@provider and every alias pointing at it', () => {
    const names = targetNames({ upstreamModel: 'llama3.1:8b', providerId: 'local' }, { fast: { target: 'llama3.1:8b@local' }, other: { target: 'gpt-4o@openai' } });
    expect(names).toEqual(['llama3.1:8b', 'llama3.1:8b@local', 'fast']);
  });
});
