import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCostReportQuery } from '../../src/analytics/reports/cost-report-query.ts';
import { inProcessReports } from '../../src/analytics/reports/report-runner.ts';
import { GatewayError } from '../../src/domain/errors.ts';
import type { LedgerRecord } from '../../src/ledger/record.ts';
import { createReportPool, type ReportPool } from '../../src/runtime/report-pool.ts';
import { openStorage, type Storage } from '../../src/storage/open-storage.ts';
import { createSqliteLedgerStore } from '../../src/storage/sqlite/ledger-store.ts';
import { migrate } from '../../src/storage/sqlite/open.ts';
import { freshDatabase, NO_TEST_DATABASE, testDatabaseUrl } from '../support/fresh-database.ts';
import { ledgerRecord, seededRandom } from '../support/ledger-records.ts';
import { skipUnless } from '../support/skip-unless.ts';

const HOUR = 3_600_000;
const text = (bytes: Uint8Array) => new TextDecoder('utf-8', { fatal: true }).decode(bytes);
const BASE = Date.parse('2026-09-01T00:00:00Z');
const NOW = BASE + 70 * 24 * HOUR;

/** 3,000 calls over 70 days: 5 projects, 30 users, 4 models, tags, cache hits with savings, unpriced and failed calls. */
function records(): LedgerRecord[] {
  const random = seededRandom(13);
  const models = ['gpt-4o-mini', 'gpt-4o', 'claude-haiku', 'claude-sonnet'];
  return Array.from({ length: 3_000 }, (_, index) => {
    const model = models[Math.floor(random() * models.length)]!;
    const hit = random() < 0.1;
    const priced = random() > 0.03;
    const cost = hit || !priced ? 0 : Math.floor(random() * 40_000_000);
    return ledgerRecord({
      timeMs: BASE + Math.floor(random() * 70 * 24 * HOUR),
      orgId: index % 7 === 0 ? 'globex' : 'acme',
      projectId: `project-${Math.floor(random() * 5)}`,
      userId: random() < 0.05 ? null : `user-${Math.floor(random() ** 2 * 30)}`,
      keyId: `key-${index % 9}`,
      tags: random() < 0.3 ? ['batch'] : random() < 0.5 ? ['chat', 'eu'] : [],
      requestedModel: model,
      servedModel: model,
      provider: model.startsWith('claude') ? 'anthropic' : 'openai',
      inputTokens: Math.floor(random() * 6_000),
      outputTokens: Math.floor(random() * 800),
      costNanoUsd: cost,
      priced,
      status: random() < 0.04 ? 502 : 200,
      cacheStatus: hit ? 'hit' : 'miss',
      savedNanoUsd: hit ? Math.floor(random() * 20_000_000) : 0,
      latencyMs: Math.floor(random() * 3_000),
    });
  });
}

/** Reports through every path: the daily and hourly rollups, the tag rollup, raw rows (unaligned bounds), every format. */
const QUERIES: Array<Record<string, string>> = [
  { by: 'project,day', from: '30d' },
  { by: 'user', top: '10', from: '30d' },
  { by: 'model,week', tz: 'Europe/Paris', peak: '9-18', from: '2026-09-10', to: '2026-11-01' },
  { by: 'project,hour', from: '2026-10-03T05:00:00Z', to: '2026-10-05T17:00:00Z', model: 'gpt-4o' },
  { by: 'tag,month', tz: 'America/New_York', from: '2026-09-01', to: '2026-11-10' },
  { by: 'provider,cache', from: '2026-09-15T03:17:41.5Z', to: '2026-10-20T11:02:00Z' },
  { by: 'org,project', top: '3', format: 'csv', from: '60d' },
  { by: 'key,day', project: 'project-2', format: 'table', from: '14d' },
];

function contract(open: () => Promise<{ storage: Storage; cleanup(): Promise<void> }>): void {
  let storage: Storage;
  let cleanup: () => Promise<void>;
  let pool: ReportPool;
  const rows = records();
  /** The same rows in an in-memory SQLite ledger, read in process (the path tests and the CLI take). */
  const memory = new Database(':memory:');
  migrate(memory);
  const memoryLedger = createSqliteLedgerStore(memory);
  beforeAll(async () => {
    ({ storage, cleanup } = await open());
    await storage.ledger.append(rows);
    await memoryLedger.append(rows);
    pool = createReportPool(storage.location);
  });
  afterAll(async () => {
    await pool?.close();
    await storage?.close();
    await cleanup?.();
    memory.close();
  });

  it.each(QUERIES)('report %o: the worker answers byte for byte what the in-process report answers', async (query) => {
    const request = parseCostReportQuery(query, NOW);
    const [inWorker, inProcess, inMemory] = (await Promise.all([pool.render(request), inProcessReports(storage.ledger).render(request), inProcessReports(memoryLedger).render(request)])).map(text) as [string, string, string];
    expect(inWorker).toBe(inProcess);
    expect(inWorker).toBe(inMemory);
    // And not an empty answer: the report holds the calls in its range, counted from the records written.
    if (request.format === 'json') {
      const report = JSON.parse(inWorker) as { rows: unknown[]; totals: { requests: number } };
      const expected = rows.filter((r) => r.timeMs >= request.range.fromMs && r.timeMs < request.range.toMs && (request.filter.reportedModel === undefined || r.servedModel === request.filter.reportedModel));
      // By tag, a call counts once under each of its tags (untagged calls once, under null).
      const byTag = request.dimensions.includes('tag');
      expect(report.totals.requests).toBe(expected.reduce((sum, r) => sum + (byTag ? Math.max(1, r.tags.length) : 1), 0));
      expect(report.rows.length).toBeGreaterThan(2);
    } else {
      expect(inWorker.split('\n').length).toBeGreaterThan(3);
    }
  });

  it('reads ledger sums (the cache statistics) on the worker: the same rows the ledger summarizes in process', async () => {
    const queries = [
      { dimensions: ['cache' as const], filter: {} },
      { dimensions: ['model' as const, 'provider' as const, 'day' as const], filter: {} },
      { dimensions: ['project' as const], filter: { orgId: 'globex', fromMs: BASE + 86_400_000 + 17, toMs: NOW } },
    ];
    const inWorker = await pool.summaries(queries);
    const inProcess = await inProcessReports(storage.ledger).summaries(queries);
    const sorted = (rows: unknown[]) => rows.map((row) => JSON.stringify(row)).sort();
    expect(inWorker).toHaveLength(3);
    for (const [index, answer] of inWorker.entries()) expect(sorted(answer), `query ${index}`).toEqual(sorted(inProcess[index]!));
    // Counted from the records written: every call once by cache status, hits as written.
    expect(inWorker[0]!.reduce((sum, row) => sum + row.requests, 0)).toBe(rows.length);
    expect(inWorker[0]!.find((row) => row.keys.cache === 'hit')?.requests).toBe(rows.filter((r) => r.cacheStatus === 'hit').length);
    expect(inWorker[2]!.reduce((sum, row) => sum + row.requests, 0)).toBe(rows.filter((r) => r.orgId === 'globex' && r.timeMs >= BASE + 86_400_000 + 17).length);
  });

  it('runs on one worker thread started on first use, which lives on after a report that fails', async () => {
    expect(pool.started).toBe(true);
    const starts = pool.starts;
    const bad = { ...parseCostReportQuery({ by: 'day', from: '7d' }, NOW), tz: 'Nowhere/Town' };
    const error = await pool.render(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).message).toMatch(/the report failed: .*Nowhere\/Town/);
    const request = parseCostReportQuery({ by: 'project', from: '7d' }, NOW);
    expect(text(await pool.render(request))).toBe(text(await inProcessReports(storage.ledger).render(request)));
    expect(pool.starts).toBe(starts);
  });

  it('sees calls committed after it started (its own connection reads the latest commit)', async () => {
    const request = parseCostReportQuery({ by: 'project', from: '2026-11-10T00:00:00Z', to: '2026-11-10T02:00:00Z' }, NOW);
    const before = JSON.parse(text(await pool.render(request))) as { totals: { requests: number } };
    await storage.ledger.append([ledgerRecord({ timeMs: Date.parse('2026-11-10T01:00:00Z'), projectId: 'late' })]);
    const after = JSON.parse(text(await pool.render(request))) as { totals: { requests: number }; rows: Array<{ keys: { project: string } }> };
    expect(after.totals.requests).toBe(before.totals.requests + 1);
    expect(after.rows.map((row) => row.keys.project)).toContain('late');
  });
}

describe('report worker: SQLite file', () => {
  contract(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-report-worker-'));
    return { storage: await openStorage({ dataDir: dir }), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  });
});

skipUnless(testDatabaseUrl !== undefined, NO_TEST_DATABASE)('report worker: PostgreSQL', () => {
  contract(async () => {
    const database = await freshDatabase(testDatabaseUrl!);
    return { storage: await openStorage({ dataDir: '/nonexistent', databaseUrl: database.url }), cleanup: () => database.drop() };
  });
});

describe('report pool limits', () => {
  it('refuses reports past its queue with a 503, and fails the waiting ones with a 503 on close', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-report-worker-'));
    const storage = await openStorage({ dataDir: dir });
    const pool = createReportPool(storage.location, { maxQueued: 1 });
    try {
      const request = parseCostReportQuery({ by: 'project', from: '7d' }, NOW);
      // The first waits in the queue while the worker boots; the second finds the queue full.
      const first = pool.render(request).catch((e: unknown) => e);
      const second = await pool.render(request).catch((e: unknown) => e);
      expect(second).toBeInstanceOf(GatewayError);
      expect((second as GatewayError).status).toBe(503);
      expect((second as GatewayError).message).toMatch(/1 reports are already waiting/);
      await pool.close();
      expect(((await first) as GatewayError).status).toBe(503);
      await expect(pool.render(request)).rejects.toThrow(/shut down/);
    } finally {
      await pool.close();
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a ledger that cannot be opened fails the report clearly instead of crashing', async () => {
    const pool = createReportPool({ kind: 'sqlite', file: path.join(tmpdir(), 'tollgate-no-such-dir', 'tollgate.db') });
    try {
      const error = await pool.render(parseCostReportQuery({ by: 'project' }, NOW)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GatewayError);
      expect((error as GatewayError).message).toMatch(/the report worker could not start/);
    } finally {
      await pool.close();
    }
  });
});
