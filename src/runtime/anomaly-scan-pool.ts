import type { DetectOptions } from '../analytics/anomalies/options.ts';
import type { Scan, ScanRequest, ScanResult } from '../analytics/anomalies/scanner.ts';
import { createWorkerPool, poolFace, type WorkerPool } from '../analytics/worker-pool.ts';
import type { LedgerLocation } from '../storage/open-ledger-reader.ts';

export interface AnomalyScanPool extends Omit<WorkerPool<ScanRequest, ScanResult>, 'run'> {
  scan: Scan;
}

/**
 * The anomaly monitor's reading and detecting (scanner.ts) on one worker thread at background
 * priority, with its own read view of the ledger at `location` (pool mechanics in worker-pool.ts).
 * A first check reads fifteen days of the hourly rollup and builds each org's cube: on a ledger with
 * many users and keys that is seconds of CPU and hundreds of thousands of cells, which on the
 * gateway's own thread would delay proxied calls and the dashboard's. Only the findings come back;
 * the monitor folds them into episodes and stores them on the gateway's thread.
 */
export function createAnomalyScanPool(location: LedgerLocation, options?: DetectOptions): AnomalyScanPool {
  const pool = createWorkerPool<ScanRequest, ScanResult>({
    entry: new URL('./anomaly-scan-worker.ts', import.meta.url),
    workerData: { location, options },
    noun: 'anomaly check',
    timeoutMs: 600_000,
    timeoutAdvice: 'the next hourly check starts over',
    maxQueued: 4,
  });
  return poolFace(pool, { scan: (request: ScanRequest) => pool.run(request) });
}
