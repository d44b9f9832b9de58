/**
 * Money is counted in integer nano-dollars (1 USD = 1e9 nano-USD), never in floats.
 * A JS number holds any integer up to 2^53 exactly: about $9 million in nano-dollars, which is far
 * above any single request and any per-process counter. Intermediate products (tokens x price) can
 * exceed that, so the pricing code multiplies in BigInt and rounds once.
 */
export type NanoUsd = number;

export const NANO_PER_USD = 1_000_000_000;
const NANO_PER_USD_BIG = 1_000_000_000n;

/** Parses a decimal USD amount ("0.0033991", "12", 1.25) into exact nano-dollars, rounding half away from zero past 9 decimals. */
export function usdToNano(usd: number | string): NanoUsd {
  const text = typeof usd === 'number' ? numberToPlainString(usd) : usd.trim();
  const match = /^(-)?(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) {
    throw new RangeError(`not a decimal amount: ${JSON.stringify(usd)}`);
  }
  const negative = match[1] === '-';
  const whole = BigInt(match[2] || '0');
  const fraction = (match[3] ?? '').padEnd(10, '0');
  let nano = whole * NANO_PER_USD_BIG + BigInt(fraction.slice(0, 9));
  if (fraction.charCodeAt(9) - 48 >= 5) nano += 1n;
  return toSafeNumber(negative ? -nano : nano);
}

/** Exact decimal string of a nano-dollar amount, e.g. 1234 -> "0.000001234". */
export function formatUsd(nano: NanoUsd): string {
  const negative = nano < 0;
  const abs = BigInt(Math.abs(nano));
  const whole = abs / NANO_PER_USD_BIG;
  const fraction = (abs % NANO_PER_USD_BIG).toString().padStart(9, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** For display only: a float number of dollars. Never sum these. */
export function nanoToUsd(nano: NanoUsd): number {
  return nano / NANO_PER_USD;
}

/** Rounds a BigInt numerator/denominator to the nearest integer, half away from zero. */
export function divideRounded(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const quotient = (n + d / 2n) / d;
  return negative ? -quotient : quotient;
}

export function toSafeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`amount out of safe integer range: ${value}`);
  }
  return Number(value);
}

/** Plain (non-exponent) decimal text for a JS number, so 1e-7 parses as 0.0000001. */
function numberToPlainString(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite amount: ${value}`);
  const text = String(value);
  if (!/e/i.test(text)) return text;
  return value.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
}
