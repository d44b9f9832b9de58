import { describe, expect, it } from 'vitest';
import { discountFactor } from './overrides.ts';
import { formatDecimal, parseDecimal, roundHalfUpBig, roundHalfUpNumber, shiftDecimal } from './decimal.ts';

describe('parseDecimal', () => {
  it.each<[number | string, bigint, number]>([
    [0.01875, 1875n, 5],
    ['0.01875', 1875n, 5],
    [3, 3n, 0],
    [1e-7, 1n, 7],
    ['7E-7', 7n, 7],
    [1.5e21, 1_500_000_000_000_000_000_000n, 0],
    ['2.50', 25n, 1],
    ['.5', 5n, 1],
    [0.18000000000000002, 18000000000000002n, 17],
  ])('%s', (input, coefficient, decimals) => {
    expect(parseDecimal(input)).toEqual({ coefficient, decimals });
  });

  it('rejects negative, non-finite and malformed amounts', () => {
    expect(() => parseDecimal(-1)).toThrow(RangeError);
    expect(() => parseDecimal(Number.NaN)).toThrow(RangeError);
    expect(() => parseDecimal('1,5')).toThrow(RangeError);
    expect(() => parseDecimal('')).toThrow(RangeError);
  });

  it('shifts and formats exactly', () => {
    expect(formatDecimal(shiftDecimal(parseDecimal(0.005), 3))).toBe('5');
    expect(formatDecimal(shiftDecimal(parseDecimal('0.0000123'), 3))).toBe('0.0123');
    expect(formatDecimal(parseDecimal(12))).toBe('12');
  });
});

describe('rounding', () => {
  it('rounds half up in BigInt and in doubles alike', () => {
    for (const [numerator, denominator] of [[75, 2], [74, 4], [5, 10], [4, 10], [0, 7], [9_007_199_254_740_990, 3]] as const) {
      const expected = roundHalfUpBig(BigInt(numerator), BigInt(denominator));
      expect(roundHalfUpNumber(numerator, denominator)).toBe(Number(expected));
    }
    expect(roundHalfUpBig(75n, 2n)).toBe(38n);
  });

  it('turns a discount percentage into an exact factor', () => {
    expect(discountFactor(12.5)).toEqual({ numerator: 875n, denominator: 1000n });
    expect(discountFactor(100)).toEqual({ numerator: 0n, denominator: 100n });
  });
});
