/** Small readers for untrusted JSON values (request bodies and directives). */

/** A parsed JSON object. */
export type JsonObject = Record<string, unknown>;

/** The value as a JSON object (not null, not an array), or undefined. */
export function asRecord(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

/** The value as an array, or undefined. */
export function asArray(value: unknown): readonly unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

/** The value as a string, or undefined. */
export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A finite number, or undefined. */
export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Approximate token count of a text: a quarter of its characters, rounded up. */
export function tokensOf(characters: number): number {
  return Math.ceil(characters / 4);
}
