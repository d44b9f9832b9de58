import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.ts';
import { NO_POSTGRES_BINARIES, postgresAvailable, startPostgresCluster, type PostgresCluster } from '../support/postgres-cluster.ts';
import { skipUnless } from '../support/skip-unless.ts';

/**
 * Stops PostgreSQL (immediate shutdown: connections cut) in the middle of a load, keeps serving,
 * starts it again, and requires every request the clients got an answer for to be in the ledger
 * exactly once: rows spill to disk during the outage and are replayed when the store is back.
 */
skipUnless(postgresAvailable, NO_POSTGRES_BINARIES)('no loss across a PostgreSQL outage', () => {
  let cluster: PostgresCluster;
  let h: Harness;

  beforeAll(async () => {
    cluster = startPostgresCluster();
    h = await startHarness({ databaseUrl: cluster.url, mock: { recordRequests: false } });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    cluster?.destroy();
  });

  it('every accepted request is in PostgreSQL after the store comes back', { timeout: 120_000 }, async () => {
    const accepted = new Set<string>();
    let stop = false;
    const worker = async (n: number) => {
      while (!stop) {
        const response = await fetch(`${h.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `w${n}` }], mock: { usage: { input: 50, output: 5 } } }),
        });
        await response.text();
        const id = response.headers.get('x-tollgate-request-id');
        if (response.status === 200 && id) accepted.add(id);
      }
    };
    const load = Promise.all(Array.from({ length: 12 }, (_, n) => worker(n)));
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    await sleep(1_000);
    cluster.stop();
    const atStop = accepted.size;
    await sleep(2_000);
    const duringOutage = accepted.size - atStop;
    const ready = await fetch(`${h.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(h.server.gateway.runtime.ledgerStats().spilled).toBeGreaterThan(0);
    cluster.start();
    await sleep(1_000);
    stop = true;
    await load;

    const runtime = h.server.gateway.runtime;
    const deadline = Date.now() + 60_000;
    await runtime.flushLedger();
    while (runtime.ledgerStats().spilled > 0 && Date.now() < deadline) await sleep(200);
    const rows = await h.ledger();
    const ids = rows.map((r) => r.id);
    const missing = [...accepted].filter((id) => !ids.includes(id));
    console.log(`postgres outage: ${accepted.size} accepted (${duringOutage} while PostgreSQL was down), ${rows.length} rows, ${missing.length} missing`);
    expect(duringOutage).toBeGreaterThan(50);
    expect(missing).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    expect((await fetch(`${h.url}/readyz`)).status).toBe(200);
  });
});
