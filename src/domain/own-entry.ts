/**
 * A configuration entry looked up by a name that may come from a client: only the record's own
 * properties count, so `constructor`, `__proto__` or `toString` never resolve to Object.prototype.
 */
export function ownEntry<T>(record: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(record, name) ? record[name] : undefined;
}
