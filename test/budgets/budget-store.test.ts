import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveBudgets } from '../../src/budgets/definitions.ts';
import type { BudgetAlert, StoredBudget } from '../../src/budgets/store.ts';
import { budgetSchema } from '../../src/config/schema.ts';
import { openStorage, type Storage } from '../../src/storage/open-storage.ts';
import { NO_POSTGRES_BINARIES, postgresAvailable, startPostgresCluster, type PostgresCluster } from '../support/postgres-cluster.ts';
import { skipUnless } from '../support/skip-unless.ts';

const alert = (id: string, budgetId: string, timeMs: number, kind = `threshold:${id}`): BudgetAlert => ({ id, timeMs, budgetId, windowStartMs: 0, kind, spentNano: 1, limitNano: 2, message: id });

/** Budget rows (definitions and overlays) and alerts behave the same in SQLite and PostgreSQL. */
function contract(name: string, open: () => Promise<{ storage: Storage; cleanup(): Promise<void> }>, enabled = true) {
  skipUnless(enabled, NO_POSTGRES_BINARIES)(`${name} budget store`, () => {
    let storage: Storage;
    let cleanup: () => Promise<void>;
    beforeAll(async () => {
      ({ storage, cleanup } = await open());
    });
    afterAll(async () => {
      await storage?.close();
      await cleanup?.();
    });

    it('keeps definitions (with a reset time) and overlays, which resolve over the config budgets', async () => {
      const fromFile = budgetSchema.parse({ id: 'file', scope: 'global', period: 'daily', limitUsd: 1 });
      const other = budgetSchema.parse({ id: 'file-2', scope: 'global', period: 'daily', limitUsd: 1 });
      const made = { ...budgetSchema.parse({ id: 'made', scope: 'project', org: 'acme', value: 'p', period: 'monthly', limitUsd: 2, timezone: 'Europe/Paris' }), resetAtMs: 1_700_000_000_000 };
      const rows: StoredBudget[] = [made, { id: 'file', overlay: true, resetAtMs: 1_700_000_000_001 }, { id: 'file-2', overlay: true, deleted: true }];
      for (const row of rows) await storage.budgets.saveBudget(row);
      const listed = await storage.budgets.listBudgets();
      expect(listed).toEqual(expect.arrayContaining(rows));
      expect(resolveBudgets([fromFile, other], listed)).toEqual([{ ...fromFile, resetAtMs: 1_700_000_000_001 }, made]);
      expect(await storage.budgets.deleteBudget('made')).toBe(true);
      expect(await storage.budgets.deleteBudget('made')).toBe(false);
    });

    it('lists alerts newest first, filtered by budget, deduplicated per budget, window and kind', async () => {
      expect(await storage.budgets.insertAlert(alert('a', 'x', 1_000))).toBe(true);
      expect(await storage.budgets.insertAlert(alert('b', 'y', 3_000))).toBe(true);
      expect(await storage.budgets.insertAlert(alert('c', 'x', 2_000))).toBe(true);
      expect(await storage.budgets.insertAlert({ ...alert('d', 'x', 4_000), kind: 'threshold:a' })).toBe(false);
      expect((await storage.budgets.listAlerts(10)).map((a) => a.id)).toEqual(['b', 'c', 'a']);
      expect((await storage.budgets.listAlerts(10, ['x'])).map((a) => a.id)).toEqual(['c', 'a']);
      expect((await storage.budgets.listAlerts(1, ['x', 'y'])).map((a) => a.id)).toEqual(['b']);
      expect(await storage.budgets.listAlerts(10, [])).toEqual([]);
      expect(await storage.budgets.listAlerts(10, ["x' OR 1=1 --"])).toEqual([]);
    });
  });
}

contract('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-budget-store-'));
  return { storage: await openStorage({ dataDir: dir }), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});

let cluster: PostgresCluster | undefined;
contract(
  'PostgreSQL',
  async () => {
    cluster = startPostgresCluster();
    return { storage: await openStorage({ dataDir: '/nonexistent', databaseUrl: cluster.url }), cleanup: async () => cluster?.destroy() };
  },
  postgresAvailable,
);
