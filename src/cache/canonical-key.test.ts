import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { canonicalJson, exactCacheKey, keyOf, LONG_STRING_CHARS, neutralMaterial, quote, requestCacheKey } from './canonical-key.ts';
import { neutralRequestView } from './neutral-request.ts';

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

describe('neutral material (read once per request)', () => {
  const bodies: Array<Record<string, unknown>> = [
    { model: 'm', temperature: 0, messages: [{ role: 'system', content: 'Be  brief' }, { role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }, { role: 'user', content: ' Hello   world ' }] },
    { model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }], tools: [{ type: 'function', function: { name: 'f', parameters: {} } }], seed: 1, zeta: 'z' },
    { model: 'm', messages: [] },
  ];
  it('gives the key and the semantic digest that canonicalising the view gives, from one reading', () => {
    for (const body of bodies) {
      const view = neutralRequestView('openai', 'chat', body)!;
      const material = neutralMaterial('openai', 'chat', body)!;
      expect(material.canonical).toBe(canonicalJson(view));
      const turns = view.turns as unknown[];
      expect(material.withoutLastTurn()).toBe(canonicalJson({ ...view, turns: turns.slice(0, -1) }));
      expect(keyOf('org:a', 'openai', 'chat', body, material)).toBe(createHash('sha256').update('org:a\u0000neutral\u0000chat\u0000').update(canonicalJson(view)).digest('hex'));
      expect(requestCacheKey('org:a', 'openai', 'chat', body)).toBe(keyOf('org:a', 'openai', 'chat', body, material));
    }
    expect(neutralMaterial('openai', 'embedding', { model: 'e', input: 'x' })).toBeUndefined();
  });
});

describe('quote', () => {
  it('is JSON.stringify for every string: quotes, backslashes, control characters, lone and paired surrogates', () => {
    const samples = ['', 'plain text', 'a "quoted" word', 'back\\slash', 'line\nbreak\ttab', '\u0000\u001f\u007f', '\ud83d', '\ude00x', 'emoji \ud83d\ude00', '\u2028\u2029', 'café ñ 中文'];
    for (const sample of samples) expect(quote(sample)).toBe(JSON.stringify(sample));
  });
});
