import { parentPort, workerData } from 'node:worker_threads';
import { lowerThreadPriority } from './thread-priority.ts';
import { createAnomalyScanner, type ScanRequest } from '../analytics/anomalies/scanner.ts';
import type { DetectOptions } from '../analytics/anomalies/options.ts';
import { openLedgerReader, type LedgerLocation } from '../storage/open-ledger-reader.ts';
import { BACKGROUND_READ_WORKER_NICE } from '../storage/sqlite/read-worker.ts';

/**
 * The anomaly scan worker's entry (started by anomaly-scan-pool.ts): opens its own read view of the
 * ledger, then runs each scan it is sent (read the hourly rollup, build the cubes, detect), one at a
 * time, keeping the window's cells between scans, and answers with the findings and the task's id.
 */
// Below the gateway's thread (see thread-priority.ts).
lowerThreadPriority(BACKGROUND_READ_WORKER_NICE);
const { location, options } = workerData as { location: LedgerLocation; options?: DetectOptions };
const reader = await openLedgerReader(location, { connections: 1 });
const scan = createAnomalyScanner(reader.ledger, options);
parentPort?.on('message', (message: { id: number; task: ScanRequest }) => {
  scan(message.task).then(
    (result) => parentPort!.postMessage({ id: message.id, result }),
    (error: unknown) => parentPort!.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
// Loaded (tsx, the driver, the connection): the pool sends scans, and starts their timeouts, from here on.
parentPort?.postMessage({ ready: true });
