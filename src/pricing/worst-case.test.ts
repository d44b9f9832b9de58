import { describe, expect, it } from 'vitest';
import { GatewayError } from '../domain/errors.ts';
import { choicesOf } from './worst-case.ts';

describe('choicesOf', () => {
  it('counts the answers a request asks for: n on chat and completions, the larger of n and best_of on completions', () => {
    expect(choicesOf({}, 'chat')).toBe(1);
    expect(choicesOf({ n: 3, best_of: 5 }, 'completion')).toBe(5);
    expect(choicesOf({ n: 3, best_of: 5 }, 'chat')).toBe(3);
    expect(choicesOf({ n: 3 }, 'messages')).toBe(1);
  });

  it('refuses what is not an integer from 1 to 128, naming the field', () => {
    expect(() => choicesOf({ n: '9' }, 'chat')).toThrow(GatewayError);
    expect(() => choicesOf({ best_of: 129 }, 'completion')).toThrow(/best_of/);
  });
});
