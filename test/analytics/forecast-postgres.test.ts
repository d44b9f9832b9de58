import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { forecastLedger } from '../../src/analytics/forecast/ledger-forecast.ts';
import { openStorage } from '../../src/storage/open-storage.ts';
import { ROOT_KEY, startAccessGateway, type AccessGateway } from '../access/gateway.ts';
import { freshDatabase, NO_TEST_DATABASE, testDatabaseUrl } from '../support/fresh-database.ts';
import { ledgerRecord } from '../support/ledger-records.ts';
import { skipUnless } from '../support/skip-unless.ts';

const HOUR = 3_600_000;

/**
 * GET /api/cost/forecast on a PostgreSQL store (the gateway's fits on its worker): the same
 * forecast as the same rows in a SQLite store give in process, parts by project, the budget
 * projected by the forecast in both the forecast and /api/budgets.
 */
skipUnless(testDatabaseUrl !== undefined, NO_TEST_DATABASE)('GET /api/cost/forecast on PostgreSQL', () => {
  let database: { url: string; drop(): Promise<void> };
  let g: AccessGateway;
  const sqliteDir = mkdtempSync(join(tmpdir(), 'tollgate-forecast-pg-'));
  const records: ReturnType<typeof ledgerRecord>[] = [];

  beforeAll(async () => {
    database = await freshDatabase(testDatabaseUrl!);
    g = await startAccessGateway({
      gateway: { databaseUrl: database.url },
      config: (input) => ({ ...input, budgets: [{ id: 'monthly', scope: 'global', period: 'monthly', limitUsd: 1000, thresholds: [{ percent: 80, action: 'alert' }] }] as typeof input.budgets }),
    });
    const currentHour = Math.floor(Date.now() / HOUR) * HOUR;
    for (let h = 21 * 24; h >= 1; h--) {
      const timeMs = currentHour - h * HOUR + 90_000;
      const hour = new Date(timeMs).getUTCHours();
      const web = Math.round(2e6 * (1.2 + Math.sin((hour / 24) * 2 * Math.PI)));
      records.push(ledgerRecord({ timeMs, projectId: 'web', costNanoUsd: web, inputCostNanoUsd: web, outputCostNanoUsd: 0 }));
      records.push(ledgerRecord({ timeMs, projectId: 'batch', costNanoUsd: hour < 6 ? 4e6 : 5e5, inputCostNanoUsd: hour < 6 ? 4e6 : 5e5, outputCostNanoUsd: 0 }));
    }
    await g.server.gateway.runtime.ledger.append(records);
  }, 120_000);
  afterAll(async () => {
    await g?.close();
    await database?.drop();
    rmSync(sqliteDir, { recursive: true, force: true });
  });

  it('forecasts the PostgreSQL ledger exactly as the same rows in SQLite, with parts and the budget', { timeout: 120_000 }, async () => {
    const response = await g.call('/api/cost/forecast?horizon=7d&history=28d&by=project', ROOT_KEY);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Awaited<ReturnType<typeof forecastLedger>> & { budgets: { budgetId: string; method: string; projectedNanoUsd: number; spentNanoUsd: number }[] };
    expect(body.model).toBe('mstl');
    expect(body.historyHours).toBe(21 * 24);
    expect(body.parts!.map((part) => part.key).sort()).toEqual(['batch', 'web']);
    const budget = body.budgets.find((b) => b.budgetId === 'monthly')!;
    expect(budget.method).toBe('forecast (mstl)');
    expect(budget.projectedNanoUsd).toBeGreaterThan(budget.spentNanoUsd);

    const sqlite = await openStorage({ dataDir: sqliteDir });
    try {
      await sqlite.ledger.append(records);
      const { budgets: _budgets, ...report } = body;
      const same = await forecastLedger(sqlite.ledger, { metric: 'cost', by: 'project', filter: {}, horizonHours: 7 * 24, historyHours: 28 * 24, nowMs: body.points[0]!.t });
      expect(report).toEqual(same);
    } finally {
      await sqlite.close();
    }

    const { data } = (await (await g.call('/api/budgets', ROOT_KEY)).json()) as { data: { id: string; projectionMethod: string; projectedUsd: string }[] };
    const status = data.find((b) => b.id === 'monthly')!;
    expect(status.projectionMethod).toBe('forecast (mstl)');
    expect(Math.abs(Number(status.projectedUsd) * 1e9 - budget.projectedNanoUsd)).toBeLessThan(1e-3 * budget.projectedNanoUsd);
  });
});
