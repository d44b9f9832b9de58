/**
 * Dashboard benchmark (issue #14): `npm run bench:dashboard`. Prints one JSON line:
 * - rows: ledger rows written straight through the SQLite ledger store (default 1,000,000, BENCH_ROWS
 *   to change; spread over the last 45 days, 4 projects, 50 users, 20 keys, 3 models) before the gateway starts;
 * - buildMs: esbuild bundling the dashboard in memory (the first request to /ui pays it once);
 * - jsGzipBytes, cssGzipBytes, totalGzipBytes: what the browser downloads for the page (target < 150 KB);
 * - firstTilesColdMs / firstTilesWarmMs: navigation start to the overview's first tiles, chart and lists drawn
 *   (`main [data-loaded=true]`: spend today and this month, burn rate, local share, budgets, anomalies);
 * - overviewColdMs: navigation start to the overview fully rendered in a fresh Chromium tab right after the gateway
 *   started (bundle already built): every tile with its final number, the forecast and the cache and routing savings
 *   included (`main [data-complete=true]` and the chart's canvas). The gateway starts fitting the overview's forecast
 *   in the background at start, so this load may wait for the rest of that fit;
 * - overviewAfterWarmupMs: the same once that start-up fit is done (what the first visitor of a running gateway sees);
 * - overviewWarmMs: median of BENCH_LOADS further loads (default 5; assets from the browser cache, forecasts kept by the
 *   gateway), and overviewWarmMaxMs;
 * - apiCalls / slowestApi: the overview's admin API calls in the last load and their durations; coldApiCalls: the cold load's.
 * BENCH_DATA_DIR keeps the data directory: filled on the first run (when it holds no ledger yet), reused as is after
 * (its rows end when that run filled them), to compare versions on one ledger.
 * BENCH_NOW=<iso> (e.g. 2026-12-31T20:00:00Z) ends the filled rows at that time and sets the browser's clock (Date.now)
 * to it, so "this month" in the overview can be a full month (the 31st) whatever day the bench runs; the gateway's
 * own clock is not moved (its forecast and anomaly checks run at the real time). Reported as benchNow.
 * The gateway runs in its own process (`tollgate serve`, the demo config); BENCH_NODE_ARGS adds node flags to it
 * (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`), BENCH_SETTLE_S waits after its start before the first load.
 * apiCalls carry the browser's resource timing: waitMs (queued in the browser) and serverMs (request to first byte).
 * Headless Chromium at /usr/bin/chromium (Debian package), 1280x900.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { buildUiBundle } from '../src/gateway/ui/bundle.ts';
import type { LedgerRecord } from '../src/ledger/record.ts';
import { freePort, startChild } from './lib/children.ts';
import { openStorage } from '../src/storage/open-storage.ts';
import { ledgerRecord, seededRandom } from '../test/support/ledger-records.ts';

/** Browser globals, used only inside callbacks that run in the page (page.evaluate / waitForFunction). */
declare const document: { querySelector(selector: string): { textContent: string | null } | null };
declare const sessionStorage: { getItem(name: string): string | null; setItem(name: string, value: string): void };
declare const location: { hash: string };
declare const window: Record<string, unknown>;

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const LOADS = Number(process.env.BENCH_LOADS ?? 5);
const BATCH = 20_000;
const ADMIN_KEY = 'bench-dashboard-admin-key-000000';

function* records(count: number, nowMs: number): Generator<LedgerRecord[]> {
  const random = seededRandom(14);
  const span = 45 * 86_400_000;
  const start = nowMs - span;
  const projects = ['search', 'billing', 'agents', 'support'];
  const models = [
    ['gpt-4o-mini', 'mock-openai'],
    ['gpt-4o', 'mock-openai'],
    ['claude-3-5-haiku-latest', 'mock-anthropic'],
  ] as const;
  for (let offset = 0; offset < count; offset += BATCH) {
    const batch: LedgerRecord[] = [];
    for (let index = offset; index < Math.min(count, offset + BATCH); index += 1) {
      const [model, provider] = models[index % models.length]!;
      const input = Math.floor(random() * 4_000);
      const output = Math.floor(random() * 800);
      const cost = Math.floor(random() * 5_000_000);
      batch.push(
        ledgerRecord({
          id: `bench-${index}`,
          timeMs: start + Math.floor((index * span) / count),
          orgId: 'demo',
          projectId: projects[index % projects.length]!,
          userId: `user-${Math.floor(random() * 50)}`,
          keyId: `key_${Math.floor(random() * 20)}`,
          requestedModel: model,
          servedModel: model,
          provider,
          inputTokens: input,
          outputTokens: output,
          inputCostNanoUsd: Math.floor(cost / 2),
          outputCostNanoUsd: cost - Math.floor(cost / 2),
          costNanoUsd: cost,
          cacheStatus: random() < 0.1 ? 'hit' : 'miss',
          savedNanoUsd: 0,
        }),
      );
    }
    yield batch;
  }
}

async function main(): Promise<void> {
  const result: Record<string, unknown> = { rows: ROWS };
  const benchNowMs = process.env.BENCH_NOW ? Date.parse(process.env.BENCH_NOW) : undefined;
  if (benchNowMs !== undefined && !Number.isFinite(benchNowMs)) throw new Error(`BENCH_NOW='${process.env.BENCH_NOW}' is not a date (use ISO 8601, e.g. 2026-12-31T20:00:00Z)`);
  if (benchNowMs !== undefined) result.benchNow = new Date(benchNowMs).toISOString();
  // BENCH_DATA_DIR: a data directory kept between runs (filled once, when it holds no ledger yet), to compare versions on one ledger.
  const kept = process.env.BENCH_DATA_DIR;
  const dataDir = kept ?? mkdtempSync(path.join(tmpdir(), 'tollgate-bench-dashboard-'));
  if (kept) mkdirSync(kept, { recursive: true });
  if (!kept || !existsSync(path.join(kept, 'tollgate.db'))) {
    const fillStarted = performance.now();
    const storage = await openStorage({ dataDir });
    for (const batch of records(ROWS, benchNowMs ?? Date.now())) await storage.ledger.append(batch);
    await storage.close();
    result.fillSeconds = Math.round((performance.now() - fillStarted) / 100) / 10;
    console.error(`[bench:dashboard] ${ROWS} rows written in ${result.fillSeconds} s`);
  }

  const buildStarted = performance.now();
  const bundle = await buildUiBundle();
  result.buildMs = Math.round(performance.now() - buildStarted);
  const sizes = { js: 0, css: 0 };
  for (const asset of bundle.assets.values()) sizes[asset.path.endsWith('.js') ? 'js' : 'css'] += asset.gzip.byteLength;
  result.jsGzipBytes = sizes.js;
  result.cssGzipBytes = sizes.css;
  result.totalGzipBytes = sizes.js + sizes.css;

  // The gateway runs in its own process, as in production: in this one, Playwright's page polling would share
  // its event loop and slow every API answer down (seen: 30-90 ms answers took 1.2-1.5 s in process).
  // `tollgate serve` without a config is the demo config with its mock upstream, on this data directory.
  const port = await freePort();
  const server = await startChild({
    name: 'tollgate',
    command: process.execPath,
    args: [...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []), 'bin/tollgate.js', 'serve', '--port', String(port)],
    cwd: path.resolve(import.meta.dirname, '..'),
    env: { TOLLGATE_DATA_DIR: dataDir, TOLLGATE_ADMIN_KEY: ADMIN_KEY, DATABASE_URL: '', REDIS_URL: '', TOLLGATE_CONFIG: '' },
    port,
    readyPath: '/healthz',
    timeoutMs: 120_000,
  });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    await fetch(`${server.url}/ui`).then((r) => r.text()); // the gateway's own one-time build, not counted below
    // BENCH_SETTLE_S: wait that long after start before the first load (the start-up anomaly check catches up on
    // the last day: on a big ledger it keeps the gateway's thread and the read worker busy for a while).
    await new Promise((resolve) => setTimeout(resolve, Number(process.env.BENCH_SETTLE_S ?? 0) * 1000));
    result.settleSeconds = Number(process.env.BENCH_SETTLE_S ?? 0);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // The session key the user would have typed (an init script runs through DevTools, outside the page's CSP).
    await context.addInitScript((key) => sessionStorage.setItem('tollgate.session', key), ADMIN_KEY);
    // BENCH_NOW: the page's Date.now runs from that time (performance.now, used for the timings, is left alone).
    if (benchNowMs !== undefined) {
      await context.addInitScript((target) => {
        const real = Date.now.bind(Date);
        const shift = target - real();
        Date.now = () => real() + shift;
      }, benchNowMs);
    }
    const loadOnce = async (): Promise<{ first: number; complete: number }> => {
      // A fresh tab each time (the context keeps the HTTP cache, so warm loads reuse the hashed assets).
      const page = await context.newPage();
      await page.goto(`${server.url}/ui#/overview`);
      const timeout = Number(process.env.BENCH_TIMEOUT_MS ?? 120_000);
      const at = async (selector: string) => {
        const handle = await page
          .waitForFunction((css) => (document.querySelector(css) ? performance.now() : 0), selector, { polling: 'raf', timeout })
          .catch(async (error: Error) => {
            throw new Error(`the overview did not render: ${error.message}\n${(await page.locator('body').innerText()).slice(0, 2000)}`);
          });
        return Math.round((await handle.jsonValue()) as number);
      };
      const [first, complete] = await Promise.all([at('main [data-loaded=true] .chart canvas, main [data-loaded=true] .empty'), at('main [data-complete=true] .chart canvas, main [data-complete=true] .empty')]);
      apis = (await page.evaluate(() =>
        performance
          .getEntriesByType('resource')
          .filter((e) => e.name.includes('/api/'))
          .map((e) => {
            const t = e as unknown as { startTime: number; requestStart: number; responseStart: number };
            return { path: new URL(e.name).pathname + new URL(e.name).search, ms: Math.round(e.duration), startAt: Math.round(t.startTime), waitMs: Math.round(t.requestStart - t.startTime), serverMs: Math.round(t.responseStart - t.requestStart) };
          }),
      )) as { path: string; ms: number }[];
      // Runs in the page, where 'navigation' entries exist (Node's typings do not know them).
      domReady.push(await page.evaluate(() => Math.round((performance.getEntriesByType('navigation' as 'mark')[0] as unknown as { domContentLoadedEventEnd: number }).domContentLoadedEventEnd)));
      await page.close();
      return { first, complete };
    };
    /** When the HTML and the (deferred, module) script are loaded and run: the part before any API call. */
    const domReady: number[] = [];
    let apis: { path: string; ms: number }[] = [];
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const cold = await loadOnce();
    result.firstTilesColdMs = cold.first;
    result.overviewColdMs = cold.complete;
    result.coldApiCalls = [...apis].sort((a, b) => b.ms - a.ms);
    console.error(`[bench:dashboard] cold overview ${cold.complete} ms (first tiles ${cold.first} ms)`);
    // The start-up fit of the overview's forecast (the same request a dashboard in UTC makes): wait until it is kept.
    const now = new Date(benchNowMs ?? Date.now());
    const untilMs = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
    await fetch(`${server.url}/api/cost/forecast?until=${untilMs}&metric=cost`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } }).then((r) => r.arrayBuffer());
    const afterWarmup = await loadOnce();
    result.firstTilesAfterWarmupMs = afterWarmup.first;
    result.overviewAfterWarmupMs = afterWarmup.complete;
    const warm: { first: number; complete: number }[] = [];
    for (let i = 0; i < LOADS; i += 1) warm.push(await loadOnce());
    result.firstTilesWarmMs = median(warm.map((w) => w.first));
    result.overviewWarmMs = median(warm.map((w) => w.complete));
    result.overviewWarmMaxMs = Math.max(...warm.map((w) => w.complete));
    result.domContentLoadedColdMs = domReady[0];
    result.domContentLoadedWarmMs = median(domReady.slice(2));
    result.loadAverage1m = Number((await import('node:os')).loadavg()[0]!.toFixed(1));
    apis.sort((a, b) => b.ms - a.ms);
    result.slowestApi = apis[0];
    result.apiCalls = apis;
    const ledgerRows = (await (await fetch(`${server.url}/api/report?by=provider`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as { totals: { requests: number } };
    result.ledgerRequestsSeen = ledgerRows.totals.requests;
  } finally {
    await browser.close();
    await server.stop();
    if (!kept) rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(JSON.stringify(result));
}

await main();
