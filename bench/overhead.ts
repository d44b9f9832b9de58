/**
 * Proxy overhead, side by side in one run on this machine, against the same mock provider:
 *   mock (direct) · bare hono+undici pass-through (the floor) · Tollgate (metering + ledger on) ·
 *   @portkey-ai/gateway (bench/peers, `npm run bench:setup`).
 * Each server runs in its own process, one at a time, so they never compete for the 2 cores.
 * For each: req/s at 50 connections (autocannon) and latency at 1 connection (hrtime, µs
 * resolution), for a JSON chat completion and a streamed one. Added latency = p50/p99 minus the
 * mock's own. Prints a table, then one JSON line with the ratios the issue sets targets for.
 *
 * Tollgate runs three ways: plain, with two budgets checked on every request (in-process
 * counters), and with the same budgets in Redis (Debian's redis-server, when installed).
 *
 * `npm run bench:overhead` (BENCH_SECONDS=10 BENCH_SEQUENTIAL=2000 to change the run length).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { execFileSync, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { freePort, startChild, type Child } from './lib/children.ts';
import { measureSequential, type LatencyResult } from './lib/sequential-latency.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 1500);
const CONNECTIONS = 50;
const root = path.resolve(import.meta.dirname, '..');
const portkeyEntry = path.join(root, 'bench/peers/node_modules/@portkey-ai/gateway/build/start-server.js');
const tsxArgs = ['--import', 'tsx'];

const messages = [{ role: 'user', content: 'Summarise the plot of Hamlet in two sentences.' }];
const jsonBody = JSON.stringify({ model: 'gpt-4o-mini', messages });
const streamBody = JSON.stringify({ model: 'gpt-4o-mini', messages, stream: true });

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
}

async function main(): Promise<void> {
  ensurePeers();
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
      name: 'bare-proxy',
      start: async (mockUrl) => {
        const port = await freePort();
        return startChild({ name: 'bare-proxy', command: process.execPath, args: [...tsxArgs, 'bench/lib/bare-proxy.ts', String(port), mockUrl], port, readyPath: '/' });
      },
      headers: () => ({}),
    },
    { name: 'tollgate', start: (mockUrl) => startTollgate(mockUrl, path.join(dataDir, 'plain')), headers: () => ({}) },
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
  try {
    for (const subject of subjects) {
      const child = await subject.start(mock.url);
      try {
        rows.push(await measure(subject.name, child.url, subject.headers(mock.url)));
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

async function startTollgate(mockUrl: string, dataDir: string, options: { budgets?: boolean; redis?: boolean } = {}): Promise<Child> {
  mkdirSync(dataDir, { recursive: true });
  const port = await freePort();
  const configPath = path.join(dataDir, 'tollgate.yaml');
  const lines = [
    `server: { port: ${port}, host: 127.0.0.1, anonymous: { org: bench, project: bench } }`,
    `providers:`,
    `  mock: { kind: openai-compatible, baseUrl: "${mockUrl}/v1", apiKey: bench, priceProvider: openai }`,
    `models:`,
    `  gpt-4o-mini: { target: gpt-4o-mini@mock }`,
  ];
  // Two budgets on every request (global and project), large enough never to refuse: the cost measured is the check itself.
  if (options.budgets) {
    lines.push(
      'budgets:',
      '  - { id: global-month, scope: global, period: monthly, limitUsd: 1000000 }',
      '  - { id: bench-day, scope: project, org: bench, value: bench, period: daily, limitUsd: 100000 }',
    );
  }
  writeFileSync(configPath, `${lines.join('\n')}\n`);
  let redis: Child | undefined;
  if (options.redis) {
    const redisPort = await freePort();
    redis = await startRedis(redisPort);
  }
  const child = await startChild({
    name: 'tollgate',
    command: process.execPath,
    args: [...tsxArgs, 'src/cli/main.ts', 'serve', '--config', configPath],
    env: { TOLLGATE_DATA_DIR: dataDir, DATABASE_URL: '', NODE_ENV: 'production', REDIS_URL: redis ? redis.url.replace('http:', 'redis:') : '' },
    port,
    readyPath: '/healthz',
  });
  return { ...child, stop: async () => { await child.stop(); await redis?.stop(); } };
}

async function startRedis(port: number): Promise<Child> {
  const child = spawn('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () => (socket.end(), resolve(true)));
      socket.on('error', () => resolve(false));
    });
    if (ok) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    name: 'redis',
    url: `http://127.0.0.1:${port}`,
    process: child,
    stop: () => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill('SIGTERM')))),
  };
}

async function measure(name: string, url: string, headers: Record<string, string>): Promise<Row> {
  const post = { method: 'POST', headers: { 'content-type': 'application/json', ...headers } };
  // Warm up connections, JIT and pools before anything is timed.
  await autocannon({ url: `${url}/v1/chat/completions`, connections: CONNECTIONS, duration: 2, ...post, body: jsonBody });
  const json = await autocannon({ url: `${url}/v1/chat/completions`, connections: CONNECTIONS, duration: SECONDS, ...post, body: jsonBody });
  const stream = await autocannon({ url: `${url}/v1/chat/completions`, connections: CONNECTIONS, duration: SECONDS, ...post, body: streamBody });
  const sequential = { path: '/v1/chat/completions', headers, requests: SEQUENTIAL, warmup: 200 };
  const jsonLatency = await measureSequential(url, { ...sequential, body: jsonBody });
  const streamLatency = await measureSequential(url, { ...sequential, body: streamBody, requests: Math.ceil(SEQUENTIAL / 2) });
  const errors = json.errors + json.non2xx + json.timeouts + stream.errors + stream.non2xx + stream.timeouts;
  if (errors > 0) console.error(`${name}: ${errors} errors or non-2xx answers during load`);
  return { name, jsonRps: json.requests.average, streamRps: stream.requests.average, json: jsonLatency, stream: streamLatency, errors };
}

function report(rows: Row[]): void {
  const by = Object.fromEntries(rows.map((row) => [row.name, row]));
  const mock = by['mock-direct']!;
  const fmt = (n: number, digits = 0) => n.toFixed(digits).padStart(9);
  console.log(`\nproxy overhead: ${CONNECTIONS} connections x ${SECONDS}s for req/s; ${SEQUENTIAL} sequential requests for latency (ms)`);
  console.log('subject                  json req/s  stream req/s  json p50  json p99  +p50 json  +p99 json  stream p50  +p50 stream');
  for (const row of rows) {
    console.log(
      `${row.name.padEnd(23)} ${fmt(row.jsonRps)}   ${fmt(row.streamRps)}   ${fmt(row.json.p50Ms, 3)} ${fmt(row.json.p99Ms, 3)}  ${fmt(row.json.p50Ms - mock.json.p50Ms, 3)}  ${fmt(row.json.p99Ms - mock.json.p99Ms, 3)}   ${fmt(row.stream.p50Ms, 3)}   ${fmt(row.stream.p50Ms - mock.stream.p50Ms, 3)}`,
    );
  }
  const tollgate = by.tollgate!;
  const bare = by['bare-proxy']!;
  const portkey = by.portkey;
  const summary = {
    bench: 'overhead',
    seconds: SECONDS,
    connections: CONNECTIONS,
    rps: Object.fromEntries(rows.map((row) => [row.name, { json: Math.round(row.jsonRps), stream: Math.round(row.streamRps) }])),
    addedLatencyMs: Object.fromEntries(
      rows
        .filter((row) => row !== mock)
        .map((row) => [
          row.name,
          {
            jsonP50: round(row.json.p50Ms - mock.json.p50Ms),
            jsonP99: round(row.json.p99Ms - mock.json.p99Ms),
            streamP50: round(row.stream.p50Ms - mock.stream.p50Ms),
            streamP99: round(row.stream.p99Ms - mock.stream.p99Ms),
          },
        ]),
    ),
    budgets: by['tollgate+budgets']
      ? {
          jsonRpsVsOff: round(by['tollgate+budgets']!.jsonRps / tollgate.jsonRps),
          streamRpsVsOff: round(by['tollgate+budgets']!.streamRps / tollgate.streamRps),
          redisAddedP99Ms: by['tollgate+budgets+redis'] ? round(by['tollgate+budgets+redis']!.json.p99Ms - mock.json.p99Ms) : null,
          redisJsonRps: by['tollgate+budgets+redis'] ? Math.round(by['tollgate+budgets+redis']!.jsonRps) : null,
        }
      : null,
    ratios: {
      tollgateVsPortkeyJson: portkey ? round(tollgate.jsonRps / portkey.jsonRps) : null,
      tollgateVsPortkeyStream: portkey ? round(tollgate.streamRps / portkey.streamRps) : null,
      tollgateVsBareJson: round(tollgate.jsonRps / bare.jsonRps),
      tollgateVsBareStream: round(tollgate.streamRps / bare.streamRps),
    },
    targets: {
      portkeyAtLeast8x: portkey ? tollgate.jsonRps / portkey.jsonRps >= 8 && tollgate.streamRps / portkey.streamRps >= 8 : null,
      bareAtLeast70pct: tollgate.jsonRps / bare.jsonRps >= 0.7 && tollgate.streamRps / bare.streamRps >= 0.7,
      addedP50AtMost05ms: tollgate.json.p50Ms - mock.json.p50Ms <= 0.5,
    },
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
