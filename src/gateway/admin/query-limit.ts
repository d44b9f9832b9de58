/**
 * A page size from a `limit` query parameter: a whole number between 1 and `max`; missing or not
 * a number gives `fallback`. Fractions are cut down (a storage `LIMIT 1.5` is an SQLite error, a 500).
 */
export function queryLimit(text: string | undefined, fallback: number, max: number): number {
  const asked = text === undefined ? fallback : Number(text) || fallback;
  return Math.min(Math.max(Math.floor(asked), 1), max);
}
