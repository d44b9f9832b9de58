/**
 * CPU time per request, side by side, for a machine too busy for req/s to mean anything: the bare
 * hono+undici floor, Tollgate plain and Tollgate with every feature on (and, with
 * BENCH_BASELINE=<checkout>, that checkout's two Tollgates), all started at once against one mock.
 * Each round sends every subject the same fixed number of requests (JSON, then streamed) at a few
 * connections and reads the server process's user+system CPU time from /proc before and after;
 * rounds alternate between subjects, so slow and quiet moments of the machine fall on all of them,
 * and the median over rounds is reported. A subject is first left to settle (start-up work done,
 * its CPU quiet) and warmed up.
 *
 * `npm run bench:overhead-cpu` (BENCH_ROUNDS=5 BENCH_REQUESTS=1500 BENCH_CONNECTIONS=8 to change it; BENCH_ONLY=tollgate+all
 * to run the floor and that subject only; BENCH_COMPILED=<outDir>/src/cli/main.js to add the compiled build).
 *
 * BENCH_PROCESSES=<n> (default 1) runs each subject in n processes of its own and pools their rounds:
 * two processes of the very same checkout, side by side in one run, differed by 15-25% in their medians
 * here (placement, JIT and heap layout), more than most changes being measured, so one process against
 * one process cannot tell a few percent apart. The spread of the per-process medians is printed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { freePort, startChild, type Child } from './lib/children.ts';
import { cpuMs } from './lib/process-cpu.ts';
import { bodies, startTollgate } from './lib/tollgate-server.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1500);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const BASELINE = process.env.BENCH_BASELINE ? path.resolve(process.env.BENCH_BASELINE) : undefined;
/** A compiled CLI entry (`<outDir>/src/cli/main.js`): adds `tollgate+all@compiled`, the same sources run by plain node instead of tsx. */
const COMPILED = process.env.BENCH_COMPILED ? path.resolve(process.env.BENCH_COMPILED) : undefined;
const ONLY = process.env.BENCH_ONLY?.split(',').filter(Boolean);
const PROCESSES = Math.max(1, Number(process.env.BENCH_PROCESSES ?? 1));
const tsxArgs = ['--import', 'tsx'];

interface Running {
  name: string;
  child: Child;
  json: () => string;
  stream: () => string;
  samples: { json: number[]; stream: number[] };
}

async function main(): Promise<void> {
  const mockPort = await freePort();
  const mock = await startChild({ name: 'mock', command: process.execPath, args: [...tsxArgs, 'src/mock-provider/main.ts', '--port', String(mockPort), '--no-record'], port: mockPort, readyPath: '/v1/models' });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tollgate-bench-cpu-'));
  const running: Running[] = [];
  try {
    const starts: Array<readonly [string, () => Promise<Child>]> = [
      [
        'bare-proxy',
        async () => {
          const port = await freePort();
          return startChild({ name: 'bare-proxy', command: process.execPath, args: [...tsxArgs, 'bench/lib/bare-proxy.ts', String(port), mock.url], port, readyPath: '/' });
        },
      ],
      ...(BASELINE ? ([['tollgate@baseline', () => startTollgate(mock.url, path.join(dataDir, 'plain-baseline'), { cwd: BASELINE })]] as const) : []),
      ['tollgate', () => startTollgate(mock.url, path.join(dataDir, 'plain'))],
      ...(BASELINE ? ([['tollgate+all@baseline', () => startTollgate(mock.url, path.join(dataDir, 'all-baseline'), { all: true, cwd: BASELINE })]] as const) : []),
      ['tollgate+all', () => startTollgate(mock.url, path.join(dataDir, 'all'), { all: true })],
      ...(COMPILED ? ([['tollgate+all@compiled', () => startTollgate(mock.url, path.join(dataDir, 'all-compiled'), { all: true, compiled: COMPILED })]] as const) : []),
    ];
    for (const [name, start] of starts.filter(([name]) => !ONLY || name === 'bare-proxy' || ONLY.some((only) => name === only || name.startsWith(`${only}@`)))) {
      for (let copy = 0; copy < PROCESSES; copy += 1) {
        const child = await start();
        running.push({ name, child, json: bodies(false), stream: bodies(true), samples: { json: [], stream: [] } });
        await settle(child);
        await load(child.url, bodies(false), 300);
        await load(child.url, bodies(true), 300);
        console.error(`${name}${PROCESSES > 1 ? ` #${copy + 1}` : ''}: ready`);
      }
    }
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const subject of running) {
        for (const kind of ['json', 'stream'] as const) {
          const pid = subject.child.process.pid;
          const before = cpuMs(pid);
          const ok = await load(subject.child.url, subject[kind], REQUESTS);
          const after = cpuMs(pid);
          if (before !== null && after !== null && ok > 0) subject.samples[kind].push(((after - before) * 1000) / ok);
        }
      }
      console.error(`round ${round + 1}/${ROUNDS}: ${running.map((subject) => `${subject.name} ${Math.round(subject.samples.json.at(-1) ?? Number.NaN)}/${Math.round(subject.samples.stream.at(-1) ?? Number.NaN)}`).join(', ')}`);
    }
  } finally {
    for (const subject of running) await subject.child.stop();
    await mock.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  report(running);
}

/** Waits (at most a minute) until the process's CPU over a second is under 5%: start-up work (compiling, indexes) is done. */
async function settle(child: Child): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const before = cpuMs(child.process.pid);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const after = cpuMs(child.process.pid);
    if (before === null || after === null || after - before < 50) return;
  }
}

/** Sends `requests` requests at CONNECTIONS connections; returns how many answered 2xx (throws on any other answer). */
async function load(url: string, body: () => string, requests: number): Promise<number> {
  const result = await autocannon({
    url: `${url}/v1/chat/completions`,
    connections: CONNECTIONS,
    amount: requests,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: (request: Record<string, unknown>) => ({ ...request, body: body() }) }],
  });
  if (result.non2xx + result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return result['2xx'];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function report(running: Running[]): void {
  // A subject's processes pooled: every round of each (BENCH_PROCESSES).
  const names = [...new Set(running.map((subject) => subject.name))];
  const pooled = (name: string, kind: 'json' | 'stream') => running.filter((subject) => subject.name === name).flatMap((subject) => subject.samples[kind]);
  const perProcess = (name: string, kind: 'json' | 'stream') => running.filter((subject) => subject.name === name).map((subject) => Math.round(median(subject.samples[kind])));
  const floorJson = names.includes('bare-proxy') ? median(pooled('bare-proxy', 'json')) : Number.NaN;
  const floorStream = names.includes('bare-proxy') ? median(pooled('bare-proxy', 'stream')) : Number.NaN;
  const processes = PROCESSES > 1 ? `, ${PROCESSES} processes per subject pooled` : '';
  console.log(`\nserver CPU µs per request, median of ${ROUNDS} rounds x ${REQUESTS} requests at ${CONNECTIONS} connections${processes} (min–max in brackets)`);
  console.log('subject                  json µs               stream µs             json/floor  stream/floor');
  const summary: Record<string, { json: number; stream: number }> = {};
  for (const name of names) {
    const jsonSamples = pooled(name, 'json');
    const streamSamples = pooled(name, 'stream');
    const json = median(jsonSamples);
    const stream = median(streamSamples);
    summary[name] = { json: Math.round(json), stream: Math.round(stream) };
    const range = (values: number[]) => `[${Math.round(Math.min(...values))}–${Math.round(Math.max(...values))}]`;
    const spread = PROCESSES > 1 ? `   per process: json ${perProcess(name, 'json').join('/')}, stream ${perProcess(name, 'stream').join('/')}` : '';
    console.log(
      `${name.padEnd(24)} ${String(Math.round(json)).padStart(6)} ${range(jsonSamples).padEnd(14)} ${String(Math.round(stream)).padStart(6)} ${range(streamSamples).padEnd(14)} ${(json / floorJson).toFixed(2).padStart(10)} ${(stream / floorStream).toFixed(2).padStart(13)}${spread}`,
    );
  }
  const vsBaseline = Object.fromEntries(
    ['tollgate', 'tollgate+all']
      .filter((name) => summary[name] && summary[`${name}@baseline`])
      .map((name) => [name, { json: round(summary[name]!.json / summary[`${name}@baseline`]!.json), stream: round(summary[name]!.stream / summary[`${name}@baseline`]!.stream) }]),
  );
  console.log(JSON.stringify({ bench: 'overhead-cpu', rounds: ROUNDS, requests: REQUESTS, connections: CONNECTIONS, processes: PROCESSES, cpuUsPerRequest: summary, vsBaseline }));
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

await main();
