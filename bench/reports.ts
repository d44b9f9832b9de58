/**
 * Reports at scale: `npm run bench:reports` (BENCH_ROWS=1000000 to scale down from 10 million).
 *
 * 1. Builds a ledger of BENCH_ROWS rows over 35 days from real token counts (Azure LLM inference
 *    2023 conversation and code traces, Mooncake conversation trace: ../shared/data) with a
 *    deterministic mix of 3 orgs, 24 projects, 400 users (Zipf-like), a key per user, 6 models on 3
 *    providers, cache statuses, routes and tags, written through the store's own `append` (the real
 *    rollup path) in big transactions.
 * 2. Times a 30-day report by project x day and a top-10 users report (`runCostReport`, served by
 *    the hourly rollups) against the same grouping over the raw rows (the store's raw path, chosen by
 *    an unaligned bound), on SQLite and on PostgreSQL (a throwaway cluster like the tests', or
 *    TOLLGATE_BENCH_DATABASE_URL).
 * 3. Starts a gateway on the SQLite ledger (mock upstream) and measures the p50/p99 of sequential
 *    proxied chat calls alone, then while the two reports and /api/cache/stats run back to back.
 * Prints one JSON object. BENCH_PG=0 skips PostgreSQL; BENCH_LATENCY_REQUESTS sets the sample size.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseCostReportQuery } from '../src/analytics/reports/cost-report-query.ts';
import { runCostReport } from '../src/analytics/reports/run-cost-report.ts';
import type { LedgerRecord } from '../src/ledger/record.ts';
import type { LedgerStore } from '../src/ledger/store.ts';
import { openStorage } from '../src/storage/open-storage.ts';
import { freshDatabase } from '../test/support/fresh-database.ts';
import { startHarness } from '../test/support/harness.ts';
import { ledgerRecord, seededRandom } from '../test/support/ledger-records.ts';
import { measureSequential, type LatencyResult } from './lib/sequential-latency.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = path.join(root, '../shared/data');
const ROWS = Number(process.env.BENCH_ROWS ?? 10_000_000);
const LATENCY_REQUESTS = Number(process.env.BENCH_LATENCY_REQUESTS ?? 1_500);
const DAY = 86_400_000;
const START = Date.parse('2026-10-01T00:00:00Z');
const SPAN = 35 * DAY;
const REPORT_TO = new Date(START + SPAN).toISOString();
const REPORT_FROM = new Date(START + SPAN - 30 * DAY).toISOString();
const BATCH = 20_000;

/** Token pairs from the real traces (input, output). */
function tracePairs(): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  for (const name of ['AzureLLMInferenceTrace_conv.csv', 'AzureLLMInferenceTrace_code.csv']) {
    const file = path.join(dataDir, 'azure-llm-inference-2023', name);
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const [, input, output] = line.split(',');
      if (input && output) pairs.push([Number(input), Number(output)]);
    }
  }
  const mooncake = path.join(dataDir, 'mooncake-traces', 'conversation_trace.jsonl');
  if (existsSync(mooncake)) {
    for (const line of readFileSync(mooncake, 'utf8').split('\n')) {
      if (!line) continue;
      const row = JSON.parse(line) as { input_length: number; output_length: number };
      pairs.push([row.input_length, row.output_length]);
    }
  }
  if (pairs.length === 0) throw new Error(`no traces under ${dataDir}: the bench needs ../shared/data`);
  return pairs;
}

// Per-million-token prices in nano-dollars per token (input, output, cache read).
const MODELS = [
  { model: 'gpt-4o-mini', provider: 'openai', input: 150, output: 600, read: 75 },
  { model: 'gpt-4o', provider: 'openai', input: 2_500, output: 10_000, read: 1_250 },
  { model: 'claude-3-5-haiku', provider: 'anthropic', input: 800, output: 4_000, read: 80 },
  { model: 'claude-sonnet-4', provider: 'anthropic', input: 3_000, output: 15_000, read: 300 },
  { model: 'llama3-70b', provider: 'local', input: 0, output: 0, read: 0 },
  { model: 'mistral-large', provider: 'mistral', input: 2_000, output: 6_000, read: 0 },
];

/** Rows in arrival order, deterministic. A user has one project, one key and two favourite models. */
function* makeRecords(count: number, pairs: Array<[number, number]>): Generator<LedgerRecord[]> {
  const random = seededRandom(13);
  const users = Array.from({ length: 400 }, (_, index) => ({
    user: `user-${index}`,
    key: `key_${index}`,
    org: `org-${index % 3}`,
    project: `project-${index % 24}`,
    models: [index % MODELS.length, (index * 7 + 3) % MODELS.length],
    cached: index % 24 < 8,
    route: index % 24 < 12 ? 'cheap-first' : null,
  }));
  let batch: LedgerRecord[] = [];
  for (let index = 0; index < count; index += 1) {
    // A daily cycle: more traffic in working hours.
    const base = START + Math.floor((index * SPAN) / count);
    const user = users[Math.min(users.length - 1, Math.floor(random() ** 2.2 * users.length))]!;
    const spec = MODELS[user.models[random() < 0.8 ? 0 : 1]!]!;
    const [input, output] = pairs[Math.floor(random() * pairs.length)]!;
    const cacheStatus = user.cached ? (random() < 0.2 ? 'hit' : 'miss') : 'bypass';
    const cacheRead = spec.read && random() < 0.3 ? Math.floor(input * 0.4) : 0;
    const failed = random() < 0.01;
    const cost = failed || cacheStatus === 'hit' ? 0 : (input - cacheRead) * spec.input + cacheRead * spec.read + output * spec.output;
    batch.push(
      ledgerRecord({
        id: `r${index}`, timeMs: base, orgId: user.org, projectId: user.project, userId: user.user, keyId: user.key,
        tags: index % 17 === 0 ? ['batch'] : [], requestedModel: spec.model, servedModel: spec.model, provider: spec.provider,
        inputTokens: input, cacheReadTokens: cacheRead, outputTokens: output, inputCostNanoUsd: cost, outputCostNanoUsd: 0, costNanoUsd: cost,
        priced: spec.provider !== 'mistral' || random() < 0.9, latencyMs: 200 + Math.floor(output * 12 * random()), status: failed ? 502 : 200,
        errorCode: failed ? 'upstream_error' : null, cacheStatus, savedNanoUsd: cacheStatus === 'hit' ? input * spec.input + output * spec.output : 0,
        route: user.route ? { summary: user.route, chosen: spec.model } : null,
      }),
    );
    if (batch.length === BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

async function fill(store: LedgerStore, pairs: Array<[number, number]>): Promise<number> {
  const started = performance.now();
  let done = 0;
  for (const batch of makeRecords(ROWS, pairs)) {
    await store.append(batch);
    done += batch.length;
    if (done % 1_000_000 === 0) process.stderr.write(`  ${store.backend}: ${done} rows\n`);
  }
  return Math.round(ROWS / ((performance.now() - started) / 1000));
}

async function timed<T>(fn: () => Promise<T>, runs = 3): Promise<{ ms: number; result: T }> {
  let best = Number.POSITIVE_INFINITY;
  let result!: T;
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    result = await fn();
    best = Math.min(best, performance.now() - started);
  }
  return { ms: Math.round(best), result };
}

/** The two reports over the rollups, and the same groupings over the raw rows (1 ms past an hour forces the raw path). */
async function reportTimings(store: LedgerStore): Promise<Record<string, number>> {
  const now = START + SPAN;
  const projectDay = parseCostReportQuery({ by: 'project,day', from: REPORT_FROM, to: REPORT_TO }, now);
  const topUsers = parseCostReportQuery({ by: 'user', top: '10', from: REPORT_FROM, to: REPORT_TO }, now);
  const a = await timed(() => runCostReport(store, projectDay));
  const b = await timed(() => runCostReport(store, topUsers));
  const rawFilter = { fromMs: Date.parse(REPORT_FROM) + 1, toMs: Date.parse(REPORT_TO) };
  const rawA = await timed(() => store.summarize(['project', 'day'], rawFilter), 1);
  const rawB = await timed(() => store.summarize(['user'], rawFilter), 1);
  const total = (rows: Array<{ costNanoUsd: number }>) => rows.reduce((sum, row) => sum + BigInt(row.costNanoUsd), 0n);
  // The raw path includes rows in the first millisecond, which it leaves out: none sit exactly there but the first.
  if (a.result.rows.length !== rawA.result.length) throw new Error(`project x day: ${a.result.rows.length} rollup rows, ${rawA.result.length} raw`);
  if (BigInt(b.result.totals.costNanoUsd) - total(rawB.result) < 0n) throw new Error('top users: the raw total exceeds the rollup total');
  return {
    projectDayReportMs: a.ms, projectDayRawMs: rawA.ms, topUsersReportMs: b.ms, topUsersRawMs: rawB.ms,
    projectDayRows: a.result.rows.length, reportTotalUsd: Number(a.result.totals.costUsd),
  };
}

async function latencyUnderReports(dir: string): Promise<Record<string, number | string>> {
  const h = await startHarness({ dataDir: dir });
  try {
    const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], max_tokens: 16 });
    const sequential = { path: '/v1/chat/completions', headers: { authorization: 'Bearer bench' }, body, warmup: 200, requests: LATENCY_REQUESTS };
    // The gateway runs in this process: its event loop's longest stall tells whether a report blocked it.
    const loopDelay = monitorEventLoopDelay({ resolution: 1 });
    loopDelay.enable();
    const quiet: LatencyResult = await measureSequential(h.url, sequential);
    const quietLoopMaxMs = loopDelay.max / 1e6;
    loopDelay.reset();
    let stop = false;
    let reports = 0;
    const paths = [
      `/api/cost/report?by=project,day&from=${REPORT_FROM}&to=${REPORT_TO}`,
      `/api/cost/report?by=user&top=10&from=${REPORT_FROM}&to=${REPORT_TO}`,
      `/api/cost/report?by=model,week&tz=Europe/Paris&from=${REPORT_FROM}&to=${REPORT_TO}`,
      '/api/cache/stats',
    ];
    const loop = (async () => {
      while (!stop) {
        const response = await h.admin(paths[reports % paths.length]!);
        if (response.status !== 200) throw new Error(`${paths[reports % paths.length]} answered ${response.status}: ${await response.text()}`);
        await response.arrayBuffer();
        reports += 1;
      }
    })();
    const busy = await measureSequential(h.url, sequential);
    const busyLoopMaxMs = loopDelay.max / 1e6;
    loopDelay.disable();
    stop = true;
    await loop;
    return {
      quietP50Ms: round(quiet.p50Ms), quietP99Ms: round(quiet.p99Ms), underReportsP50Ms: round(busy.p50Ms), underReportsP99Ms: round(busy.p99Ms),
      p99AddedMs: round(busy.p99Ms - quiet.p99Ms), reportsServedMeanwhile: reports, quietEventLoopMaxMs: round(quietLoopMaxMs),
      underReportsEventLoopMaxMs: round(busyLoopMaxMs),
    };
  } finally {
    await h.close();
  }
}

const round = (value: number) => Math.round(value * 1000) / 1000;

async function main(): Promise<void> {
  const pairs = tracePairs();
  const result: Record<string, unknown> = { rows: ROWS, tracePairs: pairs.length, days: 35, reportRange: `${REPORT_FROM}..${REPORT_TO}` };
  const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-bench-reports-'));
  try {
    const storage = await openStorage({ dataDir: dir });
    const sqlite: Record<string, unknown> = { appendRowsPerSec: await fill(storage.ledger, pairs) };
    Object.assign(sqlite, await reportTimings(storage.ledger));
    await storage.close();
    sqlite.latency = await latencyUnderReports(dir);
    result.sqlite = sqlite;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  if (process.env.BENCH_PG !== '0') {
    let url = process.env.TOLLGATE_BENCH_DATABASE_URL;
    const state = path.join(tmpdir(), `tollgate-bench-pg-${process.pid}`);
    if (!url) url = execFileSync('bash', [path.join(root, 'scripts/ci/start-postgres.sh'), state], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    try {
      const database = await freshDatabase(url);
      try {
        const storage = await openStorage({ dataDir: dir, databaseUrl: database.url });
        const postgres: Record<string, unknown> = { appendRowsPerSec: await fill(storage.ledger, pairs) };
        Object.assign(postgres, await reportTimings(storage.ledger));
        await storage.close();
        result.postgres = postgres;
      } finally {
        await database.drop();
      }
    } finally {
      if (!process.env.TOLLGATE_BENCH_DATABASE_URL) execFileSync('bash', [path.join(root, 'scripts/ci/stop-postgres.sh'), state], { stdio: 'ignore' });
    }
  }
  console.log(JSON.stringify(result, null, 2));
}

await main();
