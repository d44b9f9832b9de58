/**
 * Reports at scale: `npm run bench:reports` (BENCH_ROWS=1000000 to scale down from 10 million).
 *
 * 1. Builds a ledger of BENCH_ROWS rows over 35 days from real token counts (bench/lib/report-ledger.ts)
 *    on SQLite and on PostgreSQL, in bulk (bench/lib/bulk-*.ts: raw rows by prepared INSERTs in big
 *    transactions / COPY, rollup rows from the writer's own rollup functions), cached under
 *    BENCH_CACHE_DIR (default /tmp/tollgate-bench-reports-cache) by row count and generator version so
 *    a re-run skips the build. Each run first builds BENCH_CHECK_ROWS rows both through the store's own
 *    `append` and in bulk and asserts the ledger and every rollup table are equal.
 * 2. Times a 30-day report by project x day and a top-10 users report (`runCostReport`, served by the
 *    rollups) against the same grouping over the raw rows (the store's raw path, chosen by a bound 1 ms
 *    past the hour; no row sits on that millisecond, so both select the same rows and the results are
 *    compared exactly). A raw query is capped at BENCH_RAW_TIMEOUT_S (SQLite: a child process killed;
 *    PostgreSQL: statement_timeout) and printed as "> N s".
 * 3. Starts a gateway on each ledger (mock upstream) and measures the latency of a steady open-loop
 *    proxied load (BENCH_LOAD_RPS for BENCH_LOAD_SECONDS per round) alone and while the reports and
 *    /api/cache/stats run back to back through the admin API, alternating quiet and busy rounds
 *    (BENCH_LOAD_ROUNDS each) so drift in the machine's load hits both alike. The admin client runs on its
 *    own thread (reading bodies is not the gateway's work). Since latency on a loaded machine is mostly
 *    the machine, it also prints the gateway thread's CPU (/proc/self/task) per round and, without load,
 *    per admin call over BENCH_REPORT_CPU_RUNS calls, the thread's idle rate taken off (and, as an upper bound, not).
 * Prints one JSON line. BENCH_PG=0 skips PostgreSQL, BENCH_SQLITE=0 SQLite; BENCH_BUILD_ONLY=1 only builds the ledgers.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import pg from 'pg';
import { parseCostReportQuery } from '../src/analytics/reports/cost-report-query.ts';
import { runCostReport } from '../src/analytics/reports/run-cost-report.ts';
import type { CostReport } from '../src/analytics/reports/cost-report.ts';
import type { LedgerDimension } from '../src/ledger/record.ts';
import type { LedgerFilter, LedgerStore, SpendRow } from '../src/ledger/store.ts';
import { openStorage } from '../src/storage/open-storage.ts';
import { createPostgresLedgerStore } from '../src/storage/postgres/ledger-store.ts';
import { freshDatabase } from '../test/support/fresh-database.ts';
import { ADMIN_KEY, startHarness } from '../test/support/harness.ts';
import { bulkLoadPostgres } from './lib/bulk-postgres.ts';
import { bulkLoadSqlite } from './lib/bulk-sqlite.ts';
import { databaseUrl, startCluster } from './lib/pg-cluster.ts';
import { DAY_MS, GENERATOR_VERSION, LEDGER_DAYS, LEDGER_END, ledgerRows, tracePairs } from './lib/report-ledger.ts';
import { percentile } from './lib/sequential-latency.ts';
import { steadyLoad } from './lib/steady-load.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = path.join(root, '../shared/data');
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const ROWS = env('BENCH_ROWS', 10_000_000);
const CHECK_ROWS = env('BENCH_CHECK_ROWS', 30_000);
const RAW_TIMEOUT_S = env('BENCH_RAW_TIMEOUT_S', 120);
const LOAD_RPS = env('BENCH_LOAD_RPS', 50);
const LOAD_SECONDS = env('BENCH_LOAD_SECONDS', 10);
const LOAD_ROUNDS = env('BENCH_LOAD_ROUNDS', 6);
/** Calls of each admin path, one after another without load, whose main-thread CPU is averaged. */
const REPORT_CPU_RUNS = env('BENCH_REPORT_CPU_RUNS', 20);
/** Build (or find) the cached ledgers and stop: lets the two builds run apart from the timed part. */
const BUILD_ONLY = process.env.BENCH_BUILD_ONLY === '1';
const CACHE_DIR = process.env.BENCH_CACHE_DIR ?? path.join(tmpdir(), 'tollgate-bench-reports-cache');
const CACHE_KEY = `${ROWS}-v${GENERATOR_VERSION}`;
const REPORT_TO = new Date(LEDGER_END).toISOString();
const REPORT_FROM = new Date(LEDGER_END - 30 * DAY_MS).toISOString();
const ROLLUP_TABLES = ['ledger_hourly', 'ledger_daily', 'ledger_hourly_narrow', 'ledger_daily_narrow', 'ledger_hourly_tags'] as const;

const round = (value: number, places = 3) => Math.round(value * 10 ** places) / 10 ** places;
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const log = (message: string) => process.stderr.write(`[bench:reports ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
const progress = (label: string) => (done: number) => {
  if (done % 1_000_000 === 0) log(`${label}: ${done} rows`);
};

// ---------------------------------------------------------------------------------------------
// Equality of the bulk build with the ledger writer's own path, on a small sample.

async function appendThroughStore(store: LedgerStore, pairs: Array<[number, number]>): Promise<void> {
  let batch = [];
  for (const record of ledgerRows(CHECK_ROWS, pairs)) {
    batch.push(record);
    if (batch.length === 5_000) {
      await store.append(batch);
      batch = [];
    }
  }
  await store.append(batch);
}

async function checkSqliteBulk(pairs: Array<[number, number]>): Promise<Record<string, number>> {
  const viaStore = mkdtempSync(path.join(tmpdir(), 'tollgate-bench-reports-store-'));
  const viaBulk = mkdtempSync(path.join(tmpdir(), 'tollgate-bench-reports-bulk-'));
  try {
    const storage = await openStorage({ dataDir: viaStore });
    await appendThroughStore(storage.ledger, pairs);
    await storage.close();
    bulkLoadSqlite(viaBulk, ledgerRows(CHECK_ROWS, pairs));
    const a = new Database(path.join(viaStore, 'tollgate.db'), { readonly: true });
    const b = new Database(path.join(viaBulk, 'tollgate.db'), { readonly: true });
    const counts: Record<string, number> = {};
    for (const table of ['ledger', ...ROLLUP_TABLES]) {
      const columns = (a.prepare(`SELECT name FROM pragma_table_info('${table}')`).all() as Array<{ name: string }>).map((column) => column.name);
      const sql = `SELECT ${columns.join(', ')} FROM ${table} ORDER BY ${columns.join(', ')}`;
      const left = a.prepare(sql).raw().all();
      const right = b.prepare(sql).raw().all();
      if (JSON.stringify(left) !== JSON.stringify(right)) throw new Error(`sqlite: ${table} built in bulk differs from the writer's (${left.length} vs ${right.length} rows)`);
      counts[table] = left.length;
    }
    a.close();
    b.close();
    return counts;
  } finally {
    rmSync(viaStore, { recursive: true, force: true });
    rmSync(viaBulk, { recursive: true, force: true });
  }
}

async function checkPostgresBulk(url: string, pairs: Array<[number, number]>): Promise<Record<string, number>> {
  const viaStore = await freshDatabase(url);
  const viaBulk = await freshDatabase(url);
  try {
    const storage = await openStorage({ dataDir: tmpdir(), databaseUrl: viaStore.url });
    await appendThroughStore(storage.ledger, pairs);
    await storage.close();
    await bulkLoadPostgres(viaBulk.url, ledgerRows(CHECK_ROWS, pairs));
    const counts: Record<string, number> = {};
    const a = new pg.Client({ connectionString: viaStore.url });
    const b = new pg.Client({ connectionString: viaBulk.url });
    await a.connect();
    await b.connect();
    try {
      for (const table of ['ledger', ...ROLLUP_TABLES]) {
        const { rows: columns } = await a.query<{ column_name: string }>('SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position', [table]);
        const names = columns.map((column) => column.column_name);
        // jsonb has no ordering: compare it as text.
        const sql = `SELECT ${names.map((name) => `${name}::text`).join(', ')} FROM ${table} ORDER BY ${names.map((name) => `${name}::text`).join(', ')}`;
        const left = (await a.query({ text: sql, rowMode: 'array' })).rows;
        const right = (await b.query({ text: sql, rowMode: 'array' })).rows;
        if (JSON.stringify(left) !== JSON.stringify(right)) throw new Error(`postgres: ${table} built in bulk differs from the writer's (${left.length} vs ${right.length} rows)`);
        counts[table] = left.length;
      }
    } finally {
      await a.end();
      await b.end();
    }
    return counts;
  } finally {
    await viaStore.drop();
    await viaBulk.drop();
  }
}

// ---------------------------------------------------------------------------------------------
// Report timings against the raw rows.

type RawRunner = (dimensions: LedgerDimension[], filter: LedgerFilter) => Promise<{ ms: number; rows: SpendRow[] } | null>;

async function timed<T>(fn: () => Promise<T>, runs = 3): Promise<{ firstMs: number; bestMs: number; result: T }> {
  const times: number[] = [];
  let result!: T;
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    result = await fn();
    times.push(performance.now() - started);
  }
  return { firstMs: Math.round(times[0]!), bestMs: Math.round(Math.min(...times)), result };
}

/** Raw SQLite summaries in a child process, killed at the time cap. */
function sqliteRaw(file: string): RawRunner {
  return (dimensions, filter) =>
    new Promise((resolve, reject) => {
      execFile(
        process.execPath, ['--import', 'tsx', path.join(root, 'bench/lib/raw-summary.ts'), file, JSON.stringify(dimensions), JSON.stringify(filter)],
        { cwd: root, timeout: RAW_TIMEOUT_S * 1000, killSignal: 'SIGKILL', maxBuffer: 64 << 20 },
        (error, stdout, stderr) => {
          if (error && (error as { killed?: boolean }).killed) resolve(null);
          else if (error) reject(new Error(`raw summary failed: ${stderr.slice(0, 2000) || error.message}`));
          else resolve(JSON.parse(stdout) as { ms: number; rows: SpendRow[] });
        },
      );
    });
}

/** Raw PostgreSQL summaries on a pool whose statements time out at the cap. */
function postgresRaw(url: string): { run: RawRunner; close(): Promise<void> } {
  const pool = new pg.Pool({ connectionString: url, max: 2, statement_timeout: RAW_TIMEOUT_S * 1000 });
  const store = createPostgresLedgerStore(pool);
  return {
    async run(dimensions, filter) {
      const started = performance.now();
      try {
        const rows = await store.summarize(dimensions, filter);
        return { ms: performance.now() - started, rows };
      } catch (error) {
        if ((error as { code?: string }).code === '57014') return null;
        throw error;
      }
    },
    close: () => pool.end(),
  };
}

const rawMs = (outcome: { ms: number } | null) => (outcome ? Math.round(outcome.ms) : `> ${RAW_TIMEOUT_S} s`);

/** The report's groups must be the raw rows' groups exactly (same keys, cost and requests). */
function sameAsRaw(label: string, report: CostReport, raw: SpendRow[], top: number | null): void {
  const reportRows = report.rows.map((row) => `${JSON.stringify(row.keys)}=${row.costNanoUsd}/${row.requests}`);
  let rawRows = [...raw].sort((a, b) => b.costNanoUsd - a.costNanoUsd || b.requests - a.requests);
  if (top !== null) rawRows = rawRows.slice(0, top);
  const expected = rawRows.map((row) => `${JSON.stringify(report.dimensions.length ? Object.fromEntries(Object.keys(report.rows[0]?.keys ?? {}).map((key) => [key, row.keys[key] ?? null])) : {})}=${row.costNanoUsd}/${row.requests}`);
  if (JSON.stringify([...reportRows].sort()) !== JSON.stringify([...expected].sort())) {
    throw new Error(`${label}: the report from the rollups differs from the raw rows (${reportRows.length} vs ${expected.length} groups; first ${reportRows[0]} vs ${expected[0]})`);
  }
}

async function reportTimings(store: LedgerStore, raw: RawRunner): Promise<{ timings: Record<string, unknown>; reports: CostReport[] }> {
  const now = LEDGER_END;
  const projectDay = parseCostReportQuery({ by: 'project,day', from: REPORT_FROM, to: REPORT_TO }, now);
  const topUsers = parseCostReportQuery({ by: 'user', top: '10', from: REPORT_FROM, to: REPORT_TO }, now);
  const a = await timed(() => runCostReport(store, projectDay));
  const b = await timed(() => runCostReport(store, topUsers));
  const rawFilter = { fromMs: Date.parse(REPORT_FROM) + 1, toMs: Date.parse(REPORT_TO) };
  log(`${store.backend}: reports ${a.bestMs} / ${b.bestMs} ms; raw queries (cap ${RAW_TIMEOUT_S} s)`);
  const rawA = await raw(['project', 'day'], rawFilter);
  const rawB = await raw(['user'], rawFilter);
  if (rawA) sameAsRaw('project x day', a.result, rawA.rows, null);
  if (rawB) sameAsRaw('top-10 users', b.result, rawB.rows, 10);
  return {
    timings: {
      projectDayReportMs: a.bestMs, projectDayReportFirstMs: a.firstMs, projectDayRawMs: rawMs(rawA),
      topUsersReportMs: b.bestMs, topUsersReportFirstMs: b.firstMs, topUsersRawMs: rawMs(rawB),
      projectDayRows: a.result.rows.length, reportTotalUsd: Number(a.result.totals.costUsd), reportRequests: a.result.totals.requests,
      checkedAgainstRaw: { projectDay: rawA !== null, topUsers: rawB !== null },
      topUsers: b.result.rows.map((row) => `${row.keys.user}=${row.costUsd}`),
    },
    reports: [a.result, b.result],
  };
}

// ---------------------------------------------------------------------------------------------
// Latency of proxied calls with and without reports running.

/**
 * The admin client asking for reports runs on its own thread: reading a report's body (hundreds of KB)
 * is the client's work, which in production happens on another machine, not on the gateway's thread.
 * `calls(count)` makes `count` calls over the paths in turn (Infinity: until `stop()`), answering each call's time.
 */
function adminClient(url: string, paths: string[]): { calls(count: number): Promise<number[]>; stop(): void; close(): Promise<number> } {
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
    let stop = false;
    parentPort.on('message', async (message) => {
      if (message === 'stop') { stop = true; return; }
      stop = false;
      const times = [];
      try {
        for (let call = 0; call < message.count && !stop; call += 1) {
          const path = workerData.paths[call % workerData.paths.length];
          const started = performance.now();
          const response = await fetch(workerData.url + path, { headers: { authorization: 'Bearer ' + workerData.key } });
          const body = await response.arrayBuffer();
          if (response.status !== 200) throw new Error(path + ' answered ' + response.status + ': ' + Buffer.from(body).toString().slice(0, 500));
          times.push(performance.now() - started);
        }
        parentPort.postMessage({ times });
      } catch (error) {
        parentPort.postMessage({ error: String(error && error.message || error) });
      }
    });`,
    { eval: true, workerData: { url, paths, key: ADMIN_KEY } },
  );
  return {
    calls: (count) =>
      new Promise((resolve, reject) => {
        worker.once('message', (message: { times?: number[]; error?: string }) => (message.error ? reject(new Error(message.error)) : resolve(message.times!)));
        worker.postMessage({ count });
      }),
    stop: () => worker.postMessage('stop'),
    close: () => worker.terminate(),
  };
}

async function latencyUnderReports(options: { dataDir: string; databaseUrl?: string }): Promise<Record<string, unknown>> {
  const h = await startHarness(options);
  try {
    // Every call goes to the mock upstream (no-store: neither cache answers it).
    const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], max_tokens: 16 });
    const load = { path: '/v1/chat/completions', headers: { authorization: 'Bearer bench', 'cache-control': 'no-store' }, body, rate: LOAD_RPS, seconds: LOAD_SECONDS };
    // Warm up past the gateway's start-up work (the first anomaly check runs 5 s after start).
    await steadyLoad(h.url, { ...load, seconds: 10 });
    const paths = [
      `/api/cost/report?by=project,day&from=${REPORT_FROM}&to=${REPORT_TO}`,
      `/api/cost/report?by=user&top=10&from=${REPORT_FROM}&to=${REPORT_TO}`,
      `/api/cost/report?by=model,week&tz=Europe/Paris&from=${REPORT_FROM}&to=${REPORT_TO}`,
      '/api/cache/stats',
    ];
    // The gateway runs in this process: its event loop's longest stall tells whether a report blocked it.
    const loopDelay = monitorEventLoopDelay({ resolution: 1 });
    loopDelay.enable();
    const phase = () => ({ samples: [] as number[], roundP99Ms: [] as number[], loopMaxMs: 0, load: [] as string[], errors: 0, mainCpuMs: 0, reports: 0 });
    const phases = { quiet: phase(), busy: phase() };
    const client = adminClient(h.url, paths);
    let reports = 0;
    const reportMs: number[] = [];
    for (let lap = 0; lap < LOAD_ROUNDS; lap += 1) {
      for (const phase of ['quiet', 'busy'] as const) {
        loopDelay.reset();
        const cpuBefore = mainThreadCpuMs();
        const reportsBefore = reports;
        const loop = phase === 'busy' ? client.calls(Infinity) : Promise.resolve([]);
        const result = await steadyLoad(h.url, load);
        client.stop();
        const times = await loop;
        reportMs.push(...times);
        reports += times.length;
        const cpuAfter = mainThreadCpuMs();
        if (cpuBefore !== null && cpuAfter !== null) phases[phase].mainCpuMs += cpuAfter - cpuBefore;
        phases[phase].reports += reports - reportsBefore;
        phases[phase].samples.push(...result.samples);
        phases[phase].roundP99Ms.push(round(result.p99Ms));
        phases[phase].errors += result.errors;
        phases[phase].loopMaxMs = Math.max(phases[phase].loopMaxMs, loopDelay.max / 1e6);
        phases[phase].load.push(loadavg());
        log(`latency round ${lap} ${phase}: p50 ${round3(result.p50Ms)} p99 ${round3(result.p99Ms)} ms, main thread CPU ${cpuAfter !== null && cpuBefore !== null ? Math.round(cpuAfter - cpuBefore) : '?'} ms, ${reports - reportsBefore} reports, load ${loadavg()}`);
      }
    }
    loopDelay.disable();
    await client.close();
    // Without proxied load: each admin call's CPU on the gateway's thread (the client is on its own), over REPORT_CPU_RUNS calls.
    // The gateway's own timers (key revalidation every 250 ms, gauges) use the main thread while a call waits: that idle
    // rate, measured over IDLE_S seconds without calls, is taken off in proportion to the calls' wall time.
    const IDLE_S = 5;
    const idleBefore = mainThreadCpuMs();
    await new Promise((resolve) => setTimeout(resolve, IDLE_S * 1000));
    const idleAfter = mainThreadCpuMs();
    const idleCpuMsPerS = idleBefore === null || idleAfter === null ? 0 : (idleAfter - idleBefore) / IDLE_S;
    const mainThreadCpuMsPerCall: Record<string, number | null> = {};
    // The same without the idle rate taken off: an upper bound, steadier when the idle rate itself wanders.
    const mainThreadCpuMsPerCallRaw: Record<string, number | null> = {};
    for (const url of paths) {
      const one = adminClient(h.url, [url]);
      await one.calls(1);
      const before = mainThreadCpuMs();
      const started = performance.now();
      await one.calls(REPORT_CPU_RUNS);
      const wallS = (performance.now() - started) / 1000;
      const after = mainThreadCpuMs();
      await one.close();
      mainThreadCpuMsPerCall[url.split('&from=')[0]!] = before === null || after === null ? null : round((after - before - idleCpuMsPerS * wallS) / REPORT_CPU_RUNS, 2);
      mainThreadCpuMsPerCallRaw[url.split('&from=')[0]!] = before === null || after === null ? null : round((after - before) / REPORT_CPU_RUNS, 2);
    }
    mainThreadCpuMsPerCall.idleCpuMsPerS = round(idleCpuMsPerS, 1);
    log(`main-thread CPU per admin call: ${JSON.stringify(mainThreadCpuMsPerCall)}; without the idle rate off: ${JSON.stringify(mainThreadCpuMsPerCallRaw)}`);
    const summary = (phase: (typeof phases)['quiet']) => ({
      requests: phase.samples.length, errors: phase.errors, p50Ms: round(percentile(phase.samples, 0.5)), p99Ms: round(percentile(phase.samples, 0.99)),
      maxMs: round(Math.max(...phase.samples)), eventLoopMaxMs: round(phase.loopMaxMs), loadavg: phase.load,
      // One burst of the machine's other load can own a pooled p99: the median round is steadier.
      roundP99Ms: phase.roundP99Ms, medianRoundP99Ms: round(percentile(phase.roundP99Ms, 0.5)), mainThreadCpuMs: Math.round(phase.mainCpuMs),
    });
    const quiet = summary(phases.quiet);
    const busy = summary(phases.busy);
    return {
      rps: LOAD_RPS, secondsPerRound: LOAD_SECONDS, rounds: LOAD_ROUNDS, quiet, underReports: busy, p99AddedMs: round(busy.p99Ms - quiet.p99Ms),
      medianRoundP99AddedMs: round(busy.medianRoundP99Ms - quiet.medianRoundP99Ms),
      p50AddedMs: round(busy.p50Ms - quiet.p50Ms), reportsServedMeanwhile: reports, mainThreadCpuMsPerCall, mainThreadCpuMsPerCallRaw,
      // Both phases carry the same proxied load: the extra main-thread CPU of the busy rounds is what the reports cost the event loop.
      mainThreadCpuMsPerReport: phases.busy.reports ? round((phases.busy.mainCpuMs - phases.quiet.mainCpuMs) / phases.busy.reports, 2) : null, reportP50Ms: Math.round(percentile(reportMs, 0.5)), reportMaxMs: Math.round(Math.max(...reportMs)),
    };
  } finally {
    await h.close();
  }
}
const round3 = (value: number) => round(value, 3);

/**
 * CPU time (ms) this process's main thread (the gateway's event loop, and the load generator) has
 * used: its run time in nanoseconds from /proc/self/task/<pid>/schedstat, else utime + stime from
 * /proc/self/task/<pid>/stat in clock ticks (10 ms: too coarse for a per-call figure under 1 ms).
 * Unlike latency, it does not depend on how busy the rest of the machine is. Null off Linux.
 */
function mainThreadCpuMs(): number | null {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    // A kernel without schedstat: the tick counts.
  }
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------

async function runSqlite(pairs: Array<[number, number]>): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = { bulkEqualsWriter: await checkSqliteBulk(pairs) };
  const dir = path.join(CACHE_DIR, `sqlite-${CACHE_KEY}`);
  if (existsSync(path.join(dir, 'complete'))) {
    out.build = 'cached';
  } else {
    const building = `${dir}.building`;
    rmSync(building, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
    const started = performance.now();
    const rows = bulkLoadSqlite(building, ledgerRows(ROWS, pairs), progress('sqlite'));
    const seconds = (performance.now() - started) / 1000;
    out.build = { seconds: Math.round(seconds), rowsPerSec: Math.round(rows / seconds) };
    writeFileSync(path.join(building, 'complete'), `${rows}\n`);
    renameSync(building, dir);
  }
  if (BUILD_ONLY) return out;
  const file = path.join(dir, 'tollgate.db');
  const storage = await openStorage({ dataDir: dir });
  try {
    const { timings, reports } = await reportTimings(storage.ledger, sqliteRaw(file));
    Object.assign(out, timings);
    out.reports = reports;
  } finally {
    await storage.close();
  }
  out.latency = await latencyUnderReports({ dataDir: dir });
  // The proxied calls landed after the built range: remove them so the cached ledger stays as built.
  const db = new Database(file);
  db.prepare('DELETE FROM ledger WHERE time_ms >= ?').run(LEDGER_END);
  for (const table of ['ledger_hourly', 'ledger_hourly_narrow', 'ledger_hourly_tags']) db.prepare(`DELETE FROM ${table} WHERE hour_ms >= ?`).run(LEDGER_END);
  for (const table of ['ledger_daily', 'ledger_daily_narrow']) db.prepare(`DELETE FROM ${table} WHERE day_ms >= ?`).run(LEDGER_END);
  db.close();
  return out;
}

async function runPostgres(pairs: Array<[number, number]>): Promise<Record<string, unknown>> {
  mkdirSync(CACHE_DIR, { recursive: true });
  const cluster = process.env.TOLLGATE_BENCH_DATABASE_URL ? null : startCluster(root, path.join(CACHE_DIR, 'pg'));
  const baseUrl = process.env.TOLLGATE_BENCH_DATABASE_URL ?? cluster!.url;
  const name = `reports_${ROWS}_v${GENERATOR_VERSION}`;
  const marker = path.join(CACHE_DIR, `pg-${name}.complete`);
  if (cluster?.fresh) rmSync(marker, { force: true });
  try {
    const out: Record<string, unknown> = { bulkEqualsWriter: await checkPostgresBulk(baseUrl, pairs) };
    const url = databaseUrl(baseUrl, name);
    if (existsSync(marker) && cluster) {
      out.build = 'cached';
    } else {
      const admin = new pg.Client({ connectionString: baseUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const started = performance.now();
      const rows = await bulkLoadPostgres(url, ledgerRows(ROWS, pairs), progress('postgres'));
      const seconds = (performance.now() - started) / 1000;
      out.build = { seconds: Math.round(seconds), rowsPerSec: Math.round(rows / seconds) };
      if (cluster) writeFileSync(marker, `${rows}\n`);
    }
    if (BUILD_ONLY) return out;
    const storage = await openStorage({ dataDir: tmpdir(), databaseUrl: url });
    const raw = postgresRaw(url);
    try {
      const { timings, reports } = await reportTimings(storage.ledger, raw.run);
      Object.assign(out, timings);
      out.reports = reports;
    } finally {
      await raw.close();
      await storage.close();
    }
    out.latency = await latencyUnderReports({ dataDir: mkdtempSync(path.join(tmpdir(), 'tollgate-bench-reports-gw-')), databaseUrl: url });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('DELETE FROM ledger WHERE time_ms >= $1', [LEDGER_END]);
    for (const table of ['ledger_hourly', 'ledger_hourly_narrow', 'ledger_hourly_tags']) await client.query(`DELETE FROM ${table} WHERE hour_ms >= $1`, [LEDGER_END]);
    for (const table of ['ledger_daily', 'ledger_daily_narrow']) await client.query(`DELETE FROM ${table} WHERE day_ms >= $1`, [LEDGER_END]);
    await client.end();
    return out;
  } finally {
    cluster?.stop();
  }
}

async function main(): Promise<void> {
  const pairs = tracePairs(dataDir);
  const result: Record<string, unknown> = {
    rows: ROWS, generatorVersion: GENERATOR_VERSION, tracePairs: pairs.length, days: LEDGER_DAYS, reportRange: `${REPORT_FROM}..${REPORT_TO}`,
    rawTimeoutS: RAW_TIMEOUT_S, loadavgAtStart: loadavg(), cores: (await import('node:os')).cpus().length,
  };
  const reports: CostReport[][] = [];
  for (const [name, run] of [['sqlite', runSqlite], ['postgres', runPostgres]] as const) {
    if (process.env[`BENCH_${name === 'sqlite' ? 'SQLITE' : 'PG'}`] === '0') continue;
    const out = await run(pairs);
    if (out.reports) reports.push(out.reports as CostReport[]);
    delete out.reports;
    result[name] = out;
  }
  // Both stores hold the same rows: their reports must agree to the nano-dollar.
  if (reports.length === 2 && !BUILD_ONLY) {
    const strip = (report: CostReport) => JSON.stringify(report.rows.map((row) => [row.keys, row.costNanoUsd, row.requests, row.inputTokens, row.outputTokens]));
    result.storesAgree = reports[0]!.every((report, index) => strip(report) === strip(reports[1]![index]!));
    if (!result.storesAgree) throw new Error('the SQLite and PostgreSQL reports differ');
  }
  result.loadavgAtEnd = loadavg();
  console.log(JSON.stringify(result));
}

await main();
