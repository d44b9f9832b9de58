import { createWorkerPool, poolFace, type WorkerPool } from '../analytics/worker-pool.ts';
import type { CostReportRequest } from '../analytics/reports/cost-report-query.ts';
import type { CostReportRunner, SummaryQuery } from '../analytics/reports/report-runner.ts';
import type { SpendRow } from '../ledger/store.ts';
import type { LedgerLocation } from '../storage/open-ledger-reader.ts';

export interface ReportPoolOptions {
  /** A report running longer is abandoned (the worker is stopped and restarted): 504. Default 120 s. */
  timeoutMs?: number;
  /** Reports waiting for the worker beyond this many are refused: 503. Default 32. */
  maxQueued?: number;
}

/** What the report worker is sent: a report to render, or ledger sums to read. */
export type ReportTask = { report: CostReportRequest } | { summaries: readonly SummaryQuery[] };

export interface ReportPool extends CostReportRunner, Omit<WorkerPool<ReportTask, Uint8Array<ArrayBuffer> | SpendRow[][]>, 'run'> {}

/**
 * The gateway's cost reports on one worker thread (report-worker.ts; pool mechanics in
 * worker-pool.ts): it opens its own read view of the ledger at `location` (a read-only SQLite
 * connection, or a PostgreSQL pool of two), reads the summaries, builds the report and renders it
 * there, and hands back only the finished body. The gateway's event loop neither parses the rows nor
 * builds the report (~25 ms per report at 10 million rows), so proxied calls do not wait behind it.
 * Other admin reads of ledger sums (the cache statistics) go the same way (`summaries`).
 */
export function createReportPool(location: LedgerLocation, options: ReportPoolOptions = {}): ReportPool {
  const pool = createWorkerPool<ReportTask, Uint8Array<ArrayBuffer> | SpendRow[][]>({
    entry: new URL('./report-worker.ts', import.meta.url),
    workerData: location,
    noun: 'report',
    timeoutMs: options.timeoutMs ?? 120_000,
    timeoutAdvice: 'ask for less: a shorter range, fewer dimensions, or hour-aligned from= and to= (they read the rollups)',
    maxQueued: options.maxQueued ?? 32,
  });
  return poolFace(pool, {
    render: (request: CostReportRequest) => pool.run({ report: request }) as Promise<Uint8Array<ArrayBuffer>>,
    summaries: (queries: readonly SummaryQuery[]) => pool.run({ summaries: queries }) as Promise<SpendRow[][]>,
  });
}
