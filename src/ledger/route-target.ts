/**
 * The route target a ledger row is reported under: the target that served it. The `route` field is a
 * short decision string on older rows, or a structured decision (an object, or its JSON) whose
 * `chosen` (or `target`) names the target. Rollups and raw reports both group by this one value, so
 * they agree. '' when the row has no route.
 */
export function routeTarget(route: string | { chosen?: unknown; target?: unknown; summary?: unknown } | null | undefined): string {
  if (!route) return '';
  let decision: unknown = route;
  if (typeof route === 'string') {
    if (!route.startsWith('{')) return route;
    try {
      decision = JSON.parse(route) as unknown;
    } catch {
      return route;
    }
  }
  if (!decision || typeof decision !== 'object') return '';
  const { chosen, target, summary } = decision as { chosen?: unknown; target?: unknown; summary?: unknown };
  for (const value of [chosen, target, summary]) if (typeof value === 'string') return value;
  return '';
}
