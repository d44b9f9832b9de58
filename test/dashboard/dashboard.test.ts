import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { demoConfig } from '../../src/config/demo.ts';
import { parseConfig } from '../../src/config/load.ts';
import { usd } from '../../src/dashboard/format.ts';
import { usdToNano } from '../../src/domain/money.ts';
import { startMockProvider } from '../../src/mock-provider/index.ts';
import type { MockProvider } from '../../src/mock-provider/types.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import { skipUnless } from '../support/skip-unless.ts';
import { traceSlice } from './replay.ts';

/** Browser globals, used only inside callbacks that run in the page (page.evaluate / waitForFunction). */
declare const document: { querySelector(selector: string): { textContent: string | null } | null; documentElement: { scrollWidth: number } };
declare const innerWidth: number;
declare const sessionStorage: { getItem(name: string): string | null; setItem(name: string, value: string): void };
declare const location: { hash: string };
declare const window: Record<string, unknown>;

/**
 * Issue #14: the dashboard in a real Chromium against a real gateway (in front of the mock provider),
 * filled by replaying a slice of the Azure LLM inference trace through three virtual keys (three projects)
 * and three models, spread over the last five days. Every page is loaded, checked against the admin API,
 * screenshotted at 1280 and 390 px and checked with axe-core; the viewer key is refused every change.
 */
const CHROMIUM = '/usr/bin/chromium';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Written by every run; the README names it. Only overview-1280.png is committed. */
const SHOTS = path.join(root, 'docs/screenshots');
const ADMIN_KEY = 'dashboard-admin-key-0123456789';
const VIEWER_KEY = 'dashboard-viewer-key-0123456789';
const PAGES = ['overview', 'spend', 'budgets', 'forecast', 'routing', 'requests', 'keys'] as const;
const AXE = readFileSync(path.join(root, 'node_modules/axe-core/axe.min.js'), 'utf8');

let mock: MockProvider;
let server: RunningServer;
let browser: Browser;
let dataDir: string;
let clock: (() => number) | undefined;
/** One signed-in admin tab shared by the tests below (signing in again for each would only cost time). */
let adminPage: Page;
const errors: string[] = [];

const admin = async <T>(pathname: string, init: RequestInit = {}, key = ADMIN_KEY): Promise<T> => {
  const response = await fetch(`${server.url}${pathname}`, { ...init, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...init.headers } });
  return (await response.json()) as T;
};

skipUnless(existsSync(CHROMIUM), `${CHROMIUM} is missing (apt-get install chromium)`)('dashboard in Chromium (issue #14)', () => {
  beforeAll(async () => {
    mock = await startMockProvider({ port: 0, recordRequests: false });
    dataDir = mkdtempSync(path.join(tmpdir(), 'tollgate-dashboard-'));
    const demo = demoConfig(mock.url, 0);
    const config = parseConfig(
      {
        ...demo,
        // Routed traffic for the routing page: a cheapest-first route (whose first target sometimes fails, so fallbacks
        // fire), a learned route (its artefact is missing, so it decides by prompt length and says so), an A/B experiment.
        routes: { assistant: { strategy: 'cheapest', candidates: ['gpt-4o-mini', 'gpt-4o'] }, smart: { strategy: 'learned', strong: 'gpt-4o', weak: 'gpt-4o-mini', artefact: path.join(tmpdir(), 'tollgate-no-such-router.json'), fallbackRule: 'length', fallbackLengthTokens: 40 } },
        models: { ...demo.models, summariser: { target: 'gpt-4o-mini@mock-openai' }, 'summariser-claude': { target: 'claude-3-5-haiku-latest@mock-anthropic' } },
        experiments: { 'summariser-claude': { model: 'summariser', candidate: 'summariser-claude', share: 0.5, mode: 'ab' } },
      },
      {},
    );
    server = await startServer(config, { dataDir, adminKey: ADMIN_KEY, viewerKey: VIEWER_KEY, defaultMetrics: false, log: () => {}, now: () => (clock ? clock() : Date.now()) });

    // Three projects, each with its own virtual key.
    const keys: string[] = [];
    for (const project of ['web', 'search', 'batch']) {
      const created = await admin<{ secret: string }>('/api/keys', { method: 'POST', body: JSON.stringify({ name: `${project}-app`, project }) });
      keys.push(created.secret);
    }
    // Replay: real token counts from the trace, spread over the last 5 days (so day buckets differ) by the gateway clock.
    const { requests } = traceSlice(300);
    const models = ['gpt-4o-mini', 'gpt-4o', 'claude-3-5-haiku-latest', 'assistant', 'smart', 'summariser'];
    const start = Date.now() - 5 * 86_400_000;
    const span = 5 * 86_400_000 - 600_000;
    const last = requests[requests.length - 1]!.offsetMs || 1;
    for (let i = 0; i < requests.length; i += 25) {
      const batch = requests.slice(i, i + 25);
      const at = start + Math.round((batch[batch.length - 1]!.offsetMs / last) * span);
      clock = () => at;
      await Promise.all(
        batch.map(async (r, j) => {
          const n = i + j;
          // A plain model, a route or an experiment; five routed requests meet a first target that fails twice (a fallback).
          const model = models[n % models.length]!;
          const anthropic = model.startsWith('claude');
          const content = model === 'smart' ? `request ${n}: ${'please explain this in detail '.repeat(n % 20)}` : `request ${n}`;
          const mockDirective = { usage: { input: r.input, output: r.output }, ...(model === 'assistant' && n % 60 === 3 ? { fail: { status: 503, times: 2 }, key: `fallback-${n}` } : {}) };
          const response = await fetch(`${server.url}${anthropic ? '/v1/messages' : '/v1/chat/completions'}`, {
            method: 'POST',
            headers: { authorization: `Bearer ${keys[n % 3]}`, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
            body: JSON.stringify({ model, max_tokens: 512, messages: [{ role: 'user', content }], mock: mockDirective }),
          });
          await response.arrayBuffer();
        }),
      );
    }
    // Four deterministic questions, each asked three times in a row (temperature 0): the repeats are exact cache hits.
    for (let i = 0; i < 12; i += 1) {
      const response = await fetch(`${server.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${keys[1]}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user', content: `What does a gateway do? (${i % 4})` }], mock: { usage: { input: 900, output: 120 } } }),
      });
      await response.arrayBuffer();
    }
    clock = undefined;
    await server.gateway.runtime.flushLedger();

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    mkdirSync(SHOTS, { recursive: true });
    adminPage = await open(ADMIN_KEY, 1280);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await mock?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function open(key: string, width: number): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 900 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of 4\d\d/.test(message.text())) errors.push(`console: ${message.text()}`);
    });
    await page.goto(`${server.url}/`);
    await page.getByLabel('Admin or viewer key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('[data-testid=role]').waitFor();
    return page;
  }

  async function visit(page: Page, hash: string): Promise<void> {
    await page.evaluate((h) => (location.hash = h), hash);
    await page.locator('main [data-loaded=true]').first().waitFor({ timeout: 10_000 });
    // The overview fills its forecast and savings tiles after the rest: wait for every tile's final number.
    if (hash.startsWith('#/overview')) await page.locator('main [data-complete=true]').waitFor({ timeout: 30_000 });
  }

  async function axe(page: Page, name: string): Promise<void> {
    // Evaluated through the DevTools protocol, not as an inline <script>: the page's CSP (rightly) forbids those.
    if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
    const result = await page.evaluate(async () => {
      const axe = window.axe as { run(context: unknown, options: unknown): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> };
      const r = await axe.run(document, { resultTypes: ['violations'] });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')).slice(0, 3) }));
    });
    const serious = result.filter((v: { impact: string }) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious, `${name}: ${JSON.stringify(serious)}`).toEqual([]);
  }

  it('signs in, shows every page with numbers equal to the admin API, at 1280 and 390 px, with no serious axe violations', { timeout: 180_000 }, async () => {
    const page = adminPage;
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      for (const name of PAGES) {
        await visit(page, `#/${name}`);
        await page.waitForTimeout(50); // let charts lay out
        await page.screenshot({ path: path.join(SHOTS, `${name}-${width}.png`), fullPage: true });
        await axe(page, `${name} at ${width}px`);
        // No page scrolls sideways: wide tables scroll inside their own box, and nothing else is wider than the window.
        const sideways = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
        expect(sideways, `${name} at ${width}px is ${sideways} px wider than the window`).toBeLessThanOrEqual(0);
      }
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    // Overview: this month's spend (from the browser's local month start) equals the API's sum of this month's rows.
    await visit(page, '#/overview');
    const monthStart = await page.evaluate(() => new Date(new Date().getFullYear(), new Date().getMonth(), 1).getTime());
    const month = await admin<{ totals: { costNanoUsd: number } }>(`/api/report?by=day&from=${monthStart}`);
    expect(month.totals.costNanoUsd).toBeGreaterThan(0);
    const tile = page.locator('[data-testid=spend-month]');
    expect(Number(await tile.getAttribute('data-value'))).toBe(month.totals.costNanoUsd);
    expect(await tile.locator('.tile-value').textContent()).toBe(usd(month.totals.costNanoUsd));
    expect(errors).toEqual([]);
  });

  it('spend explorer: filters and time range live in the URL and the table equals the API', async () => {
    const page = adminPage;
    await visit(page, '#/spend?range=7d&by=project');
    const from7d = (await page.evaluate(() => Date.now())) - 7 * 86_400_000;
    const byProject = await admin<{ rows: { keys: { project: string }; costNanoUsd: number; requests: number }[]; totals: { costNanoUsd: number; requests: number } }>(`/api/report?by=project&from=${from7d}`);
    expect(byProject.totals.requests).toBe(300 > 0 ? byProject.totals.requests : 0);
    expect(Number(await page.locator('[data-testid=spend-total]').getAttribute('data-value'))).toBe(byProject.totals.costNanoUsd);
    for (const row of byProject.rows) {
      const cell = page.locator(`[data-testid=spend-table] tr[data-cost]`, { hasText: row.keys.project });
      expect(Number(await cell.getAttribute('data-cost'))).toBe(row.costNanoUsd);
    }

    // Change the dimension and the range with the controls: the URL follows, and the numbers too.
    await page.getByLabel('Stack by').selectOption('model');
    await page.waitForFunction(() => location.hash.includes('by=model'));
    await page.getByLabel('Time range').selectOption('24h');
    await page.waitForFunction(() => location.hash.includes('range=24h'));
    await page.locator('main [data-loaded=true]').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid=spend-table] th')?.textContent === 'model');
    const from24h = (await page.evaluate(() => Date.now())) - 86_400_000;
    const byModel = await admin<{ totals: { costNanoUsd: number; requests: number } }>(`/api/report?by=model&from=${from24h}`);
    expect(byModel.totals.requests).toBeLessThan(byProject.totals.requests);
    await expect.poll(async () => Number(await page.locator('[data-testid=spend-total]').getAttribute('data-value'))).toBe(byModel.totals.costNanoUsd);

    // A filter in the URL: a shared link opens the same view.
    await visit(page, '#/spend?range=7d&by=model&project=web');
    const web = await admin<{ totals: { costNanoUsd: number } }>(`/api/report?by=model&project=web&from=${from7d}`);
    await expect.poll(async () => Number(await page.locator('[data-testid=spend-total]').getAttribute('data-value'))).toBe(web.totals.costNanoUsd);
    expect(await page.getByLabel('project', { exact: true }).inputValue()).toBe('web');
  });

  it('routing and cache: routed share, fallbacks, the learned router, experiments and cache hits equal the admin API', async () => {
    const page = adminPage;
    await visit(page, '#/routing');
    type Routing = { routedRequests: number; fallbacksFired: number; costUsd: string; share: { target: string; requests: number }[]; learned?: { requests: number; sharePercent: number; targets: { target: string }[] } };
    const routing = await admin<Routing>('/api/routing/analytics');
    const cache = await admin<{ exactHits: number; hitRate: number; savedUsd: string }>('/api/cache/stats');
    // The replay routed traffic, fired fallbacks, used the learned route and hit the cache: none of these is an empty state.
    expect(routing.routedRequests).toBeGreaterThan(50);
    expect(routing.fallbacksFired).toBe(5);
    expect(routing.learned?.requests).toBeGreaterThan(20);
    expect(routing.learned?.targets.map((t) => t.target).sort()).toEqual(['gpt-4o-mini@mock-openai', 'gpt-4o@mock-openai']);
    expect(cache.exactHits).toBe(8);
    const raw = async (testid: string) => Number(await page.getByTestId(testid).getAttribute('data-value'));
    expect(await raw('routed-requests')).toBe(routing.routedRequests);
    expect(await raw('fallbacks-fired')).toBe(routing.fallbacksFired);
    expect(await raw('routed-spend')).toBe(usdToNano(routing.costUsd));
    expect(await raw('learned-share')).toBe(routing.learned!.requests);
    expect(await page.getByTestId('learned-share').locator('.tile-value').textContent()).toBe(`${routing.learned!.sharePercent.toFixed(1)}%`);
    expect(await raw('cache-exact')).toBe(cache.exactHits);
    expect(await raw('cache-hit-rate')).toBe(cache.hitRate);
    // One table row per served target, with the API's request count.
    for (const share of routing.share) await expect.poll(() => page.locator('tr', { hasText: share.target }).first().locator('td').nth(1).textContent()).toBe(share.requests.toLocaleString('en-US'));
    // The experiment's arms with their intervals, and the route explanation of recent requests.
    const experiment = await admin<{ arms: { arm: string; requests: number }[] }>('/api/experiments/summariser-claude');
    expect(experiment.arms.reduce((sum, arm) => sum + arm.requests, 0)).toBeGreaterThan(10);
    for (const arm of experiment.arms) await expect.poll(() => page.locator('tr', { hasText: arm.arm }).first().locator('td').nth(1).textContent()).toBe(String(arm.requests));
    expect(await page.locator('code', { hasText: /^learned:/ }).count()).toBeGreaterThan(0);
  });

  it('budgets: the API validation message is shown in place; create, edit and delete work', async () => {
    const page = adminPage;
    await visit(page, '#/budgets');
    await page.getByTestId('new-budget').click();
    const form = page.getByTestId('budget-form');
    await form.getByLabel('Id', { exact: true }).fill('monthly-total');
    await form.getByLabel('Limit (USD)').fill('-5');
    await form.getByRole('button', { name: 'Create budget' }).click();
    await expect.poll(() => form.getByTestId('budget-form-error').textContent()).toContain('limitUsd');
    await form.getByLabel('Limit (USD)').fill('50');
    await form.getByRole('button', { name: 'Create budget' }).click();
    await page.getByTestId('budget-monthly-total').waitFor();
    const status = await admin<{ data: { id: string; usedUsd: string; limitUsd: string }[] }>('/api/budgets');
    const created = status.data.find((b) => b.id === 'monthly-total')!;
    expect(created.limitUsd).toBe('50');
    expect(await page.getByTestId('budget-monthly-total').getByTestId('budget-used').textContent()).toContain(`${usd(usdToNano(created.usedUsd))} of $50.00`);

    await page.getByTestId('budget-monthly-total').getByRole('button', { name: 'Edit' }).click();
    await page.getByTestId('budget-form').getByLabel('Limit (USD)').fill('75');
    await page.getByTestId('budget-form').getByRole('button', { name: 'Save' }).click();
    await expect.poll(async () => (await admin<{ budget: { limitUsd: number } }>('/api/budgets/monthly-total')).budget.limitUsd).toBe(75);
    await page.screenshot({ path: path.join(SHOTS, 'budgets-with-budget-1280.png'), fullPage: true });

    page.once('dialog', (dialog) => dialog.accept());
    await page.getByTestId('budget-monthly-total').getByRole('button', { name: 'Delete' }).click();
    await page.getByTestId('budget-monthly-total').waitFor({ state: 'detached' });
    expect((await admin<{ data: { id: string }[] }>('/api/budgets')).data.map((b) => b.id)).not.toContain('monthly-total');
  });

  it('overview: today and this month are the browser time zone\'s, and every tile gets its final number', async () => {
    // Auckland is 13 hours ahead of UTC in December: its today and month start differ from UTC's.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'Pacific/Auckland' });
    await context.addInitScript((key) => sessionStorage.setItem('tollgate.session', key), ADMIN_KEY);
    const page = await context.newPage();
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
    const asked: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/api/')) asked.push(new URL(request.url()).pathname);
    });
    await page.goto(`${server.url}/ui#/overview`);
    await page.locator('main [data-complete=true]').waitFor({ timeout: 30_000 });
    // The boot script starts the session check and the overview's calls before the app loads; the app takes those
    // answers instead of asking again: each call is made once (a local month by hour here, since Auckland is not UTC).
    const once = ['/api/whoami', '/api/report', '/api/budgets', '/api/routing/catalogue', '/api/cost/anomalies', '/api/cost/forecast', '/api/cache/stats', '/api/routing/analytics'];
    expect(asked.filter((path) => once.includes(path)).sort()).toEqual([...once].sort());
    // ...and it did start them: its record is there, and the app took every answer from it.
    const early = await page.evaluate(() => {
      const calls = (globalThis as Record<string, unknown>).__tollgateEarlyCalls as { responses: Record<string, unknown> } | undefined;
      return calls ? Object.keys(calls.responses) : null;
    });
    expect(early).toEqual([]);
    const { dayStart, monthStart, zone } = await page.evaluate(() => {
      const now = new Date();
      return { dayStart: new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime(), monthStart: new Date(now.getFullYear(), now.getMonth(), 1).getTime(), zone: Intl.DateTimeFormat().resolvedOptions().timeZone };
    });
    expect(zone).toBe('Pacific/Auckland');
    expect(dayStart % 86_400_000).not.toBe(0);
    const today = await admin<{ totals: { costNanoUsd: number } }>(`/api/report?by=provider&from=${dayStart}`);
    const month = await admin<{ totals: { costNanoUsd: number } }>(`/api/report?by=provider&from=${monthStart}`);
    expect(Number(await page.getByTestId('spend-today').getAttribute('data-value'))).toBe(today.totals.costNanoUsd);
    expect(Number(await page.getByTestId('spend-month').getAttribute('data-value'))).toBe(month.totals.costNanoUsd);
    expect(await page.getByTestId('spend-today').locator('.tile-hint').textContent()).toBe('Pacific/Auckland');
    // The savings and forecast tiles are filled (not "loading…"/"fitting…") once the page says it is complete.
    for (const tile of ['saved-cache', 'saved-routing', 'forecast-month']) expect(await page.getByTestId(tile).locator('.tile-hint').textContent()).not.toMatch(/loading|fitting/);
    const cache = await admin<{ savedUsd: string }>(`/api/cache/stats?from=${monthStart}`);
    expect(Number(await page.getByTestId('saved-cache').getAttribute('data-value'))).toBe(usdToNano(cache.savedUsd));
    const routing = await admin<{ alwaysStrong: { savedUsd: string } }>(`/api/routing/analytics?from=${monthStart}`);
    expect(Number(await page.getByTestId('saved-routing').getAttribute('data-value'))).toBe(usdToNano(routing.alwaysStrong.savedUsd));
    expect(Number(await page.getByTestId('saved-total').getAttribute('data-value'))).toBe(usdToNano(cache.savedUsd) + usdToNano(routing.alwaysStrong.savedUsd));
    await context.close();
  });

  it('budgets: reservations of requests in flight are shown per budget, equal to the API', { timeout: 60_000 }, async () => {
    const page = adminPage;
    const created = await fetch(`${server.url}/api/budgets`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ id: 'in-flight', scope: 'global', period: 'monthly', limitUsd: 500 }) });
    expect(created.status).toBe(201);
    const key = (await admin<{ secret: string }>('/api/keys', { method: 'POST', body: JSON.stringify({ name: 'slow-app', project: 'web' }) })).secret;
    type Reserved = { data: { id: string; reservedUsd: string | null; reservedNanoUsd: number | null }[] };
    const reservedNow = async () => (await admin<Reserved>('/api/budgets')).data.find((b) => b.id === 'in-flight')!;
    expect((await reservedNow()).reservedNanoUsd).toBe(0);
    // Three calls the mock answers after a few seconds: their worst-case cost is reserved while they run.
    const slow = Array.from({ length: 3 }, () =>
      fetch(`${server.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o', max_tokens: 2_000, messages: [{ role: 'user', content: 'take your time' }], mock: { latencyMs: 8_000 } }),
      }).then((r) => r.arrayBuffer()),
    );
    await expect.poll(async () => (await reservedNow()).reservedNanoUsd, { timeout: 5_000 }).toBeGreaterThan(0);
    await visit(page, '#/keys');
    await visit(page, '#/budgets');
    const shown = page.getByTestId('budget-in-flight').getByTestId('budget-reserved');
    const api = await reservedNow();
    expect(Number(await shown.getAttribute('data-value'))).toBe(api.reservedNanoUsd);
    expect(await shown.textContent()).toContain(usd(api.reservedNanoUsd!));
    await page.screenshot({ path: path.join(SHOTS, 'budgets-in-flight-1280.png'), fullPage: true });
    await Promise.all(slow);
    // Settled: nothing reserved any more, on the screen too.
    await expect.poll(async () => (await reservedNow()).reservedNanoUsd).toBe(0);
    await visit(page, '#/keys');
    await visit(page, '#/budgets');
    expect(Number(await page.getByTestId('budget-in-flight').getByTestId('budget-reserved').getAttribute('data-value'))).toBe(0);
    await fetch(`${server.url}/api/budgets/in-flight`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  });

  it('keys: create shows the secret once with a copy button; revoke works and the revoked key is refused', async () => {
    const page = adminPage;
    await visit(page, '#/keys');
    await page.getByTestId('key-form').getByLabel('Name').fill('from-the-dashboard');
    await page.getByTestId('key-form').getByRole('button', { name: 'Create key' }).click();
    const secretBox = page.getByTestId('new-secret');
    await secretBox.waitFor();
    const secret = await secretBox.locator('input').inputValue();
    expect(secret.length).toBeGreaterThan(20);
    await expect(secretBox.getByRole('button', { name: 'Copy' }).isVisible()).resolves.toBe(true);
    const ok = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }) });
    expect(ok.status).toBe(200);

    const row = page.locator('[data-testid=keys-table] tr', { hasText: 'from-the-dashboard' });
    page.once('dialog', (dialog) => dialog.accept());
    await row.getByRole('button', { name: /Revoke/ }).click();
    await row.waitFor({ state: 'detached' });
    const keys = await admin<{ data: { name: string; revokedAtMs: number | null }[] }>('/api/keys');
    expect(keys.data.find((k) => k.name === 'from-the-dashboard')!.revokedAtMs).not.toBeNull();
    const refused = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }) });
    expect(refused.status).toBe(401);
  });

  it('requests: the log is searchable and shows the API rows', async () => {
    const page = adminPage;
    await visit(page, '#/requests');
    type Row = { id: string; costNanoUsd: number; requestedModel: string; servedModel: string | null; route: { summary: string } | null };
    const latest = await admin<{ data: Row[] }>('/api/ledger?limit=50');
    await expect.poll(() => page.locator('[data-testid=requests-table] tbody tr[data-cost]').count()).toBe(latest.data.length);
    const first = page.locator('[data-testid=requests-table] tbody tr[data-cost]').first();
    // Newest first: the API's page is oldest first.
    expect(Number(await first.getAttribute('data-cost'))).toBe(latest.data.at(-1)!.costNanoUsd);
    expect(await first.locator('td').nth(1).textContent()).toBe(latest.data.at(-1)!.servedModel ?? latest.data.at(-1)!.requestedModel);
    await page.getByLabel('Search', { exact: true }).fill('claude');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForFunction(() => location.hash.includes('q=claude'));
    const shown = await page.locator('[data-testid=requests-table] tbody tr[data-cost]').allTextContents();
    // The search reads the model names and the route explanation: a row on the experiment 'summariser-claude' matches too.
    const matching = latest.data.filter((row) => [row.requestedModel, row.servedModel, row.route?.summary].some((v) => v?.includes('claude')));
    expect(matching.length).toBeGreaterThan(0);
    expect(shown.length).toBe(matching.length);
    expect(shown.filter((text) => text.includes('claude')).length).toBeGreaterThan(0);
  });

  it('a viewer sees every page without change controls, and the API refuses its changes', async () => {
    const page = await open(VIEWER_KEY, 1280);
    expect(await page.getByTestId('role').textContent()).toContain('viewer');
    for (const name of PAGES) await visit(page, `#/${name}`);
    await visit(page, '#/budgets');
    expect(await page.getByTestId('new-budget').count()).toBe(0);
    await visit(page, '#/keys');
    expect(await page.getByTestId('key-form').count()).toBe(0);
    expect(await page.getByRole('button', { name: /Revoke/ }).count()).toBe(0);
    await page.screenshot({ path: path.join(SHOTS, 'keys-viewer-1280.png'), fullPage: true });
    // The same calls the admin UI makes, with the viewer's key: every one refused.
    const keyId = (await admin<{ data: { id: string }[] }>('/api/keys')).data[0]!.id;
    const calls: [string, string, unknown?][] = [
      ['POST', '/api/budgets', { id: 'viewer-made', scope: 'global', period: 'daily', limitUsd: 1 }],
      ['PATCH', '/api/budgets/x', { limitUsd: 2 }],
      ['DELETE', '/api/budgets/x'],
      ['POST', '/api/keys', { name: 'viewer-key' }],
      ['DELETE', `/api/keys/${keyId}`],
      ['POST', '/api/cost/anomalies/a1/acknowledge'],
      ['POST', '/api/cost/anomalies/a1/resolve'],
    ];
    for (const [method, pathname, body] of calls) {
      const status = await page.evaluate(
        async ([m, p, b]) => {
          const key = sessionStorage.getItem('tollgate.session');
          const r = await fetch(p as string, { method: m as string, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: b === undefined ? undefined : JSON.stringify(b) });
          return r.status;
        },
        [method, pathname, body] as const,
      );
      expect(status, `${method} ${pathname}`).toBe(403);
    }
    await page.context().close();
  });

  it('a refused key returns to sign-in with a message; sign-out clears the session', async () => {
    const page = await open(ADMIN_KEY, 390);
    await page.evaluate(() => sessionStorage.setItem('tollgate.session', 'not-a-valid-key-at-all'));
    await page.evaluate(() => (location.hash = '#/keys'));
    await page.getByLabel('Admin or viewer key').waitFor();
    expect(await page.locator('.notice').textContent()).toMatch(/refused the key/);
    expect(await page.evaluate(() => sessionStorage.getItem('tollgate.session'))).toBeNull();
    await page.screenshot({ path: path.join(SHOTS, 'sign-in-390.png') });
    await page.getByLabel('Admin or viewer key').fill('wrong-key-000000000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#signin-error').waitFor();
    await page.getByLabel('Admin or viewer key').fill(ADMIN_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Admin or viewer key').waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('tollgate.session'))).toBeNull();
    await page.context().close();
  });
});
