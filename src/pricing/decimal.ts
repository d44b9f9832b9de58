/**
 * Exact decimal and rational helpers for pricing. Catalogue prices are decimals ($0.01875 per
 * million tokens); a float multiply would turn that into 0.018750000000000003, so every price is
 * read into an integer coefficient and a power of ten, and products are formed in BigInt.
 */

/** value = coefficient / 10^decimals, with decimals >= 0. */
export interface Decimal {
  coefficient: bigint;
  decimals: number;
}

/** A non-negative exact fraction. */
export interface Ratio {
  numerator: bigint;
  denominator: bigint;
}

const DECIMAL_TEXT = /^(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i;

/**
 * Reads a non-negative decimal exactly. Numbers go through their shortest round-trip text
 * (`String(0.01875)` is "0.01875"), which is the text the JSON catalogue was written with.
 * Throws RangeError on negative, non-finite or malformed input: a price must be a plain amount.
 */
export function parseDecimal(value: number | string): Decimal {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError(`not a finite amount: ${value}`);
  const text = typeof value === 'number' ? String(value) : value.trim();
  const match = DECIMAL_TEXT.exec(text);
  const whole = match?.[1] ?? '';
  const fraction = match?.[2] ?? '';
  if (!match || (whole === '' && fraction === '')) throw new RangeError(`not a non-negative decimal: ${JSON.stringify(value)}`);
  const exponent = Number(match[3] ?? '0');
  let coefficient = BigInt(whole + fraction);
  let decimals = fraction.length - exponent;
  if (decimals < 0) {
    coefficient *= 10n ** BigInt(-decimals);
    decimals = 0;
  }
  return trimDecimal({ coefficient, decimals });
}

/** Multiplies a decimal by 10^places exactly (`shiftDecimal(0.005, 3)` is 5). */
export function shiftDecimal(value: Decimal, places: number): Decimal {
  const decimals = value.decimals - places;
  if (decimals >= 0) return trimDecimal({ coefficient: value.coefficient, decimals });
  return { coefficient: value.coefficient * 10n ** BigInt(-decimals), decimals: 0 };
}

/** Exact text of a decimal, e.g. {1875n, 5} -> "0.01875". */
export function formatDecimal(value: Decimal): string {
  const digits = value.coefficient.toString().padStart(value.decimals + 1, '0');
  if (value.decimals === 0) return digits;
  const whole = digits.slice(0, digits.length - value.decimals);
  const fraction = digits.slice(digits.length - value.decimals).replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole;
}

export function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

export function lcm(a: bigint, b: bigint): bigint {
  if (a === 0n || b === 0n) return 0n;
  return (a / gcd(a, b)) * b;
}

/** Reduces a fraction to lowest terms. */
export function reduceRatio(ratio: Ratio): Ratio {
  const divisor = gcd(ratio.numerator, ratio.denominator);
  if (divisor <= 1n) return ratio;
  return { numerator: ratio.numerator / divisor, denominator: ratio.denominator / divisor };
}

/** Non-negative integer division rounded half up, in BigInt. */
export function roundHalfUpBig(numerator: bigint, denominator: bigint): bigint {
  return (numerator * 2n + denominator) / (denominator * 2n);
}

/**
 * Non-negative integer division rounded half up, in doubles. Both operands must be safe
 * integers; the float quotient is only a first guess, corrected with the exact remainder.
 */
export function roundHalfUpNumber(numerator: number, denominator: number): number {
  let quotient = Math.floor(numerator / denominator);
  let remainder = numerator - quotient * denominator;
  if (remainder < 0) {
    quotient -= 1;
    remainder += denominator;
  } else if (remainder >= denominator) {
    quotient += 1;
    remainder -= denominator;
  }
  return remainder * 2 >= denominator ? quotient + 1 : quotient;
}

function trimDecimal(value: Decimal): Decimal {
  let { coefficient, decimals } = value;
  while (decimals > 0 && coefficient % 10n === 0n) {
    coefficient /= 10n;
    decimals -= 1;
  }
  return { coefficient, decimals };
}
