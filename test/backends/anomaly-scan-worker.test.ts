import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAnomalyScanner } from '../../src/analytics/anomalies/scanner.ts';
import type { LedgerRecord } from '../../src/ledger/record.ts';
import { createAnomalyScanPool, type AnomalyScanPool } from '../../src/runtime/anomaly-scan-pool.ts';
import { openStorage, type Storage } from '../../src/storage/open-storage.ts';
import { freshDatabase, NO_TEST_DATABASE, testDatabaseUrl } from '../support/fresh-database.ts';
import { ledgerRecord } from '../support/ledger-records.ts';
import { skipUnless } from '../support/skip-unless.ts';

const HOUR = 3_600_000;
const END = Date.parse('2026-11-20T10:00:00Z');

/** Nine days of steady hourly spend on two keys, then one key runs away for the last three hours. */
function ledger(): LedgerRecord[] {
  const rows: LedgerRecord[] = [];
  for (let hourMs = END - 9 * 24 * HOUR; hourMs < END; hourMs += HOUR) {
    const cycle = 1 + 0.4 * Math.sin((new Date(hourMs).getUTCHours() / 24) * 2 * Math.PI);
    const runaway = hourMs >= END - 3 * HOUR ? 25 : 1;
    for (const [keyId, usd, factor] of [['key-a', 0.4, runaway], ['key-b', 0.3, 1]] as const) {
      const cost = Math.round(usd * cycle * factor * 1e9);
      rows.push(ledgerRecord({ timeMs: hourMs + 7 * 60_000, projectId: 'web', keyId, costNanoUsd: cost, inputCostNanoUsd: cost, outputCostNanoUsd: 0 }));
    }
  }
  return rows;
}

const stores: Array<[string, boolean, () => Promise<{ storage: Storage; cleanup(): Promise<void> }>]> = [
  [
    'SQLite',
    true,
    async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-anomaly-scan-'));
      return { storage: await openStorage({ dataDir: dir }), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  ],
  [
    'PostgreSQL',
    testDatabaseUrl !== undefined,
    async () => {
      const database = await freshDatabase(testDatabaseUrl!);
      return { storage: await openStorage({ dataDir: '/nonexistent', databaseUrl: database.url }), cleanup: () => database.drop() };
    },
  ],
];

for (const [name, available, open] of stores) skipUnless(available, NO_TEST_DATABASE)(`anomaly scans on a worker thread (${name})`, () => {
  let storage: Storage;
  let cleanup: () => Promise<void>;
  let pool: AnomalyScanPool;

  beforeAll(async () => {
    ({ storage, cleanup } = await open());
    await storage.ledger.append(ledger());
    pool = createAnomalyScanPool(storage.location);
  });
  afterAll(async () => {
    await pool?.close();
    await storage?.close();
    await cleanup?.();
  });

  it('finds what the in-process scanner finds, hour by hour, on its own read connection', async () => {
    const request = { closedHourMs: END - 2 * HOUR, lastCheckedHourMs: Number.NEGATIVE_INFINITY };
    const inProcess = await createAnomalyScanner(storage.ledger)(request);
    const onWorker = await pool.scan(request);
    expect(pool.started).toBe(true);
    // A catch-up: the day up to the closed hour.
    expect(onWorker.hours.map((h) => h.hourMs)).toEqual(Array.from({ length: 24 }, (_, i) => END - 25 * HOUR + i * HOUR));
    expect(onWorker).toEqual(inProcess);
    const runaway = onWorker.hours.at(-1)!.findings;
    expect(runaway.length).toBeGreaterThan(0);
    expect(runaway.some((f) => f.rootCause.some((cause) => cause.value === 'key-a'))).toBe(true);
  });

  it('a following scan reads only the new hours and answers as a fresh scan of the whole window would', async () => {
    const next = { closedHourMs: END - HOUR, lastCheckedHourMs: END - 2 * HOUR };
    const continued = await pool.scan(next);
    const fresh = await createAnomalyScanner(storage.ledger)(next);
    expect(continued.hours.map((h) => h.hourMs)).toEqual([END - HOUR]);
    expect(continued).toEqual(fresh);
    // A scan that does not follow the last one (a check failed in between, or the worker restarted) reads the whole window again.
    const skipped = { closedHourMs: END, lastCheckedHourMs: END - 3 * HOUR };
    expect(await pool.scan(skipped)).toEqual(await createAnomalyScanner(storage.ledger)(skipped));
  });
});
