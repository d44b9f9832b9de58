import { createHash } from 'node:crypto';

/** Fields that never change the answer: left out of the key. */
const IGNORED = new Set(['stream', 'stream_options', 'user', 'metadata', 'store', 'service_tier', 'prompt_cache_key', 'safety_identifier']);

/**
 * The exact-cache key of a request: SHA-256 over a canonical form of every output-relevant field
 * (object keys sorted, runs of whitespace inside strings collapsed and trimmed), scoped by a
 * namespace (the tenant, unless the operator shares one) and the wire and operation. Pure.
 */
export function exactCacheKey(namespace: string, wire: string, operation: string, body: Record<string, unknown>): string {
  const relevant: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) if (!IGNORED.has(key) && value !== undefined) relevant[key] = value;
  return createHash('sha256').update(`${namespace}\u0000${wire}\u0000${operation}\u0000`).update(canonicalJson(relevant)).digest('hex');
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'string' ? JSON.stringify(value.replace(/\s+/g, ' ').trim()) : JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
