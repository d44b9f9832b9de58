import type { ClientSignal } from '../domain/client-signal.ts';
import { Pool, errors as undiciErrors } from 'undici';
import type { ProviderConfig } from '../config/schema.ts';
import { GatewayError } from '../domain/errors.ts';
import type { UpstreamRequest } from '../providers/types.ts';
import { DeadlineSweeper } from './deadlines.ts';

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as it arrives; must be consumed or `dump()`ed. */
  body: AsyncIterable<Buffer>;
  text(): Promise<string>;
  dump(): Promise<void>;
}

export interface UpstreamClient {
  send(provider: ProviderConfig, request: UpstreamRequest, signal?: ClientSignal): Promise<UpstreamResponse>;
  close(): Promise<void>;
}

/**
 * Upstream HTTP over undici Pools, one per origin: keep-alive connections and no fetch/web-stream
 * overhead (global fetch is 4x slower here, see notes/deps.md). Network failures become retryable
 * GatewayErrors; the upstream credential never appears in an error.
 */
export function createUpstreamClient(): UpstreamClient {
  const pools = new Map<string, Pool>();
  const deadlines = new DeadlineSweeper();

  function poolFor(provider: ProviderConfig, origin: string): Pool {
    const key = `${origin}|${provider.connections}`;
    let pool = pools.get(key);
    if (!pool) {
      pool = new Pool(origin, {
        connections: provider.connections,
        pipelining: 1,
        keepAliveTimeout: 30_000,
        connect: { timeout: 10_000 },
      });
      pools.set(key, pool);
    }
    return pool;
  }

  return {
    async send(provider, request, signal) {
      const base = baseOf(provider);
      const path = `${base.prefix}${request.path}${base.search}`;
      const pool = poolFor(provider, base.origin);
      const started = Date.now();
      // undici's own timers (first byte within headersTimeoutMs, then no gap over timeoutMs between
      // body chunks): no AbortSignal.timeout/any per request, which cost more than the rest of the call.
      try {
        const response = await pool.request({
          method: request.method,
          path,
          headers: request.headers,
          body: request.body,
          // undici takes any EventTarget-like signal (it calls addEventListener/removeEventListener and reads aborted/reason).
          signal: signal as AbortSignal | undefined,
          headersTimeout: provider.headersTimeoutMs,
          bodyTimeout: provider.timeoutMs,
        });
        return {
          status: response.statusCode,
          headers: response.headers,
          body: response.body,
          // A whole (non-streamed) answer must arrive within totalTimeoutMs of the request, however
          // steadily it trickles (timeoutMs only bounds the gap between chunks).
          async text() {
            const done = deadlines.watch(started + provider.totalTimeoutMs, () => response.body.destroy(new DeadlineExceeded()));
            try {
              return await response.body.text();
            } finally {
              done();
            }
          },
          dump() {
            return response.body.dump();
          },
        };
      } catch (error) {
        throw toUpstreamError(error, false, signal?.aborted ?? false);
      }
    },
    async close() {
      deadlines.close();
      await Promise.all([...pools.values()].map((pool) => pool.close()));
      pools.clear();
    },
  };
}

/** A provider's base URL, parsed once per provider config (not per request). */
const bases = new WeakMap<ProviderConfig, { origin: string; prefix: string; search: string }>();
function baseOf(provider: ProviderConfig): { origin: string; prefix: string; search: string } {
  let base = bases.get(provider);
  if (!base) {
    const url = new URL(provider.baseUrl);
    base = { origin: url.origin, prefix: url.pathname.replace(/\/+$/, ''), search: url.search };
    bases.set(provider, base);
  }
  return base;
}

/** Classifies a transport failure (also used for errors while reading a body). */
export function toUpstreamError(error: unknown, timedOut: boolean, clientAborted: boolean): GatewayError {
  if (error instanceof GatewayError) return error;
  if (clientAborted) return new GatewayError('client_closed', 'client closed the request', { cause: error });
  if (
    timedOut ||
    error instanceof DeadlineExceeded ||
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError ||
    error instanceof undiciErrors.ConnectTimeoutError
  ) {
    return new GatewayError('upstream_timeout', 'the upstream did not answer in time', { retryable: true, cause: error });
  }
  const code = (error as { code?: string } | undefined)?.code ?? '';
  const message = code ? `the upstream connection failed (${code})` : 'the upstream connection failed';
  return new GatewayError('upstream_unavailable', message, { retryable: true, cause: error });
}

/** A whole answer took longer than the provider's `totalTimeoutMs`. */
class DeadlineExceeded extends Error {
  constructor() {
    super('the upstream answer exceeded its total deadline');
  }
}
