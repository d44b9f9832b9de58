/**
 * Anomaly check benchmark: `npm run bench:anomalies`. Builds a SQLite ledger whose hourly rollup
 * holds 15 days of real ServeGen traffic (313 clients as keys in 8 projects over 3 models, one
 * ledger row per client-hour carrying that hour's cost; a synthetic 300-key org when ../shared/data
 * is absent), then times what the runtime does as an hour closes: `monitor.check()` (one
 * summarize over the rollup by hour, org, project, user, key and model; the pure detection; the
 * episode fold and its writes). Prints one JSON line: the rollup's combinations, p50 and max of a
 * check over CHECKS successive hours (wall and CPU time), and the split (a full 15-day summarize, as
 * at start, vs the detection) of one check.
 * Target: a check under 100 ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HOUR_MS, buildCube, type HourCell } from '../src/analytics/anomalies/cube.ts';
import { detectHour, judgedSeries, watchedSeries } from '../src/analytics/anomalies/detect.ts';
import { createAnomalyMonitor } from '../src/analytics/anomalies/monitor.ts';
import { LOOKBACK_HOURS, createAnomalyScanner } from '../src/analytics/anomalies/scanner.ts';
import { openStorage } from '../src/storage/open-storage.ts';
import { ledgerRecord } from '../test/support/ledger-records.ts';
import { hasSharedData } from '../test/support/shared-data.ts';
import { EPOCH_MS, cellsOf, loadClients } from '../test/data/servegen-cells.ts';

const CHECKS = Number(process.env.CHECKS ?? 12);

function syntheticCells(): HourCell[] {
  const cells: HourCell[] = [];
  for (let h = 0; h < 14 * 24; h++) {
    for (let k = 0; k < 300; k++) {
      const cycle = 1 + 0.5 * Math.sin(((h % 24) / 24) * 2 * Math.PI + k);
      cells.push({ hourMs: EPOCH_MS + h * HOUR_MS, project: `p${k % 8}`, user: null, key: `k${k}`, model: `m${k % 3}`, requests: 100, costNanoUsd: Math.round(1e8 * cycle * (1 + (k % 17))), inputTokens: 1000, outputTokens: 100 });
    }
  }
  return cells;
}

const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-anomaly-bench-'));
try {
  const source = hasSharedData('servegen/language-m-mid-rates.csv') ? 'servegen' : 'synthetic';
  const cells = source === 'servegen' ? cellsOf(loadClients()) : syntheticCells();
  const storage = await openStorage({ dataDir: dir });
  const records = cells.map((c, i) =>
    ledgerRecord({ id: `r${i}`, timeMs: c.hourMs + 60_000, orgId: 'bench', projectId: c.project, keyId: c.key, userId: c.user, servedModel: c.model, requestedModel: c.model, costNanoUsd: c.costNanoUsd, inputCostNanoUsd: c.costNanoUsd, outputCostNanoUsd: 0, inputTokens: Math.round(c.inputTokens), outputTokens: Math.round(c.outputTokens) }),
  );
  for (let i = 0; i < records.length; i += 5_000) await storage.ledger.append(records.slice(i, i + 5_000));
  // Checks run for the last CHECKS hours of the 14 days, one per closed hour, as the scheduler would.
  let nowMs = EPOCH_MS + (14 * 24 - CHECKS) * HOUR_MS + 60_000;
  const monitor = createAnomalyMonitor({ scan: createAnomalyScanner(storage.ledger), store: storage.anomalies, now: () => nowMs });
  await monitor.check(); // the first check catches up on a day of hours: not the steady state
  const times: number[] = [];
  const cpu: number[] = [];
  let found = 0;
  for (let i = 0; i < CHECKS - 1; i++) {
    nowMs += HOUR_MS;
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    found += (await monitor.check()).length;
    const used = process.cpuUsage(cpuStart);
    times.push(performance.now() - start);
    cpu.push((used.user + used.system) / 1000);
  }
  cpu.sort((a, b) => a - b);
  // The split of one check: the rollup read, then the pure detection over the cube.
  const closed = Math.floor(nowMs / HOUR_MS) * HOUR_MS - HOUR_MS;
  const startMs = closed - (LOOKBACK_HOURS - 1) * HOUR_MS;
  let t0 = performance.now();
  const rows = await storage.ledger.summarize(['hour', 'org', 'project', 'user', 'key', 'model'], { fromMs: startMs, toMs: closed + HOUR_MS });
  const summarizeMs = performance.now() - t0;
  t0 = performance.now();
  const cube = buildCube(rows.map((r) => ({ hourMs: Date.parse(r.keys.hour!), project: r.keys.project!, user: r.keys.user ?? null, key: r.keys.key ?? null, model: r.keys.model!, requests: r.requests, costNanoUsd: r.costNanoUsd, inputTokens: r.inputTokens, outputTokens: r.outputTokens })), startMs, LOOKBACK_HOURS);
  detectHour(cube, LOOKBACK_HOURS - 1, 'bench', undefined, watchedSeries(cube));
  const detectMs = performance.now() - t0;
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({
    source,
    ledgerRows: records.length,
    rollupRowsRead: rows.length,
    combinations: cube.combos.length,
    watchedSeries: watchedSeries(cube).length,
    // Of those, judged in the last hour: the total, projects, models and the keys above the volume floor.
    judgedSeries: judgedSeries(watchedSeries(cube), LOOKBACK_HOURS - 1),
    checks: times.length,
    checkP50Ms: Number(times[Math.floor(times.length / 2)]!.toFixed(1)),
    checkMaxMs: Number(times[times.length - 1]!.toFixed(1)),
    // CPU time of the process during a check: what the check costs the event loop, less inflated than wall time on a shared machine.
    checkCpuP50Ms: Number(cpu[Math.floor(cpu.length / 2)]!.toFixed(1)),
    checkCpuMaxMs: Number(cpu[cpu.length - 1]!.toFixed(1)),
    loadAverage: Number((await import('node:os')).loadavg()[0]!.toFixed(1)),
    summarizeMs: Number(summarizeMs.toFixed(1)),
    detectMs: Number(detectMs.toFixed(1)),
    anomaliesTouched: found,
    targetMs: 100,
  }));
  await storage.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
