import { describe, expect, it } from 'vitest';
import { nestingDepthExceeds, safeParseJson } from './safe-parse-json.ts';

describe('safeParseJson', () => {
  it('refuses nesting deeper than the limit before parsing, without throwing', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const result = safeParseJson(deep, { maxDepth: 64 });
    expect(result).toMatchObject({ ok: false, tooDeep: true });
    expect(safeParseJson(`${'{"a":'.repeat(65)}1${'}'.repeat(65)}`, { maxDepth: 64 }).ok).toBe(false);
    expect(safeParseJson(`${'{"a":'.repeat(64)}1${'}'.repeat(64)}`, { maxDepth: 64 }).ok).toBe(true);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(nestingDepthExceeds(JSON.stringify({ text: '[[[[[[[[[[{{{{{{{{ \\" [[[[[[[' }), 3)).toBe(false);
    expect(nestingDepthExceeds('{"a":"\\"","b":[[[[1]]]]}', 3)).toBe(true);
  });

  it('reports malformed JSON as an error, not an exception', () => {
    expect(safeParseJson('{"a":', { maxDepth: 64 }).ok).toBe(false);
  });
});

describe('nestingDepthExceeds over long strings', () => {
  it('skips escaped quotes and backslash runs correctly', () => {
    expect(nestingDepthExceeds(JSON.stringify({ a: 'x\\\\', b: [[1]] }), 2)).toBe(true);
    expect(nestingDepthExceeds(JSON.stringify({ a: 'x\\\\"[[[[', b: 1 }), 2)).toBe(false);
    expect(nestingDepthExceeds(JSON.stringify({ a: 'x'.repeat(1_000_000) + '"[[[[[' }), 2)).toBe(false);
  });
});
