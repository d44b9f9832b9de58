import { describe, expect, it } from 'vitest';
import { parseTagsHeader, refinePrincipal, type Principal } from './principal.ts';

const base: Principal = { keyId: 'k1', orgId: 'acme', projectId: 'search', userId: undefined, tags: ['team:a'], allow: { project: true, user: true, tags: true } };

describe('refinePrincipal', () => {
  it('applies hints the key allows', () => {
    const refined = refinePrincipal(base, { project: 'chat', user: 'u-42', tags: ['feature:x', 'team:a'] });
    expect(refined).toMatchObject({ projectId: 'chat', userId: 'u-42', tags: ['team:a', 'feature:x'] });
  });

  it('keeps a pinned project when the key forbids re-attribution', () => {
    const pinned = { ...base, allow: { project: false, user: false, tags: false } };
    expect(refinePrincipal(pinned, { project: 'other', user: 'u', tags: ['t'] })).toBe(pinned);
  });

  it('drops names that could pollute reports or metrics', () => {
    const refined = refinePrincipal(base, { project: 'bad name with spaces', user: 'x'.repeat(500), tags: ['ok', '', 'no way'] });
    expect(refined.projectId).toBe('search');
    expect(refined.userId).toBeUndefined();
    expect(refined.tags).toEqual(['team:a', 'ok']);
  });
});

describe('parseTagsHeader', () => {
  it('splits and trims', () => {
    expect(parseTagsHeader(' a, b ,,c=d ')).toEqual(['a', 'b', 'c=d']);
    expect(parseTagsHeader(null)).toEqual([]);
  });
});
