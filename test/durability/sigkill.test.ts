import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerRecord } from '../../src/ledger/record.ts';
import { startMockProvider } from '../../src/mock-provider/index.ts';
import type { MockProvider } from '../../src/mock-provider/types.ts';
import { startGatewayProcess } from '../support/gateway-process.ts';

const ADMIN = 'durability-admin-key-000000';

/**
 * Kills the gateway with SIGKILL in the middle of a load and restarts it on the same state
 * directory: every request whose response the client received must be in the ledger, once.
 */
describe('no loss under SIGKILL', () => {
  let mock: MockProvider;
  let dataDir: string;

  beforeAll(async () => {
    mock = await startMockProvider({ port: 0, recordRequests: false });
    dataDir = mkdtempSync(path.join(tmpdir(), 'tollgate-sigkill-'));
  });
  afterAll(async () => {
    await mock.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  // With `ledger.fsync` the journal is also flushed to disk per group commit (power-loss safe); the
  // process-kill guarantee must hold either way, and the run shows what the flush costs in throughput.
  it.each([false, true])('every accepted request is in the ledger after a SIGKILL and a restart (fsync %s)', { timeout: 120_000 }, async (fsync) => {
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true });
    const extraConfig = [`ledger: { fsync: ${fsync} }`];
    const first = await startGatewayProcess({ mockUrl: mock.url, dataDir, adminKey: ADMIN, extraConfig });
    const accepted = new Set<string>();
    let stop = false;
    let attempts = 0;
    const worker = async (n: number) => {
      while (!stop) {
        attempts += 1;
        const stream = attempts % 3 === 0;
        try {
          const response = await fetch(`${first.url}/v1/chat/completions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content: `worker ${n}` }], mock: { usage: { input: 100 + n, output: 10 } } }),
          });
          const text = await response.text();
          const id = response.headers.get('x-tollgate-request-id');
          // Accepted = the client got the whole answer (a stream only counts once its closing cost comment arrived).
          if (response.status === 200 && id && (!stream || text.includes('x-tollgate-cost-usd'))) accepted.add(id);
        } catch {
          // the gateway died under us: that request was never acknowledged
        }
      }
    };
    const load = Promise.all(Array.from({ length: 24 }, (_, n) => worker(n)));
    // Let it run well past several flush intervals and into the middle of batches (and, on a loaded
    // machine, until enough requests were acknowledged to mean something), then kill it.
    const started = Date.now();
    while (Date.now() - started < 2_500 || (accepted.size <= 200 && Date.now() - started < 30_000)) await new Promise((resolve) => setTimeout(resolve, 100));
    first.process.kill('SIGKILL');
    await new Promise((resolve) => first.process.once('exit', resolve));
    stop = true;
    await load;
    expect(accepted.size).toBeGreaterThan(200);

    const second = await startGatewayProcess({ mockUrl: mock.url, dataDir, adminKey: ADMIN, extraConfig });
    try {
      const response = await fetch(`${second.url}/api/ledger?limit=10000`, { headers: { authorization: `Bearer ${ADMIN}` } });
      const { data } = (await response.json()) as { data: LedgerRecord[] };
      const ids = data.map((row) => row.id);
      const missing = [...accepted].filter((id) => !ids.includes(id));
      console.log(`sigkill (fsync ${fsync}): ${attempts} attempts, ${accepted.size} acknowledged, ${data.length} ledger rows after restart, ${missing.length} missing`);
      expect(missing).toEqual([]);
      expect(new Set(ids).size).toBe(ids.length);
      for (const row of data.filter((r) => accepted.has(r.id))) expect(row.status).toBe(200);
    } finally {
      await second.stop();
    }
  });
});
