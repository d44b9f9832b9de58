import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createForecastProjector } from '../../src/analytics/forecast/spend-projector.ts';
import { AlertChecks } from '../../src/budgets/alert-checks.ts';
import type { AlertToRaise } from '../../src/budgets/alert-evaluation.ts';
import { createMemoryCounters } from '../../src/budgets/counters/memory.ts';
import type { BudgetCounters } from '../../src/budgets/counters/types.ts';
import type { ActiveBudget } from '../../src/budgets/store.ts';
import { openStorage, type Storage } from '../../src/storage/open-storage.ts';
import { ledgerRecord } from '../support/ledger-records.ts';

const HOUR = 3_600_000;
const NANO = 1e9;
const NOW = Date.parse('2026-11-22T12:00:00Z');
const ACCELERATION = Date.parse('2026-11-15T00:00:00Z');

const budget = (limitUsd: number, id = 'monthly'): ActiveBudget => ({
  id,
  scope: 'project',
  value: 'web',
  period: 'monthly',
  timezone: 'UTC',
  limitUsd,
  includeFixedCosts: false,
  thresholds: [{ percent: 90, action: 'alert' }],
  onCounterFailure: 'fail-open',
});

/**
 * Issue #13: the burn-rate alert uses the forecast's end-of-period projection (wired as the
 * runtime wires it: a projector over the real SQLite ledger) instead of a straight line. Project
 * web spent $0.10 an hour until 15 November and $0.30 since: on 22 November at noon it has spent
 * $87.60 of the month. The straight line (the month's average rate) ends the month near $122; the
 * forecast, which follows the last week's level, near $145.
 */
describe('burn-rate alerts from the forecast (real SQLite ledger)', () => {
  let dataDir: string;
  let storage: Storage;
  const spent = 14 * 24 * 0.1 + 7.5 * 24 * 0.3;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tollgate-forecast-burn-'));
    storage = await openStorage({ dataDir });
    const records = [];
    for (let t = NOW - 35 * 24 * HOUR; t < NOW; t += HOUR) {
      const cost = Math.round((t < ACCELERATION ? 0.1 : 0.3) * NANO);
      records.push(ledgerRecord({ timeMs: t + 60_000, projectId: 'web', costNanoUsd: cost, inputCostNanoUsd: cost, outputCostNanoUsd: 0 }));
      // Another project's spend is outside the budget's scope and must not move its forecast.
      records.push(ledgerRecord({ timeMs: t + 120_000, projectId: 'batch', costNanoUsd: 5 * NANO, inputCostNanoUsd: 5 * NANO, outputCostNanoUsd: 0 }));
    }
    await storage.ledger.append(records);
  });
  afterAll(async () => {
    await storage?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const check = async (limitUsd: number, withProjector: boolean) => {
    const raised: AlertToRaise[] = [];
    const memory = createMemoryCounters();
    // The counters say what the enforcer would: the month's spend so far.
    const counters: BudgetCounters = Object.assign(Object.create(memory) as BudgetCounters, { peek: async () => [Math.round(spent * NANO)] });
    const checks = new AlertChecks({
      config: { alerts: { burnRate: true } } as never,
      counters,
      alerts: { raise: async (alert) => (raised.push(alert as AlertToRaise), true) },
      now: () => NOW,
      log: () => {},
      fixedNano: () => 0,
      projector: withProjector ? createForecastProjector(storage.ledger) : undefined,
    });
    await checks.check([budget(limitUsd, `b${limitUsd}${withProjector}`)]);
    return raised.filter((alert) => alert.kind === 'burn-rate');
  };

  it('the forecast projects the last week’s level to the month’s end, within the scope', async () => {
    const projection = await createForecastProjector(storage.ledger).project({ filter: { projectId: 'web' }, nowMs: NOW, periodEndMs: Date.parse('2026-12-01T00:00:00Z'), spentNano: Math.round(spent * NANO), limitNano: 135 * NANO });
    expect(projection!.model).toBe('mstl');
    // 8.5 days left at about $7.20 a day: about $61 more.
    expect(projection!.projectedNano / NANO).toBeGreaterThan(spent + 50);
    expect(projection!.projectedNano / NANO).toBeLessThan(spent + 66);
    expect(projection!.lo80Nano).toBeLessThanOrEqual(projection!.projectedNano);
    expect(projection!.hi80Nano).toBeGreaterThanOrEqual(projection!.projectedNano);
    expect(projection!.exhaustionAtMs).toBeGreaterThan(NOW);
  });

  it('warns where the straight line stays quiet: the spend accelerated last week', async () => {
    expect(await check(135, false)).toEqual([]);
    const alerts = await check(135, true);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.message).toMatch(/forecast \(mstl\) projects \$1[34]\d\.\d+ by the period's end \(80%: /);
  });

  it('stays quiet when even the forecast ends the month under the limit', async () => {
    expect(await check(200, true)).toEqual([]);
  });

  it('falls back to the straight line on a budget without history', async () => {
    const empty = await createForecastProjector(storage.ledger).project({ filter: { projectId: 'none-yet' }, nowMs: NOW, periodEndMs: Date.parse('2026-12-01T00:00:00Z'), spentNano: 0, limitNano: NANO });
    expect(empty).toBeUndefined();
  });
});
