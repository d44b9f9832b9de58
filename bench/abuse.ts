/**
 * The HTTP edge under attack (issue #10, deliverable 2): `npm run bench:abuse`.
 * Tollgate (keys required) and the mock provider run in their own processes. A well-behaved client
 * (one keep-alive connection, ~20 requests/s) measures its latency in three phases:
 *   baseline   nothing else running;
 *   attack     5 clients send 10 MB bodies in a loop (3 with content-length, 2 chunked) while two
 *              worker processes hold ABUSE_SOCKETS (20,000) sockets dribbling partial headers;
 *   near-limit the attack plus 2 clients sending valid 3.5 MB whitespace-heavy prompts (just under
 *              the 4 MiB limit: the full parse, cache-key and relay path).
 * Loopback only, bounded in time (ABUSE_SECONDS per attack phase, default 20). Prints a table and
 * one JSON line: the good client's p50/p99/max and failures per phase, the gateway's peak RSS and
 * event-loop delay, the edge-rejection counters, and the cache-key cost of a 3.5 MB body with the
 * old whitespace regex vs the bounded key.
 */
import { request, Agent } from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { exactCacheKey } from '../src/cache/canonical-key.ts';
import { startGatewayWithMock } from './lib/gateway-with-mock.ts';

const SECONDS = Number(process.env.ABUSE_SECONDS ?? 20);
const BASELINE_SECONDS = Number(process.env.ABUSE_BASELINE_SECONDS ?? 5);
const SOCKETS = Number(process.env.ABUSE_SOCKETS ?? 20_000);
const ADMIN_KEY = 'bench-abuse-admin-key-0123456789';
const root = path.resolve(import.meta.dirname, '..');

const rssMb = (pid: number): number => {
  try {
    return Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
  } catch {
    return 0;
  }
};

interface Sent {
  status: number;
  ms: number;
}

/** One POST from a chosen loopback address; resolves with the status (0 on a transport error) and the time taken. */
function post(port: number, options: { path: string; body: Buffer | string; key: string; localAddress: string; agent?: Agent; chunked?: boolean }): Promise<Sent> {
  const started = performance.now();
  return new Promise((resolve) => {
    const body = typeof options.body === 'string' ? Buffer.from(options.body) : options.body;
    const headers: Record<string, string | number> = { 'content-type': 'application/json', authorization: `Bearer ${options.key}` };
    if (!options.chunked) headers['content-length'] = body.length;
    const req = request({ host: '127.0.0.1', port, path: options.path, method: 'POST', localAddress: options.localAddress, agent: options.agent ?? false, headers }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
    });
    req.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
    if (options.chunked) {
      // Chunks of 1 MB, as a streaming uploader would send them.
      for (let offset = 0; offset < body.length; offset += 1 << 20) req.write(body.subarray(offset, offset + (1 << 20)));
      req.end();
    } else {
      req.end(body);
    }
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** The cache key as it was computed before (whitespace regex over every string, however long). */
function oldKey(body: Record<string, unknown>): string {
  const canonical = (value: unknown): string => {
    if (value === null || typeof value !== 'object') return typeof value === 'string' ? JSON.stringify(value.replace(/\s+/g, ' ').trim()) : (JSON.stringify(value) ?? 'null');
    if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  };
  return createHash('sha256').update(canonical(body)).digest('hex');
}

async function main(): Promise<void> {
  const { gateway, stop } = await startGatewayWithMock({
    name: 'abuse',
    config: (port, mockUrl) => [
      `server: { port: ${port}, host: 127.0.0.1 }`,
      'providers:',
      `  mock: { kind: openai-compatible, baseUrl: "${mockUrl}/v1", apiKey: abuse, priceProvider: openai }`,
      'models:',
      '  gpt-4o-mini: { target: gpt-4o-mini@mock }',
    ],
    env: { TOLLGATE_ADMIN_KEY: ADMIN_KEY },
  });
  const port = Number(new URL(gateway.url).port);
  const pid = gateway.process.pid!;
  const workers: ChildProcess[] = [];
  const stopFlags = { attack: false, nearLimit: false };
  try {
    const created = (await (await fetch(`${gateway.url}/api/keys`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'bench', project: 'bench' }) })).json()) as { secret: string };
    const key = created.secret;
    const metricsText = async () => (await fetch(`${gateway.url}/metrics`)).text();
    const metricValue = (text: string, name: string, labels = '') => Number(new RegExp(`^${name}${labels ? `\\{${labels}\\}` : '(?:\\{[^}]*\\})?'} ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? NaN);

    // The well-behaved client: one keep-alive connection from 127.0.0.1, a small chat request every 50 ms.
    const goodAgent = new Agent({ keepAlive: true, maxSockets: 1 });
    const smallBody = JSON.stringify({ model: 'gpt-4o-mini', max_tokens: 16, messages: [{ role: 'user', content: 'Say hello.' }] });
    const runGood = async (seconds: number) => {
      const latencies: number[] = [];
      let failures = 0;
      const until = performance.now() + seconds * 1000;
      let peakRss = 0;
      await fetch(`${gateway.url}/metrics`).then((r) => r.text()); // resets the event-loop delay histogram
      while (performance.now() < until) {
        const next = performance.now() + 50;
        const sent = await post(port, { path: '/v1/chat/completions', body: smallBody, key, localAddress: '127.0.0.1', agent: goodAgent });
        if (sent.status === 200) latencies.push(sent.ms);
        else failures += 1;
        peakRss = Math.max(peakRss, rssMb(pid));
        const wait = next - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      const metrics = await metricsText();
      latencies.sort((a, b) => a - b);
      return {
        requests: latencies.length + failures,
        failures,
        p50Ms: Math.round(percentile(latencies, 50) * 10) / 10,
        p99Ms: Math.round(percentile(latencies, 99) * 10) / 10,
        maxMs: Math.round((latencies.at(-1) ?? 0) * 10) / 10,
        peakRssMb: peakRss,
        eventLoopDelayMaxMs: Math.round(metricValue(metrics, 'tollgate_process_nodejs_eventloop_lag_max_seconds') * 1000 * 10) / 10,
        eventLoopDelayP99Ms: Math.round(metricValue(metrics, 'tollgate_process_nodejs_eventloop_lag_p99_seconds') * 1000 * 10) / 10,
      };
    };

    const baseline = await runGood(BASELINE_SECONDS);

    // 5 clients, 10 MB bodies (an unused field), in a loop: 3 declare their length, 2 stream it chunked.
    const bigBody = Buffer.from(JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], unused: 'x'.repeat(10 * 1024 * 1024) }));
    const bigStatuses = new Map<number, number>();
    const bigLoops = Array.from({ length: 5 }, async (_, index) => {
      while (!stopFlags.attack) {
        const sent = await post(port, { path: '/v1/chat/completions', body: bigBody, key, localAddress: `127.0.0.${10 + index}`, chunked: index >= 3 });
        bigStatuses.set(sent.status, (bigStatuses.get(sent.status) ?? 0) + 1);
      }
    });
    // Two worker processes (each within its own file limit) hold the dribbling sockets, from four addresses.
    const dribblerState: Array<{ open: number; opened: number; closedByServer: number; connectErrors: number }> = [];
    for (let w = 0; w < 2; w += 1) {
      const worker = spawn(process.execPath, ['--import', 'tsx', 'bench/lib/dribbler.ts', String(port), String(Math.ceil(SOCKETS / 2)), `127.0.0.${20 + 2 * w},127.0.0.${21 + 2 * w}`], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
      workers.push(worker);
      let buffered = '';
      worker.stdout!.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        const last = lines.filter(Boolean).at(-1);
        if (last) dribblerState[w] = JSON.parse(last);
      });
    }
    // Let the sockets ramp up (about 2,000/s per worker) before measuring.
    await new Promise((resolve) => setTimeout(resolve, Math.min(8_000, (SOCKETS / 4_000) * 1000 + 2_000)));
    const attack = await runGood(SECONDS);
    const dribblersAttack = dribblerState.reduce((sum, s) => ({ open: sum.open + (s?.open ?? 0), opened: sum.opened + (s?.opened ?? 0), closedByServer: sum.closedByServer + (s?.closedByServer ?? 0) }), { open: 0, opened: 0, closedByServer: 0 });

    // Plus 2 clients with valid 3.5 MB whitespace-heavy prompts (under the limit: parsed, keyed, relayed).
    const nearBody = { model: 'gpt-4o-mini', max_tokens: 16, messages: [{ role: 'user', content: 'hello world  '.repeat(270_000) }] };
    const nearText = JSON.stringify(nearBody);
    const nearStatuses = new Map<number, number>();
    const nearLoops = Array.from({ length: 2 }, async (_, index) => {
      while (!stopFlags.nearLimit) {
        const sent = await post(port, { path: '/v1/chat/completions', body: nearText, key, localAddress: `127.0.0.${16 + index}` });
        nearStatuses.set(sent.status, (nearStatuses.get(sent.status) ?? 0) + 1);
      }
    });
    const nearLimit = await runGood(SECONDS);
    stopFlags.nearLimit = true;
    stopFlags.attack = true;
    await Promise.all([...bigLoops, ...nearLoops]);

    const metrics = await metricsText();
    const rejections = Object.fromEntries([...metrics.matchAll(/^tollgate_edge_rejections_total\{reason="([^"]+)"\} ([0-9.e+]+)$/gm)].map((m) => [m[1], Number(m[2])]));
    const ledgerRows = ((await (await fetch(`${gateway.url}/api/ledger?limit=10000`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as { data: unknown[] }).data.length;

    // The cache-key cost of the 3.5 MB body, in this process: the old regex canonical form vs the bounded key.
    const timeIt = (f: () => unknown) => {
      const runs: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        const started = performance.now();
        f();
        runs.push(performance.now() - started);
      }
      return Math.round(Math.min(...runs) * 10) / 10;
    };
    const parsedNear = JSON.parse(nearText) as Record<string, unknown>;
    const keyOldMs = timeIt(() => oldKey(parsedNear));
    const keyNewMs = timeIt(() => exactCacheKey('org:bench', 'openai', 'chat', parsedNear));

    const rows = [
      ['phase', 'good requests', 'failures', 'p50 ms', 'p99 ms', 'max ms', 'gateway RSS peak MB', 'loop delay max ms'],
      ...(
        [
          ['baseline', baseline],
          ['attack', attack],
          ['attack + near-limit', nearLimit],
        ] as const
      ).map(([name, r]) => [name, r.requests, r.failures, r.p50Ms, r.p99Ms, r.maxMs, r.peakRssMb, r.eventLoopDelayMaxMs].map(String)),
    ];
    const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => String(row[column]).length)));
    for (const row of rows) console.log(row.map((cell, column) => String(cell).padEnd(widths[column]!)).join('  '));
    console.log(`10 MB senders: ${JSON.stringify(Object.fromEntries(bigStatuses))}  near-limit senders: ${JSON.stringify(Object.fromEntries(nearStatuses))}`);
    console.log(`dribbling sockets (end of attack phase): open ${dribblersAttack.open} of ${SOCKETS}, connections made ${dribblersAttack.opened}, closed by the gateway ${dribblersAttack.closedByServer}`);
    console.log(`edge rejections: ${JSON.stringify(rejections)}; ledger rows ${ledgerRows}`);
    console.log(`cache key of a ${(nearText.length / 1e6).toFixed(1)} MB whitespace-heavy body: old regex ${keyOldMs} ms, bounded ${keyNewMs} ms`);
    console.log(
      JSON.stringify({
        bench: 'abuse',
        seconds: SECONDS,
        sockets: SOCKETS,
        baseline,
        attack,
        nearLimit,
        bigSenders: Object.fromEntries(bigStatuses),
        nearLimitSenders: Object.fromEntries(nearStatuses),
        dribblers: dribblersAttack,
        edgeRejections: rejections,
        ledgerRows,
        cacheKeyMs: { oldRegex: keyOldMs, bounded: keyNewMs },
      }),
    );
  } finally {
    stopFlags.attack = true;
    stopFlags.nearLimit = true;
    for (const worker of workers) worker.kill('SIGKILL');
    await stop();
  }
}

await main();
