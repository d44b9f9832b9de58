/**
 * Lays `overrides` over `base`, matching names case-insensitively so a configured `Authorization`
 * or `HTTP-Referer` replaces the default instead of being sent twice. Names are lower-cased.
 */
export function mergeHeaders(base: Record<string, string>, overrides: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) out[name.toLowerCase()] = value;
  if (overrides) for (const [name, value] of Object.entries(overrides)) out[name.toLowerCase()] = value;
  return out;
}
