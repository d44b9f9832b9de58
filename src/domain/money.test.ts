import { describe, expect, it } from 'vitest';
import { divideRounded, formatUsd, usdToNano } from './money.ts';

describe('usdToNano', () => {
  it.each([
    ['0.0033991', 3_399_100],
    ['12', 12_000_000_000],
    ['0.000000001', 1],
    ['0.0000000005', 1], // half rounds away from zero
    ['0.0000000004', 0],
    ['-1.5', -1_500_000_000],
    [1e-7, 100],
    [0.1 + 0.2, 300_000_000], // the float artefact 0.30000000000000004 disappears below a nano-dollar
  ])('%s USD is %i nano-USD', (input, expected) => {
    expect(usdToNano(input)).toBe(expected);
  });

  it('rejects text that is not a decimal amount', () => {
    expect(() => usdToNano('1,5')).toThrow(RangeError);
    expect(() => usdToNano('')).toThrow(RangeError);
    expect(() => usdToNano(Number.NaN)).toThrow(RangeError);
  });
});

describe('formatUsd', () => {
  it.each([
    [0, '0'],
    [1, '0.000000001'],
    [1_234_000_000, '1.234'],
    [-250_000_000, '-0.25'],
    [96_790_000_000, '96.79'],
  ])('%i nano-USD prints as %s', (nano, text) => {
    expect(formatUsd(nano)).toBe(text);
    expect(usdToNano(text)).toBe(nano);
  });
});

describe('divideRounded', () => {
  it('rounds half away from zero', () => {
    expect(divideRounded(5n, 2n)).toBe(3n);
    expect(divideRounded(-5n, 2n)).toBe(-3n);
    expect(divideRounded(4n, 3n)).toBe(1n);
  });
});
