import { parentPort, workerData } from 'node:worker_threads';
import { lowerThreadPriority } from './thread-priority.ts';
import { inProcessReports } from '../analytics/reports/report-runner.ts';
import { openLedgerReader, type LedgerLocation } from '../storage/open-ledger-reader.ts';
import { READ_WORKER_NICE } from '../storage/sqlite/read-worker.ts';
import type { ReportTask } from './report-pool.ts';

/**
 * The report worker's entry (started by report-pool.ts): opens its own read view of the ledger, then
 * reads, builds and renders each report it is sent, one at a time, and answers with the body and the
 * task's id; ledger sums (`summaries`) are answered with the summed rows. A failing task answers with
 * the error's message; the worker lives on.
 */
// Below the gateway's thread (see thread-priority.ts).
lowerThreadPriority(READ_WORKER_NICE);
const reader = await openLedgerReader(workerData as LedgerLocation);
const reports = inProcessReports(reader.ledger);
const fail = (id: number) => (error: unknown) => parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
parentPort?.on('message', ({ id, task }: { id: number; task: ReportTask }) => {
  if ('summaries' in task) {
    reports.summaries(task.summaries).then((result) => parentPort!.postMessage({ id, result }), fail(id));
    return;
  }
  reports.render(task.report).then(
    // The bytes' buffer is transferred, not copied (a fresh TextEncoder buffer, never a pooled one).
    (result) => parentPort!.postMessage({ id, result }, [result.buffer]),
    fail(id),
  );
});
// Loaded (tsx, the driver, the connection): the pool sends reports, and starts their timeouts, from here on.
parentPort?.postMessage({ ready: true });
