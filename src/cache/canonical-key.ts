import { createHash } from 'node:crypto';
import type { Operation, WireFormat } from '../domain/request.ts';
import { neutralRequestView } from './neutral-request.ts';

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

/**
 * The cache key of a client request: over its neutral view when it has one (a chat request on
 * either wire: an OpenAI client and an Anthropic client asking the same of the same model share
 * it), else the wire's own key (legacy completions, embeddings). Pure.
 */
export function requestCacheKey(namespace: string, wire: WireFormat, operation: Operation, body: Record<string, unknown>): string {
  const view = neutralRequestView(wire, operation, body);
  if (!view) return exactCacheKey(namespace, wire, operation, body);
  return createHash('sha256').update(`${namespace}\u0000neutral\u0000chat\u0000`).update(canonicalJson(view)).digest('hex');
}

/**
 * Strings longer than this are keyed by a digest of their exact text instead of collapsing their
 * whitespace: a regex pass over a multi-megabyte prompt with many runs blocks the event loop for
 * seconds, a SHA-256 over it takes milliseconds. Shorter strings (nearly every prompt) keep the
 * whitespace-insensitive form, so their keys are unchanged.
 */
export const LONG_STRING_CHARS = 64 * 1024;

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value !== 'string') return JSON.stringify(value) ?? 'null';
    if (value.length > LONG_STRING_CHARS) return `"#sha256:${createHash('sha256').update(value).digest('hex')}"`;
    return JSON.stringify(value.replace(/\s+/g, ' ').trim());
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
