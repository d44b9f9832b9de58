import type { NanoUsd } from '../domain/money.ts';
import { parseDecimal } from './decimal.ts';

/**
 * Fixed costs as budget lines: monthly lines (proxies, monitoring, hosting: `pricing.fixedCosts`)
 * and hourly lines (local nodes: `pricing.localNodes`, billed by the hour whether busy or idle).
 *
 * Rounding, chosen so that accruals add up exactly: a line's CUMULATIVE accrual since
 * 1970-01-01T00:00Z is floored to the nano-dollar, and the accrual over [from, to) is the
 * difference of two cumulative values. Hence accrued(a, b) + accrued(b, c) === accrued(a, c) for
 * any split (a budget summed per day equals the budget for the month), a whole calendar month
 * accrues exactly `monthlyUsd`, and any interval is within one nano-dollar of the exact pro rata.
 * Months are UTC calendar months, pro rata by their real length (28, 29, 30 or 31 days).
 */
export interface CostLine {
  name?: string | undefined;
  project?: string | undefined;
  /** A fixed amount per calendar month. */
  monthlyUsd?: number | undefined;
  /** A fixed amount per hour (a local node). */
  hourlyUsd?: number | undefined;
}

const MS_PER_HOUR = 3_600_000n;

/** What the lines accrue over [fromMs, toMs), in nano-USD; 0 for an empty or reversed interval. */
export function accruedNanoUsd(lines: readonly CostLine[], fromMs: number, toMs: number): NanoUsd {
  if (!(toMs > fromMs)) return 0;
  let total = 0n;
  for (const line of lines) total += cumulativeNano(line, toMs) - cumulativeNano(line, fromMs);
  return Number(total);
}

/** The lines' total for the UTC calendar month containing `atMs` (hourly lines × the hours in that month). */
export function monthlyTotalNanoUsd(lines: readonly CostLine[], atMs: number): NanoUsd {
  const { startMs, endMs } = utcMonthAround(atMs);
  return accruedNanoUsd(lines, startMs, endMs);
}

/** The UTC calendar month containing `atMs`, as [startMs, endMs). */
export function utcMonthAround(atMs: number): { startMs: number; endMs: number } {
  const date = new Date(atMs);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  return { startMs: Date.UTC(year, month, 1), endMs: Date.UTC(year, month + 1, 1) };
}

/** Floor of a line's exact accrual from the epoch to `timeMs` (negative before the epoch). */
function cumulativeNano(line: CostLine, timeMs: number): bigint {
  let total = 0n;
  if (line.monthlyUsd !== undefined && line.monthlyUsd > 0) {
    const monthly = parseDecimal(line.monthlyUsd);
    const { startMs, endMs } = utcMonthAround(timeMs);
    const start = new Date(startMs);
    const monthsSinceEpoch = BigInt((start.getUTCFullYear() - 1970) * 12 + start.getUTCMonth());
    const length = BigInt(endMs - startMs);
    const elapsed = BigInt(Math.floor(timeMs) - startMs);
    // monthly × (whole months + elapsed / length), in nano-USD, over 10^decimals.
    total += floorDiv(monthly.coefficient * 1_000_000_000n * (monthsSinceEpoch * length + elapsed), 10n ** BigInt(monthly.decimals) * length);
  }
  if (line.hourlyUsd !== undefined && line.hourlyUsd > 0) {
    const hourly = parseDecimal(line.hourlyUsd);
    total += floorDiv(hourly.coefficient * 1_000_000_000n * BigInt(Math.floor(timeMs)), 10n ** BigInt(hourly.decimals) * MS_PER_HOUR);
  }
  return total;
}

/** Floor division for a positive divisor (BigInt `/` truncates toward zero). */
function floorDiv(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  return numerator % denominator !== 0n && numerator < 0n ? quotient - 1n : quotient;
}
