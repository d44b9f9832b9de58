/** Tolerant readers for upstream JSON: providers add, drop and null fields at will. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export function readCount(record: Record<string, unknown> | undefined, ...path: string[]): number | undefined {
  let current: unknown = record;
  for (const key of path) {
    const next = asRecord(current);
    if (!next) return undefined;
    current = next[key];
  }
  return typeof current === 'number' && Number.isFinite(current) && current >= 0 ? current : undefined;
}
