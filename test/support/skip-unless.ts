import { describe } from 'vitest';

/** Marks a suite skipped for want of something; the skip reporter lists every such suite and why. */
export const SKIP_MARKER = '[skipped: ';

/** Parses the reason back out of a suite name marked by `skipUnless` (undefined: not marked). */
export function skipReason(suiteName: string): { name: string; reason: string } | undefined {
  const at = suiteName.lastIndexOf(SKIP_MARKER);
  if (at < 0 || !suiteName.endsWith(']')) return undefined;
  return { name: suiteName.slice(0, at).trimEnd(), reason: suiteName.slice(at + SKIP_MARKER.length, -1) };
}

/**
 * `describe` when `condition` holds; otherwise the suite is skipped and its name carries `reason`,
 * so the run ends with a list of every suite that did not run and why (instead of `describe.skipIf`,
 * which skips silently):
 *
 *   skipUnless(redisAvailable, NO_REDIS)('budgets across a Redis outage', () => { … });
 */
export function skipUnless(condition: boolean, reason: string): (name: string, body: () => void) => void {
  return (name, body) => (condition ? describe(name, body) : describe.skip(`${name} ${SKIP_MARKER}${reason}]`, body));
}

/** Several requirements at once: the first unmet one names the reason. */
export function firstUnmet(...requirements: [boolean, string][]): [boolean, string] {
  return requirements.find(([met]) => !met) ?? [true, ''];
}
