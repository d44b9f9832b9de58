/**
 * Dashboard benchmark (issue #14): `npm run bench:dashboard`. Prints one JSON line:
 * - rows: ledger rows written straight through the SQLite ledger store (default 1,000,000, BENCH_ROWS
 *   to change; spread over the last 45 days, 4 projects, 50 users, 20 keys, 3 models) before the gateway starts;
 * - buildMs: esbuild bundling the dashboard in memory (the first request to /ui pays it once);
 * - jsGzipBytes, cssGzipBytes, totalGzipBytes: what the browser downloads for the page (target < 150 KB);
 * - overviewColdMs: first load of the overview in a fresh Chromium tab (navigation start to every tile
 *   and the chart drawn, `main [data-loaded=true]`), with the bundle already built;
 * - overviewWarmMs: median of BENCH_LOADS further loads (default 5; assets from the browser cache, the
 *   ledger's pages warm), and overviewWarmMaxMs;
 * - savingsTilesColdMs / savingsTilesWarmMs: when the cache and routing savings tiles are filled too (they
 *   come from /api/cache/stats and /api/routing/analytics, which scan raw ledger rows, and are asked for
 *   only after the rest of the overview is drawn);
 * - slowestApi: the overview's slowest admin API call in the last load and its duration.
 * Headless Chromium at /usr/bin/chromium (Debian package), 1280x900.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { demoConfig } from '../src/config/demo.ts';
import { parseConfig } from '../src/config/load.ts';
import { buildUiBundle } from '../src/gateway/ui/bundle.ts';
import type { LedgerRecord } from '../src/ledger/record.ts';
import { startMockProvider } from '../src/mock-provider/index.ts';
import { startServer } from '../src/server.ts';
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
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tollgate-bench-dashboard-'));
  const nowMs = Date.now();
  const fillStarted = performance.now();
  const storage = await openStorage({ dataDir });
  for (const batch of records(ROWS, nowMs)) await storage.ledger.append(batch);
  await storage.close();
  result.fillSeconds = Math.round((performance.now() - fillStarted) / 100) / 10;
  console.error(`[bench:dashboard] ${ROWS} rows written in ${result.fillSeconds} s`);

  const buildStarted = performance.now();
  const bundle = await buildUiBundle();
  result.buildMs = Math.round(performance.now() - buildStarted);
  const sizes = { js: 0, css: 0 };
  for (const asset of bundle.assets.values()) sizes[asset.path.endsWith('.js') ? 'js' : 'css'] += asset.gzip.byteLength;
  result.jsGzipBytes = sizes.js;
  result.cssGzipBytes = sizes.css;
  result.totalGzipBytes = sizes.js + sizes.css;

  const mock = await startMockProvider({ port: 0, recordRequests: false });
  const server = await startServer(parseConfig(demoConfig(mock.url, 0), {}), { dataDir, adminKey: ADMIN_KEY, defaultMetrics: false, log: () => {} });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    await fetch(`${server.url}/ui`).then((r) => r.text()); // the gateway's own one-time build, not counted below
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // The session key the user would have typed (an init script runs through DevTools, outside the page's CSP).
    await context.addInitScript((key) => sessionStorage.setItem('tollgate.session', key), ADMIN_KEY);
    const loadOnce = async (): Promise<number> => {
      // A fresh tab each time (the context keeps the HTTP cache, so warm loads reuse the hashed assets).
      const page = await context.newPage();
      await page.goto(`${server.url}/ui#/overview`);
      const handle = await page
        .waitForFunction(() => (document.querySelector('main [data-loaded=true] .chart canvas, main [data-loaded=true] .empty') ? performance.now() : 0), undefined, { polling: 'raf', timeout: Number(process.env.BENCH_TIMEOUT_MS ?? 120_000) })
        .catch(async (error: Error) => {
          throw new Error(`the overview did not render: ${error.message}\n${(await page.locator('body').innerText()).slice(0, 2000)}`);
        });
      const rendered = Math.round((await handle.jsonValue()) as number);
      // Then the savings tiles (cache and routing: raw-row scans asked for after the overview is drawn), so the
      // next load does not queue behind this one's scans.
      const all = await page
        .waitForFunction(() => (document.querySelector('[data-testid=saved-routing] .tile-hint')?.textContent !== 'loading…' ? performance.now() : 0), undefined, { polling: 100, timeout: Number(process.env.BENCH_SAVINGS_TIMEOUT_MS ?? 300_000) })
        .catch(() => null);
      // -1: the savings scans did not finish within BENCH_SAVINGS_TIMEOUT_MS.
      savingsMs.push(all ? Math.round((await all.jsonValue()) as number) : -1);
      apis = (await page.evaluate(() =>
        performance
          .getEntriesByType('resource')
          .filter((e) => e.name.includes('/api/'))
          .map((e) => ({ path: new URL(e.name).pathname, ms: Math.round(e.duration) })),
      )) as { path: string; ms: number }[];
      // Runs in the page, where 'navigation' entries exist (Node's typings do not know them).
      domReady.push(await page.evaluate(() => Math.round((performance.getEntriesByType('navigation' as 'mark')[0] as unknown as { domContentLoadedEventEnd: number }).domContentLoadedEventEnd)));
      await page.close();
      return rendered;
    };
    const savingsMs: number[] = [];
    /** When the HTML and the (deferred, module) script are loaded and run: the part before any API call. */
    const domReady: number[] = [];
    let apis: { path: string; ms: number }[] = [];
    result.overviewColdMs = await loadOnce();
    console.error(`[bench:dashboard] cold overview ${result.overviewColdMs} ms`);
    const warm: number[] = [];
    for (let i = 0; i < LOADS; i += 1) {
      warm.push(await loadOnce());
    }
    warm.sort((a, b) => a - b);
    result.overviewWarmMs = warm[Math.floor(warm.length / 2)];
    result.overviewWarmMaxMs = warm[warm.length - 1];
    result.domContentLoadedColdMs = domReady[0];
    result.domContentLoadedWarmMs = [...domReady.slice(1)].sort((a, b) => a - b)[Math.floor((domReady.length - 1) / 2)];
    result.loadAverage1m = Number((await import('node:os')).loadavg()[0]!.toFixed(1));
    result.savingsTilesColdMs = savingsMs[0];
    result.savingsTilesWarmMs = [...savingsMs.slice(1)].sort((a, b) => a - b)[Math.floor((savingsMs.length - 1) / 2)];
    apis.sort((a, b) => b.ms - a.ms);
    result.slowestApi = apis[0];
    result.apiCalls = apis;
    const ledgerRows = (await (await fetch(`${server.url}/api/report?by=provider`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as { totals: { requests: number } };
    result.ledgerRequestsSeen = ledgerRows.totals.requests;
  } finally {
    await browser.close();
    await server.close();
    await mock.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(JSON.stringify(result));
}

await main();
