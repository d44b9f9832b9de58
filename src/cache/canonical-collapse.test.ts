import { describe, expect, it } from 'vitest';
import { isCollapsed } from './canonical-key.ts';

describe('isCollapsed', () => {
  it('agrees with the regex collapse for every UTF-16 code unit, alone and between letters', () => {
    for (let code = 0; code < 0x10000; code += 1) {
      const ch = String.fromCharCode(code);
      for (const s of [ch, `a${ch}b`, `a${ch}`, `${ch}a`, `a ${ch}b`]) expect(isCollapsed(s), `U+${code.toString(16)} in ${JSON.stringify(s)}`).toBe(s.replace(/\s+/g, ' ').trim() === s);
    }
  });

  it('passes single inner spaces, not runs or ends', () => {
    expect(isCollapsed('')).toBe(true);
    expect(isCollapsed('hello world')).toBe(true);
    expect(isCollapsed('hello  world')).toBe(false);
    expect(isCollapsed(' hello')).toBe(false);
    expect(isCollapsed('hello\nworld')).toBe(false);
  });
});
