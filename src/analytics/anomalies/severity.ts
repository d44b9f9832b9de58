import { NANO_PER_USD } from '../../domain/money.ts';
import type { AnomalyKind, Severity } from './types.ts';

/**
 * Severity from how far off the hour is (ratio to the expected) and how many dollars it puts at
 * stake, whichever is worse: a 10x jump on a small project is critical, and so is $1,000 extra.
 */
export function severityOf(kind: AnomalyKind, observed: number, expected: number, atStakeNanoUsd: number): Severity {
  const usd = Math.abs(atStakeNanoUsd) / NANO_PER_USD;
  const ratio = kind === 'new-model' || kind === 'new-spender' ? 1 : observed >= expected ? observed / Math.max(expected, 1) : expected / Math.max(observed, 1e-9);
  const byUsd: Severity = usd >= 1_000 ? 'critical' : usd >= 100 ? 'high' : usd >= 10 ? 'medium' : 'low';
  const byRatio: Severity = kind === 'outage' ? 'high' : ratio >= 10 ? 'critical' : ratio >= 4 ? 'high' : ratio >= 2 ? 'medium' : 'low';
  return worse(byUsd, byRatio);
}

const ORDER: Severity[] = ['low', 'medium', 'high', 'critical'];
export function worse(a: Severity, b: Severity): Severity {
  return ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b;
}
