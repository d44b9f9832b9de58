import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path, { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budgetSchema } from '../../src/config/schema.ts';
import { openStorage } from '../../src/storage/open-storage.ts';
import { ledgerRecord } from '../support/ledger-records.ts';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const HOUR = 3_600_000;

/** `tollgate forecast` as a separate process on a real SQLite store (no gateway running: it reads the store). */
describe('tollgate forecast (CLI, local store)', () => {
  let dataDir: string;
  const cli = async (args: string[]) => {
    const env = { ...process.env, TOLLGATE_DATA_DIR: dataDir, TOLLGATE_ADMIN_KEY: '', DATABASE_URL: '' };
    try {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'forecast', ...args], { cwd: root, env });
      return { code: 0, out: stdout };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, out: `${e.stdout}${e.stderr}` };
    }
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tollgate-forecast-cli-'));
    const storage = await openStorage({ dataDir });
    const currentHour = Math.floor(Date.now() / HOUR) * HOUR;
    const records = [];
    for (let h = 10 * 24; h >= 1; h--) {
      const timeMs = currentHour - h * HOUR + 1_000;
      const cost = Math.round(3e6 * (1.1 + Math.sin((new Date(timeMs).getUTCHours() / 24) * 2 * Math.PI)));
      records.push(ledgerRecord({ timeMs, projectId: h % 2 ? 'web' : 'api', costNanoUsd: cost, inputCostNanoUsd: cost, outputCostNanoUsd: 0 }));
    }
    await storage.ledger.append(records);
    // A budget created through the admin API lives in the store: the CLI finds it without a gateway.
    await storage.budgets.saveBudget(budgetSchema.parse({ id: 'web-monthly', scope: 'project', org: 'acme', value: 'web', period: 'monthly', limitUsd: 500 }));
    // One stored before limits were range-checked (or edited by hand): read as the gateway enforces it, not a crash.
    await storage.budgets.saveBudget({ ...budgetSchema.parse({ id: 'api-null-limit', scope: 'project', org: 'acme', value: 'api', period: 'monthly', limitUsd: 1 }), limitUsd: null as unknown as number });
    await storage.close();
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints a daily table with the model, its reason, parts and a backtest', { timeout: 60_000 }, async () => {
    const { code, out } = await cli(['--horizon', '3d', '--by', 'project', '--backtest']);
    expect(code).toBe(0);
    expect(out).toMatch(/model: mstl/);
    expect(out).toMatch(/10\.0 days of history/);
    expect(out).toMatch(/^total\s+\$/m);
    expect(out).toMatch(/^\s+web\s+\$/m);
    expect(out).toMatch(/backtest: \d+ origins/);
    expect(out).toMatch(/same hour yesterday \d/);
  });

  it('projects the store\u2019s budgets to their period\u2019s end from the ledger, without a gateway', { timeout: 60_000 }, async () => {
    const json = JSON.parse((await cli(['--horizon', '24h', '--format', 'json'])).out) as { budgets: { budgetId: string; spentNanoUsd: number; projectedNanoUsd: number; limitNanoUsd: number; method: string }[] };
    const budget = json.budgets.find((b) => b.budgetId === 'web-monthly')!;
    expect(budget.limitNanoUsd).toBe(500e9);
    expect(budget.method).toMatch(/^forecast \(|^straight-line$/);
    expect(budget.projectedNanoUsd).toBeGreaterThanOrEqual(budget.spentNanoUsd);
    // Spent this month: the web rows (odd hours) since the month began, read from the ledger.
    const monthStart = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1);
    const currentHour = Math.floor(Date.now() / HOUR) * HOUR;
    let expected = 0;
    for (let h = 10 * 24; h >= 1; h -= 1) {
      const timeMs = currentHour - h * HOUR + 1_000;
      if (h % 2 && timeMs >= monthStart) expected += Math.round(3e6 * (1.1 + Math.sin((new Date(timeMs).getUTCHours() / 24) * 2 * Math.PI)));
    }
    expect(budget.spentNanoUsd).toBe(expected);
    // The null limit fails closed at one nano-dollar, as the gateway enforces it.
    expect(json.budgets.find((b) => b.budgetId === 'api-null-limit')!.limitNanoUsd).toBe(1);
    const table = (await cli(['--horizon', '24h'])).out;
    expect(table).toMatch(/budgets at period end:/);
    expect(table).toMatch(/web-monthly/);
  });

  it('writes JSON and CSV', { timeout: 60_000 }, async () => {
    const json = JSON.parse((await cli(['--horizon', '24h', '--format', 'json', '--metric', 'requests'])).out) as { metric: string; points: unknown[] };
    expect(json.metric).toBe('requests');
    expect(json.points).toHaveLength(24);
    const csv = (await cli(['--horizon', '24h', '--format', 'csv'])).out.trim().split('\n');
    expect(csv[0]).toBe('time,mean,lo80,hi80,lo95,hi95');
    expect(csv).toHaveLength(25);
    const selected = JSON.parse((await cli(['--horizon', '24h', '--format', 'json', '--select-method'])).out) as { model: string; reason: string; points: unknown[] };
    expect(selected.model).toBe('mstl');
    expect(selected.reason).toMatch(/chosen by a backtest on the history/);
    expect(selected.points).toHaveLength(24);
  });

  it('refuses bad flags with exit code 2', { timeout: 60_000 }, async () => {
    for (const args of [['--horizon', 'soon'], ['--by', 'user']]) {
      const { code, out } = await cli(args);
      expect(code, args.join(' ')).toBe(2);
      expect(out).toMatch(/usage: tollgate forecast/);
    }
  });
});
