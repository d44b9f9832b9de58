import type { Operation } from '../domain/request.ts';

export type CacheMode = 'off' | 'read' | 'write' | 'refresh' | 'readwrite';

/**
 * Whether and how a request uses the exact cache. By default only deterministic requests
 * (temperature 0, or embeddings) read and write; `x-tollgate-cache: read|write|refresh|on` opts a
 * request in explicitly, `off` (or `Cache-Control: no-store`) bypasses, `Cache-Control: no-cache`
 * refreshes (skip the read, write the fresh answer). Pure.
 */
export function cacheMode(operation: Operation, body: Record<string, unknown>, headers: Record<string, string | undefined>): CacheMode {
  if (operation === 'models') return 'off';
  const header = headers['x-tollgate-cache']?.toLowerCase();
  const control = headers['cache-control']?.toLowerCase() ?? '';
  if (header === 'off' || control.includes('no-store')) return 'off';
  if (header === 'refresh' || control.includes('no-cache')) return 'refresh';
  if (header === 'read') return 'read';
  if (header === 'write') return 'write';
  if (header === 'on') return 'readwrite';
  if (operation === 'embedding') return 'readwrite';
  const n = body.n;
  if (typeof n === 'number' && n > 1) return 'off';
  return body.temperature === 0 ? 'readwrite' : 'off';
}

export const reads = (mode: CacheMode) => mode === 'read' || mode === 'readwrite';
export const writes = (mode: CacheMode) => mode === 'write' || mode === 'readwrite' || mode === 'refresh';
