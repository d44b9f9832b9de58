/**
 * The route target a ledger row is reported under: the `route` column is either a short decision
 * string (older rows) or a structured JSON decision with a `target`; rollups and raw reports both
 * group by this one value, so they agree. '' when the row has no route.
 */
export function routeTarget(route: string | null): string {
  if (!route) return '';
  if (route.startsWith('{')) {
    try {
      const parsed = JSON.parse(route) as unknown;
      const target = parsed && typeof parsed === 'object' ? (parsed as { target?: unknown }).target : undefined;
      return typeof target === 'string' ? target : '';
    } catch {
      return route;
    }
  }
  return route;
}
