import { describe, expect, it } from 'vitest';
import { parseTagsHeader, refinePrincipal, type Principal } from './principal.ts';

const base: Principal = { keyId: 'k1', orgId: 'acme', projectId: 'search', userId: undefined, tags: ['team:a'], allow: { user: true, tags: true } };

describe('refinePrincipal', () => {
  it('applies the user and extra tags the key allows, never a project', () => {
    const refined = refinePrincipal(base, { project: 'chat', user: 'u-42', tags: ['feature:x', 'team:a'] });
    expect(refined).toMatchObject({ orgId: 'acme', projectId: 'search', userId: 'u-42', tags: ['team:a', 'feature:x'] });
  });

  it('a principal that once allowed project re-attribution still stays in its project', () => {
    const legacy = { ...base, allow: { project: true, user: false, tags: false } };
    expect(refinePrincipal(legacy, { project: 'other' })).toBe(legacy);
  });

  it('changes nothing when the key forbids attribution', () => {
    const pinned = { ...base, allow: { user: false, tags: false } };
    expect(refinePrincipal(pinned, { project: 'other', user: 'u', tags: ['t'] })).toBe(pinned);
  });

  it('never replaces a user the key binds', () => {
    const bound = { ...base, userId: 'alice' };
    expect(refinePrincipal(bound, { user: 'mallory' }).userId).toBe('alice');
  });

  it('drops names that could pollute reports or metrics, and non-strings from hostile bodies', () => {
    const refined = refinePrincipal(base, { project: 'bad name with spaces', user: 'x'.repeat(500), tags: ['ok', '', 'no way', null as unknown as string, { a: 1 } as unknown as string] });
    expect(refined.projectId).toBe('search');
    expect(refined.userId).toBeUndefined();
    expect(refined.tags).toEqual(['team:a', 'ok']);
  });

  it('adds at most 16 tags per refinement', () => {
    const tags = Array.from({ length: 1000 }, (_, i) => `t${i}`);
    expect(refinePrincipal(base, { tags }).tags).toHaveLength(17);
  });
});

describe('parseTagsHeader', () => {
  it('splits and trims', () => {
    expect(parseTagsHeader(' a, b ,,c=d ')).toEqual(['a', 'b', 'c=d']);
    expect(parseTagsHeader(null)).toEqual([]);
  });
});
