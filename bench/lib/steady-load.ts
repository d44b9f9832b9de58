import { Pool } from 'undici';
import { percentile } from './sequential-latency.ts';

export interface SteadyLoadResult {
  requests: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Requests actually completed per second (below the asked rate means the gateway fell behind). */
  achievedRps: number;
  /** Every successful request's latency in ms. */
  samples: number[];
}

/**
 * An open-loop load: a request every 1000/rate ms whatever the answers do (a slow answer does not
 * delay the next send, as with real clients), over a pool of keep-alive connections, each request
 * timed from its scheduled send to the end of its body with hrtime. Not saturating by design.
 */
export async function steadyLoad(url: string, options: { path: string; body: string; headers: Record<string, string>; rate: number; seconds: number }): Promise<SteadyLoadResult> {
  const pool = new Pool(new URL(url).origin, { connections: 16, pipelining: 1 });
  const samples: number[] = [];
  let errors = 0;
  const total = Math.round(options.rate * options.seconds);
  const interval = 1000 / options.rate;
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  try {
    for (let index = 0; index < total; index += 1) {
      const due = started + index * interval;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      // Timed from when it was due: a send delayed by a stalled event loop counts against the gateway (no coordinated omission).
      const dueNs = process.hrtime.bigint() - BigInt(Math.max(0, Math.round((performance.now() - due) * 1e6)));
      inFlight.push(
        (async () => {
          try {
            const response = await pool.request({ method: 'POST', path: options.path, headers: { 'content-type': 'application/json', ...options.headers }, body: options.body });
            await response.body.arrayBuffer();
            if (response.statusCode !== 200) errors += 1;
            else samples.push(Number(process.hrtime.bigint() - dueNs) / 1e6);
          } catch {
            errors += 1;
          }
        })(),
      );
    }
    await Promise.all(inFlight);
  } finally {
    await pool.close();
  }
  const elapsed = (performance.now() - started) / 1000;
  return {
    requests: samples.length, errors, p50Ms: percentile(samples, 0.5), p99Ms: percentile(samples, 0.99), maxMs: Math.max(...samples),
    achievedRps: Math.round((samples.length / elapsed) * 10) / 10, samples,
  };
}
