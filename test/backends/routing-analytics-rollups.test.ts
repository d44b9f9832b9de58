import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTING_DIMENSIONS, routingReportFromLedger, routingReportFromRows, type StrongPricing } from '../../src/analytics/reports/routing-from-rollups.ts';
import type { RouteDecision } from '../../src/domain/route-decision.ts';
import type { LedgerRecord } from '../../src/ledger/record.ts';
import type { LedgerFilter } from '../../src/ledger/store.ts';
import { openStorage, type Storage } from '../../src/storage/open-storage.ts';
import { summarySource } from '../../src/storage/sql/ledger-columns.ts';
import { freshDatabase, NO_TEST_DATABASE, testDatabaseUrl } from '../support/fresh-database.ts';
import { ledgerRecord, seededRandom } from '../support/ledger-records.ts';
import { skipUnless } from '../support/skip-unless.ts';

const HOUR = 3_600_000;
const BASE = Date.parse('2026-11-03T00:00:00Z');

/**
 * A strong-model price that is not linear (a long-prompt tier, per-request rounding) and changes
 * on a date: the rollup answer must price exactly as the raw one does.
 */
const strong: StrongPricing = {
  target: 'big@openai',
  price: (usage, timeMs) => {
    const rate = timeMs >= BASE + 2 * 24 * HOUR ? 2 : 1;
    const tier = usage.input.total > 3_000 ? 2 : 1;
    return Math.round((usage.input.total * 2.5 + usage.output.total * 10.3) * rate * tier);
  },
};

/** Routed and plain rows over four days: fallbacks, failures (some billed), a provider-less row, legacy route strings, imported aggregates. */
function records(): LedgerRecord[] {
  const random = seededRandom(7);
  const targets = ['mini@openai', 'big@openai', 'haiku@anthropic'];
  const out: LedgerRecord[] = [];
  for (let index = 0; index < 800; index += 1) {
    const target = targets[index % targets.length]!;
    const [model, provider] = target.split('@') as [string, string];
    const roll = random();
    const fallbacks = roll < 0.15 ? 1 : roll < 0.2 ? 2 : 0;
    const route: RouteDecision | null =
      index % 5 === 0 ? null : index % 37 === 0 ? { summary: `legacy:${target}`, ...(fallbacks ? { fallbacks } : {}) } : { summary: `cheapest:${model}`, chosen: target, strategy: index % 7 === 1 ? 'learned' : 'cheapest', ...(fallbacks ? { fallbacks } : {}) };
    const failed = random() < 0.08;
    const input = Math.floor(random() * 5_000);
    const output = Math.floor(random() * 900);
    out.push(
      ledgerRecord({
        timeMs: BASE + Math.floor(random() * 96 * HOUR),
        projectId: index % 2 ? 'search' : 'agents',
        requestedModel: route ? 'thrifty' : model,
        servedModel: index % 41 === 0 ? null : model,
        provider: index % 43 === 0 ? null : provider,
        inputTokens: failed && index % 3 ? 0 : input,
        outputTokens: failed ? 0 : output,
        cacheReadTokens: Math.floor(input * random() * 0.3),
        costNanoUsd: failed && index % 3 ? 0 : Math.floor(random() * 9_000_000),
        status: failed ? 502 : 200,
        route,
      }),
    );
  }
  // Imported usage: aggregates of many requests, never routed.
  out.push(ledgerRecord({ timeMs: BASE + 5 * HOUR, origin: 'import:openai-usage-json', requests: 40, costNanoUsd: 77_000_000 }));
  return out;
}

function contract(open: () => Promise<{ storage: Storage; cleanup(): Promise<void> }>): void {
  let storage: Storage;
  let cleanup: () => Promise<void>;
  const rows = records();
  beforeAll(async () => {
    ({ storage, cleanup } = await open());
    await storage.ledger.append(rows);
  });
  afterAll(async () => {
    await storage?.close();
    await cleanup?.();
  });

  const filters: Array<[string, LedgerFilter, string]> = [
    ['the whole ledger', {}, 'daily'],
    ['whole days', { fromMs: BASE + 24 * HOUR, toMs: BASE + 72 * HOUR }, 'daily'],
    ['whole days between hour edges', { fromMs: BASE + 7 * HOUR, toMs: BASE + 50 * HOUR, projectId: 'search' }, 'days+hours'],
    ['hours within a day', { fromMs: BASE + 1 * HOUR, toMs: BASE + 23 * HOUR }, 'rollup'],
    ['a provider', { provider: 'openai' }, 'daily'],
    ['unaligned bounds (raw rows)', { fromMs: BASE + 7 * HOUR + 1_234, toMs: BASE + 80 * HOUR - 5 }, 'raw'],
  ];
  for (const [name, filter, source] of filters) {
    it(`${name}: the rollup answer equals the raw rows' answer (${source})`, async () => {
      expect(summarySource([...ROUTING_DIMENSIONS], filter)).toBe(source);
      const fromRollups = await routingReportFromLedger(storage.ledger, filter, strong, { learned: true });
      const fromRows = routingReportFromRows(await storage.ledger.list(filter, 100_000), strong, { learned: true });
      expect(fromRollups).toEqual(fromRows);
      // And both are right: counted straight from the records written.
      const inWindow = rows.filter((r) => (filter.fromMs === undefined || r.timeMs >= filter.fromMs) && (filter.toMs === undefined || r.timeMs < filter.toMs) && (filter.projectId === undefined || r.projectId === filter.projectId) && (filter.provider === undefined || r.provider === filter.provider));
      const served = inWindow.filter((r) => r.route !== null && r.status < 400);
      expect(fromRollups.routedRequests).toBe(served.length);
      expect(fromRollups.fallbacksFired).toBe(served.filter((r) => (r.route?.fallbacks ?? 0) > 0).length);
      expect(fromRollups.routedRequests).toBeGreaterThan(50);
      expect(fromRollups.fallbacksFired).toBeGreaterThan(5);
      expect(fromRollups.share.reduce((sum, s) => sum + s.requests, 0)).toBe(served.length);
      expect(Number(fromRollups.alwaysStrong?.costUsd)).toBeGreaterThan(0);
      // The learned router's share, read from the decisions' strategy (raw rows: the rollups do not keep it).
      const learned = served.filter((r) => r.route?.strategy === 'learned');
      expect(learned.length).toBeGreaterThan(10);
      expect(fromRollups.learned?.requests).toBe(learned.length);
      expect(fromRollups.learned?.targets.reduce((sum, t) => sum + t.requests, 0)).toBe(learned.length);
      expect(fromRollups.learned?.sharePercent).toBe(Math.round((learned.length / served.length) * 10_000) / 100);
      expect((await routingReportFromLedger(storage.ledger, filter, strong)).learned).toBeUndefined();
    });
  }
}

describe('routing analytics from rollups: SQLite', () => {
  contract(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-routing-rollups-'));
    return { storage: await openStorage({ dataDir: dir }), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  });
});

skipUnless(testDatabaseUrl !== undefined, NO_TEST_DATABASE)('routing analytics from rollups: PostgreSQL', () => {
  contract(async () => {
    const database = await freshDatabase(testDatabaseUrl!);
    return { storage: await openStorage({ dataDir: '/nonexistent', databaseUrl: database.url }), cleanup: () => database.drop() };
  });
});
