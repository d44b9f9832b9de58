/**
 * Proxy overhead, side by side in one run on this machine, against the same mock provider:
 *   mock (direct) · raw node:http+undici pass-through (the lower floor) · bare hono+undici
 *   pass-through (the floor the targets are set against) · Tollgate plain · Tollgate with every
 *   feature on · Tollgate with budgets (in process, and in Redis) · @portkey-ai/gateway
 *   (bench/peers, `npm run bench:setup`).
 * Each server runs in its own process, one at a time, so they never compete for the 2 cores.
 * For each: req/s at 50 connections (autocannon) and latency at 1 connection (hrtime, µs
 * resolution), for a JSON chat completion and a streamed one, and the time to the first streamed
 * byte. Added latency = p50/p99 minus the mock's own. Prints a table, the ratios the issue sets
 * targets for (vs the hono floor, vs the raw floor, vs Portkey), then one JSON line.
 *
 * Every request asks a different question (temperature 0, so the response cache takes part) and
 * every subject gets the same bodies: "all features" means budgets in process, exact + semantic
 * cache on and missing, the model an alias with a fallback, ledger and metrics on.
 *
 * `npm run bench:overhead` (BENCH_SECONDS=10 BENCH_SEQUENTIAL=2000 to change the run length;
 * BENCH_ONLY=tollgate,tollgate+all to run some subjects only: mock-direct and the floors always run;
 * BENCH_BASELINE=<checkout> adds that checkout's Tollgate, plain and with every feature on, for a before/after in one run).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { freePort, startChild, type Child } from './lib/children.ts';
import { bodies, startTollgate } from './lib/tollgate-server.ts';
import { cpuMs } from './lib/process-cpu.ts';
import { measureSequential, type LatencyResult } from './lib/sequential-latency.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 1500);
const CONNECTIONS = 50;
const root = path.resolve(import.meta.dirname, '..');
const portkeyEntry = path.join(root, 'bench/peers/node_modules/@portkey-ai/gateway/build/start-server.js');
const tsxArgs = ['--import', 'tsx'];

const ONLY = process.env.BENCH_ONLY?.split(',').filter(Boolean);
/** A checkout of an earlier Tollgate (with node_modules) to measure side by side as `tollgate@baseline` and `tollgate+all@baseline`. */
const BASELINE = process.env.BENCH_BASELINE ? path.resolve(process.env.BENCH_BASELINE) : undefined;

interface Subject {
  name: string;
  start(mockUrl: string): Promise<Child>;
  headers: (mockUrl: string) => Record<string, string>;
}

interface Row {
  name: string;
  jsonRps: number;
  streamRps: number;
  json: LatencyResult;
  stream: LatencyResult;
  errors: number;
  /** CPU time the server process spent per request under load (µs; Linux /proc): steadier than req/s on a shared machine. */
  jsonCpuUs: number | null;
  streamCpuUs: number | null;
}


async function main(): Promise<void> {
  if (!ONLY || ONLY.includes('portkey')) ensurePeers();
  const mockPort = await freePort();
  const mock = await startChild({
    name: 'mock',
    command: process.execPath,
    args: [...tsxArgs, 'src/mock-provider/main.ts', '--port', String(mockPort), '--no-record'],
    port: mockPort,
    readyPath: '/v1/models',
  });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tollgate-bench-'));
  const subjects: Subject[] = [
    { name: 'mock-direct', start: async () => mock, headers: () => ({}) },
    {
      name: 'raw-proxy',
      start: async (mockUrl) => {
        const port = await freePort();
        return startChild({ name: 'raw-proxy', command: process.execPath, args: [...tsxArgs, 'bench/lib/raw-proxy.ts', String(port), mockUrl], port, readyPath: '/' });
      },
      headers: () => ({}),
    },
    {
      name: 'bare-proxy',
      start: async (mockUrl) => {
        const port = await freePort();
        return startChild({ name: 'bare-proxy', command: process.execPath, args: [...tsxArgs, 'bench/lib/bare-proxy.ts', String(port), mockUrl], port, readyPath: '/' });
      },
      headers: () => ({}),
    },
    // A baseline runs right before its counterpart, so the two see the same machine load.
    ...(BASELINE ? [{ name: 'tollgate@baseline', start: (mockUrl: string) => startTollgate(mockUrl, path.join(dataDir, 'plain-baseline'), { cwd: BASELINE }), headers: () => ({}) }] : []),
    { name: 'tollgate', start: (mockUrl) => startTollgate(mockUrl, path.join(dataDir, 'plain')), headers: () => ({}) },
    ...(BASELINE ? [{ name: 'tollgate+all@baseline', start: (mockUrl: string) => startTollgate(mockUrl, path.join(dataDir, 'all-baseline'), { all: true, cwd: BASELINE }), headers: () => ({}) }] : []),
    { name: 'tollgate+all', start: (mockUrl) => startTollgate(mockUrl, path.join(dataDir, 'all'), { all: true }), headers: () => ({}) },
    { name: 'tollgate+budgets', start: (mockUrl) => startTollgate(mockUrl, path.join(dataDir, 'budgets'), { budgets: true }), headers: () => ({}) },
    ...(existsSync('/usr/bin/redis-server')
      ? [{ name: 'tollgate+budgets+redis', start: (mockUrl: string) => startTollgate(mockUrl, path.join(dataDir, 'redis'), { budgets: true, redis: true }), headers: () => ({}) }]
      : []),
    {
      name: 'portkey',
      start: async () => {
        const port = await freePort();
        return startChild({ name: 'portkey', command: process.execPath, args: [portkeyEntry, `--port=${port}`, '--headless'], port, readyPath: '/' });
      },
      headers: (mockUrl) => ({ 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `${mockUrl}/v1`, authorization: 'Bearer bench' }),
    },
  ];

  const rows: Row[] = [];
  const always = new Set(['mock-direct', 'raw-proxy', 'bare-proxy', ...(BASELINE ? ['tollgate@baseline', 'tollgate+all@baseline'] : [])]);
  try {
    for (const subject of subjects.filter((candidate) => !ONLY || always.has(candidate.name) || ONLY.includes(candidate.name))) {
      const child = await subject.start(mock.url);
      try {
        rows.push(await measure(subject.name, child.url, subject.headers(mock.url), child.process.pid));
        console.error(`measured ${subject.name}`);
      } finally {
        if (child !== mock) await child.stop();
      }
    }
  } finally {
    await mock.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  report(rows);
}

async function measure(name: string, url: string, headers: Record<string, string>, pid: number | undefined): Promise<Row> {
  const post = { method: 'POST' as const, headers: { 'content-type': 'application/json', ...headers } };
  const load = (body: () => string, duration: number) =>
    autocannon({ url: `${url}/v1/chat/completions`, connections: CONNECTIONS, duration, ...post, requests: [{ setupRequest: (request: Record<string, unknown>) => ({ ...request, body: body() }) }] });
  const jsonBody = bodies(false);
  const streamBody = bodies(true);
  // Warm up connections, JIT and pools before anything is timed.
  await load(jsonBody, 2);
  await load(streamBody, 1);
  let cpu = cpuMs(pid);
  const json = await load(jsonBody, SECONDS);
  const jsonCpuUs = perRequestUs(cpu, (cpu = cpuMs(pid)), json['2xx']);
  const stream = await load(streamBody, SECONDS);
  const streamCpuUs = perRequestUs(cpu, cpuMs(pid), stream['2xx']);
  const sequential = { path: '/v1/chat/completions', headers, requests: SEQUENTIAL, warmup: 200 };
  const jsonLatency = await measureSequential(url, { ...sequential, body: jsonBody });
  const streamLatency = await measureSequential(url, { ...sequential, body: streamBody, requests: Math.ceil(SEQUENTIAL / 2) });
  if (name.startsWith('tollgate')) await expectCacheMisses(name, url, jsonBody);
  const errors = json.errors + json.non2xx + json.timeouts + stream.errors + stream.non2xx + stream.timeouts;
  if (errors > 0) console.error(`${name}: ${errors} errors or non-2xx answers during load`);
  return { name, jsonRps: json.requests.average, streamRps: stream.requests.average, json: jsonLatency, stream: streamLatency, errors, jsonCpuUs, streamCpuUs };
}

function perRequestUs(before: number | null, after: number | null, requests: number): number | null {
  return before === null || after === null || requests === 0 ? null : Math.round(((after - before) * 1000) / requests);
}

/** The benchmark means a cache that is on but missing: a hit would measure the cache, not the path. */
async function expectCacheMisses(name: string, url: string, body: () => string): Promise<void> {
  const statuses: string[] = [];
  for (let index = 0; index < 5; index += 1) {
    const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body() });
    await response.arrayBuffer();
    statuses.push(response.headers.get('x-tollgate-cache') ?? 'none');
  }
  if (statuses.some((status) => status.includes('hit'))) console.error(`${name}: the cache answered a benchmark request (${statuses.join(', ')}): the numbers measure hits`);
  else console.error(`${name}: cache ${statuses[0]} (as intended)`);
}

function report(rows: Row[]): void {
  const by = Object.fromEntries(rows.map((row) => [row.name, row]));
  const mock = by['mock-direct']!;
  const bare = by['bare-proxy']!;
  const raw = by['raw-proxy']!;
  const portkey = by.portkey;
  const fmt = (n: number, digits = 0) => n.toFixed(digits).padStart(9);
  console.log(`\nproxy overhead: ${CONNECTIONS} connections x ${SECONDS}s for req/s; ${SEQUENTIAL} sequential requests for latency (ms); ttfb: first streamed byte, p50`);
  console.log('subject                  json req/s  stream req/s  json p50  json p99  +p50 json  +p99 json  stream p50  +p50 stream  +p99 stream  ttfb p50     +ttfb  cpu µs/json  cpu µs/stream');
  for (const row of rows) {
    console.log(
      `${row.name.padEnd(23)} ${fmt(row.jsonRps)}   ${fmt(row.streamRps)}   ${fmt(row.json.p50Ms, 3)} ${fmt(row.json.p99Ms, 3)}  ${fmt(row.json.p50Ms - mock.json.p50Ms, 3)}  ${fmt(row.json.p99Ms - mock.json.p99Ms, 3)}   ${fmt(row.stream.p50Ms, 3)}   ${fmt(row.stream.p50Ms - mock.stream.p50Ms, 3)}    ${fmt(row.stream.p99Ms - mock.stream.p99Ms, 3)} ${fmt(row.stream.ttfbP50Ms, 3)} ${fmt(row.stream.ttfbP50Ms - mock.stream.ttfbP50Ms, 3)}    ${fmt(row.jsonCpuUs ?? Number.NaN)}      ${fmt(row.streamCpuUs ?? Number.NaN)}`,
    );
  }
  const ratio = (a: number, b: number | undefined) => (b ? round(a / b) : null);
  const ratiosOf = (row: Row) => ({
    jsonVsHono: ratio(row.jsonRps, bare.jsonRps),
    streamVsHono: ratio(row.streamRps, bare.streamRps),
    jsonVsRaw: ratio(row.jsonRps, raw.jsonRps),
    streamVsRaw: ratio(row.streamRps, raw.streamRps),
    jsonVsPortkey: ratio(row.jsonRps, portkey?.jsonRps),
    streamVsPortkey: ratio(row.streamRps, portkey?.streamRps),
  });
  const ratioRows = rows.filter((row) => row !== mock && row !== portkey);
  console.log('\nreq/s ratios (50 connections)  json/hono  stream/hono  json/raw  stream/raw  json/portkey  stream/portkey');
  const cell = (value: number | null) => (value === null ? '        -' : fmt(value, 2));
  for (const row of ratioRows) {
    const r = ratiosOf(row);
    console.log(`${row.name.padEnd(30)} ${cell(r.jsonVsHono)}    ${cell(r.streamVsHono)}  ${cell(r.jsonVsRaw)}   ${cell(r.streamVsRaw)}     ${cell(r.jsonVsPortkey)}       ${cell(r.streamVsPortkey)}`);
  }
  const added = (row: Row) => ({
    jsonP50: round(row.json.p50Ms - mock.json.p50Ms),
    jsonP99: round(row.json.p99Ms - mock.json.p99Ms),
    streamP50: round(row.stream.p50Ms - mock.stream.p50Ms),
    streamP99: round(row.stream.p99Ms - mock.stream.p99Ms),
    ttfbP50: round(row.stream.ttfbP50Ms - mock.stream.ttfbP50Ms),
  });
  // The targets, for the subject with every feature on (the plain one when it was not run).
  const subject = by['tollgate+all'] ?? by.tollgate;
  const targets = subject
    ? (() => {
        const r = ratiosOf(subject);
        const a = added(subject);
        return {
          subject: subject.name,
          jsonAtLeast85pctOfHono: r.jsonVsHono! >= 0.85,
          streamAtLeast80pctOfHono: r.streamVsHono! >= 0.8,
          addedP50JsonAtMost03ms: a.jsonP50 <= 0.3,
          addedP50StreamAtMost04ms: a.streamP50 <= 0.4,
          addedP99AtMost2ms: a.jsonP99 <= 2 && a.streamP99 <= 2,
          ttfbWithin1msOfUpstream: a.ttfbP50 <= 1,
          portkeyAtLeast8x: portkey ? r.jsonVsPortkey! >= 8 && r.streamVsPortkey! >= 8 : null,
        };
      })()
    : null;
  const tollgate = by.tollgate;
  const summary = {
    bench: 'overhead',
    seconds: SECONDS,
    connections: CONNECTIONS,
    rps: Object.fromEntries(rows.map((row) => [row.name, { json: Math.round(row.jsonRps), stream: Math.round(row.streamRps) }])),
    addedLatencyMs: Object.fromEntries(rows.filter((row) => row !== mock).map((row) => [row.name, added(row)])),
    ttfbP50Ms: Object.fromEntries(rows.map((row) => [row.name, round(row.stream.ttfbP50Ms)])),
    cpuUsPerRequest: Object.fromEntries(rows.map((row) => [row.name, { json: row.jsonCpuUs, stream: row.streamCpuUs }])),
    ratios: Object.fromEntries(ratioRows.map((row) => [row.name, ratiosOf(row)])),
    floors: { honoVsRawJson: ratio(bare.jsonRps, raw.jsonRps), honoVsRawStream: ratio(bare.streamRps, raw.streamRps), honoVsPortkeyJson: ratio(bare.jsonRps, portkey?.jsonRps), honoVsPortkeyStream: ratio(bare.streamRps, portkey?.streamRps) },
    budgets:
      tollgate && by['tollgate+budgets']
        ? {
            jsonRpsVsOff: round(by['tollgate+budgets']!.jsonRps / tollgate.jsonRps),
            streamRpsVsOff: round(by['tollgate+budgets']!.streamRps / tollgate.streamRps),
            redisAddedP99Ms: by['tollgate+budgets+redis'] ? round(by['tollgate+budgets+redis']!.json.p99Ms - mock.json.p99Ms) : null,
            redisJsonRps: by['tollgate+budgets+redis'] ? Math.round(by['tollgate+budgets+redis']!.jsonRps) : null,
          }
        : null,
    // Now over the baseline checkout, per subject (CPU: below 1 is less work per request).
    vsBaseline: Object.fromEntries(
      ['tollgate', 'tollgate+all']
        .filter((name) => by[name] && by[`${name}@baseline`])
        .map((name) => {
          const now = by[name]!;
          const before = by[`${name}@baseline`]!;
          const cpu = (a: number | null, b: number | null) => (a !== null && b !== null && b > 0 ? round(a / b) : null);
          return [name, { jsonRps: ratio(now.jsonRps, before.jsonRps), streamRps: ratio(now.streamRps, before.streamRps), jsonCpu: cpu(now.jsonCpuUs, before.jsonCpuUs), streamCpu: cpu(now.streamCpuUs, before.streamCpuUs) }];
        }),
    ),
    targets,
    errors: Object.fromEntries(rows.map((row) => [row.name, row.errors])),
  };
  console.log(JSON.stringify(summary));
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function ensurePeers(): void {
  if (existsSync(portkeyEntry)) return;
  console.error('installing benchmark peers (npm run bench:setup)…');
  execFileSync('npm', ['--prefix', path.join(root, 'bench/peers'), 'install', '--no-audit', '--no-fund'], { stdio: 'inherit' });
}

await main();
