import { Client } from 'undici';

export interface LatencyResult {
  requests: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  /** Streams: time to the first body byte. */
  ttfbP50Ms: number;
}

/**
 * One connection, one request at a time, timed with hrtime to the microsecond (autocannon's
 * millisecond histogram is too coarse to see a 0.2 ms overhead).
 */
export async function measureSequential(url: string, options: { path: string; body: string | (() => string); headers: Record<string, string>; requests: number; warmup: number }): Promise<LatencyResult> {
  const target = new URL(url);
  const client = new Client(target.origin, { pipelining: 1 });
  const samples: number[] = [];
  const ttfb: number[] = [];
  try {
    for (let index = 0; index < options.warmup + options.requests; index += 1) {
      const start = process.hrtime.bigint();
      const response = await client.request({ method: 'POST', path: options.path, headers: { 'content-type': 'application/json', ...options.headers }, body: typeof options.body === 'string' ? options.body : options.body() });
      let first: bigint | undefined;
      for await (const _chunk of response.body) first ??= process.hrtime.bigint();
      const end = process.hrtime.bigint();
      if (response.statusCode !== 200) throw new Error(`${url}${options.path} answered ${response.statusCode}`);
      if (index >= options.warmup) {
        samples.push(Number(end - start) / 1e6);
        ttfb.push(Number((first ?? end) - start) / 1e6);
      }
    }
  } finally {
    await client.close();
  }
  return {
    requests: samples.length,
    p50Ms: percentile(samples, 0.5),
    p99Ms: percentile(samples, 0.99),
    meanMs: samples.reduce((sum, value) => sum + value, 0) / samples.length,
    ttfbP50Ms: percentile(ttfb, 0.5),
  };
}

export function percentile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
