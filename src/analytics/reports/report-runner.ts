import type { LedgerDimension } from '../../ledger/record.ts';
import type { LedgerFilter, LedgerStore, SpendRow } from '../../ledger/store.ts';
import { costReportCsv, costReportTable, type CostReport } from './cost-report.ts';
import type { CostReportRequest, ReportFormat } from './cost-report-query.ts';
import { runCostReport } from './run-cost-report.ts';

/**
 * Where a cost report is read and built: in process (the CLI, tests on an in-memory ledger) or on the
 * report worker (the gateway: its own read connection, so neither the rows nor the building of the
 * report touch the event loop that proxies traffic). Either way the answer is the finished body.
 */
export interface CostReportRunner {
  /**
   * The report in the request's format (JSON text, CSV or the text table) as UTF-8 bytes: the worker
   * encodes it and hands the bytes over without a copy, so the gateway's thread only writes them out.
   */
  render(request: CostReportRequest): Promise<Uint8Array<ArrayBuffer>>;
  /**
   * Ledger sums (`LedgerStore.summarize`), one answer per query, read where the reports are read: on
   * the worker, so the gateway's thread neither sends the queries nor decodes the rows (PostgreSQL's
   * driver parses rows on the thread that owns the connection) and only receives the summed rows.
   */
  summaries(queries: readonly SummaryQuery[]): Promise<SpendRow[][]>;
}

/** One `summarize` call: the grouping and the filter. */
export interface SummaryQuery {
  dimensions: LedgerDimension[];
  filter: LedgerFilter;
}

/** A report as the API sends it: the JSON is what `c.json(report)` would send, byte for byte. */
export function renderCostReport(report: CostReport, format: ReportFormat): string {
  if (format === 'csv') return costReportCsv(report);
  if (format === 'table') return `${costReportTable(report)}\n`;
  return JSON.stringify(report);
}

/** Reads and builds reports on the calling thread. */
export function inProcessReports(ledger: LedgerStore): CostReportRunner {
  return {
    render: async (request) => new TextEncoder().encode(renderCostReport(await runCostReport(ledger, request), request.format)),
    summaries: (queries) => Promise.all(queries.map((query) => ledger.summarize(query.dimensions, query.filter))),
  };
}
