import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ledgerIn } from '../../src/ledger/read-lane.ts';
import { createPostgresLedgerStore } from '../../src/storage/postgres/ledger-store.ts';
import { openPostgres } from '../../src/storage/postgres/open.ts';
import { freshDatabase, NO_TEST_DATABASE, testDatabaseUrl } from '../support/fresh-database.ts';
import { ledgerRecord } from '../support/ledger-records.ts';
import { skipUnless } from '../support/skip-unless.ts';

/**
 * PostgreSQL read lanes on a real server: background reads hold at most one pooled connection at a time (they
 * queue among themselves), interactive reads use the pool as before. Connections in use are counted on the
 * real pool's `query` as the store calls it.
 */
skipUnless(testDatabaseUrl !== undefined, NO_TEST_DATABASE)('PostgreSQL ledger read lanes', () => {
  let database: { url: string; drop(): Promise<void> };
  let pool: pg.Pool;
  let inFlight = 0;
  let peak = 0;
  beforeAll(async () => {
    database = await freshDatabase(testDatabaseUrl!);
    pool = await openPostgres(database.url);
    const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
    (pool as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = async (...args: unknown[]) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      try {
        return await query(...args);
      } finally {
        inFlight -= 1;
      }
    };
    await createPostgresLedgerStore(pool).append(Array.from({ length: 50 }, (_, index) => ledgerRecord({ id: `r${index}`, timeMs: 1_000 + index, projectId: `p${index % 3}` })));
  });
  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  it('runs background reads one at a time, in order, with the same answers; interactive reads run side by side', async () => {
    const ledger = createPostgresLedgerStore(pool);
    const background = ledgerIn(ledger, 'background');
    peak = 0;
    const order: number[] = [];
    const answers = await Promise.all(Array.from({ length: 6 }, (_, index) => background.count({ projectId: `p${index % 3}` }).then((n) => (order.push(index), n))));
    expect(peak).toBe(1);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    expect(answers).toEqual([17, 17, 16, 17, 17, 16]);
    peak = 0;
    const interactive = await Promise.all(Array.from({ length: 6 }, (_, index) => ledger.count({ projectId: `p${index % 3}` })));
    expect(interactive).toEqual(answers);
    expect(peak).toBeGreaterThan(1);
    // A failed background read does not stop the ones queued after it.
    const failing = background.summarize(['project'], { fromMs: Number.NaN });
    const next = background.count();
    await expect(failing).rejects.toThrow();
    expect(await next).toBe(50);
  });
});
