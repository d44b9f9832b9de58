import { describe, expect, it } from 'vitest';
import { canonicalJson, exactCacheKey, LONG_STRING_CHARS } from './canonical-key.ts';

describe('canonical cache key', () => {
  it('short strings stay whitespace-insensitive', () => {
    const a = exactCacheKey('ns', 'openai', 'chat', { model: 'm', messages: [{ role: 'user', content: '  hello   world \n' }] });
    const b = exactCacheKey('ns', 'openai', 'chat', { model: 'm', messages: [{ role: 'user', content: 'hello world' }] });
    expect(a).toBe(b);
  });

  it('a multi-megabyte string is keyed by a digest of its text, not copied into the canonical form', () => {
    const long = 'hello world  '.repeat(300_000);
    const canonical = canonicalJson({ content: long });
    expect(canonical.length).toBeLessThan(200);
    expect(canonical).toMatch(/#sha256:[0-9a-f]{64}/);
    const other = `${long.slice(0, -1)}x`;
    expect(exactCacheKey('ns', 'openai', 'chat', { content: long })).not.toBe(exactCacheKey('ns', 'openai', 'chat', { content: other }));
    expect(exactCacheKey('ns', 'openai', 'chat', { content: long })).toBe(exactCacheKey('ns', 'openai', 'chat', { content: `${long}` }));
    expect('x'.repeat(LONG_STRING_CHARS)).toHaveLength(LONG_STRING_CHARS);
    expect(canonicalJson('x'.repeat(LONG_STRING_CHARS))).toHaveLength(LONG_STRING_CHARS + 2);
  });
});
