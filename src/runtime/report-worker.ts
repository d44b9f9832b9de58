import { parentPort, workerData } from 'node:worker_threads';
import { lowerThreadPriority } from './thread-priority.ts';
import type { CostReportRequest } from '../analytics/reports/cost-report-query.ts';
import { inProcessReports } from '../analytics/reports/report-runner.ts';
import { openLedgerReader, type LedgerLocation } from '../storage/open-ledger-reader.ts';
import { READ_WORKER_NICE } from '../storage/sqlite/read-worker.ts';

/**
 * The report worker's entry (started by report-pool.ts): opens its own read view of the ledger, then
 * reads, builds and renders each report it is sent, one at a time, and answers with the body and the
 * task's id. A failing report answers with the error's message; the worker lives on.
 */
// Below the gateway's thread (see thread-priority.ts).
lowerThreadPriority(READ_WORKER_NICE);
const reader = await openLedgerReader(workerData as LedgerLocation);
const reports = inProcessReports(reader.ledger);
parentPort?.on('message', (message: { id: number; task: CostReportRequest }) => {
  reports.render(message.task).then(
    // The bytes' buffer is transferred, not copied (a fresh TextEncoder buffer, never a pooled one).
    (result) => parentPort!.postMessage({ id: message.id, result }, [result.buffer]),
    (error: unknown) => parentPort!.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
// Loaded (tsx, the driver, the connection): the pool sends reports, and starts their timeouts, from here on.
parentPort?.postMessage({ ready: true });
