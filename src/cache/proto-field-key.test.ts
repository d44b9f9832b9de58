import { describe, expect, it } from 'vitest';
import { exactCacheKey, requestCacheKey } from './canonical-key.ts';
import { clientSemanticView } from './semantic/request-view.ts';

/** A parsed body's `__proto__` is an own data field like any other: it is part of every cache key. */
describe('a body-level __proto__ field in the cache key', () => {
  const parse = (text: string) => JSON.parse(text) as Record<string, unknown>;

  it('the exact key (completions, embeddings) tells bodies apart by it, object or primitive', () => {
    const bare = parse('{"model":"m","prompt":"hi"}');
    const keys = ['{"a":1}', '{"a":2}', '"x"', '"y"', '7', 'null'].map((proto) => exactCacheKey('ns', 'openai', 'completion', parse(`{"model":"m","prompt":"hi","__proto__":${proto}}`)));
    expect(new Set([...keys, exactCacheKey('ns', 'openai', 'completion', bare)]).size).toBe(keys.length + 1);
    // The same body keys the same.
    expect(exactCacheKey('ns', 'openai', 'embedding', parse('{"model":"e","input":"x","__proto__":{"a":1}}'))).toBe(exactCacheKey('ns', 'openai', 'embedding', parse('{"model":"e","input":"x","__proto__":{"a":1}}')));
  });

  it('the neutral key (chat) does too', () => {
    const chat = (proto: string) => requestCacheKey('ns', 'openai', 'chat', parse(`{"model":"m","messages":[{"role":"user","content":"hi"}],"__proto__":${proto}}`));
    expect(chat('{"a":1}')).not.toBe(chat('{"a":2}'));
    expect(chat('"x"')).not.toBe(chat('"y"'));
  });
});

describe('a body-level __proto__ field in the semantic context digest', () => {
  it('tells completions bodies apart by it', () => {
    const digest = (proto: string) => clientSemanticView('openai', 'completion', JSON.parse(`{"model":"m","prompt":"Say hi","__proto__":${proto}}`) as Record<string, unknown>)?.contextDigest;
    expect(digest('{"a":1}')).toBeDefined();
    expect(digest('{"a":1}')).not.toBe(digest('{"a":2}'));
    expect(digest('"x"')).not.toBe(digest('"y"'));
  });
});
