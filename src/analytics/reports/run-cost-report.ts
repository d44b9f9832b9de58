import type { LedgerDimension } from '../../ledger/record.ts';
import type { LedgerStore } from '../../ledger/store.ts';
import { buildCostReport, type CostReport } from './cost-report.ts';
import type { CostReportRequest } from './cost-report-query.ts';

/**
 * Runs a cost report against the ledger: three summaries (the range by the report's dimensions and
 * time, the range by hour for peak hours, the previous period by the dimensions), all answered by the
 * hourly rollups when the range is hour-aligned. A UTC report by day/week/month reads daily sums.
 */
export async function runCostReport(ledger: LedgerStore, request: CostReportRequest): Promise<CostReport> {
  const { range, bucket, tz } = request;
  const timeDimension = bucket === null ? null : bucket !== 'hour' && tz === 'UTC' ? 'day' : 'hour';
  const dimensions: LedgerDimension[] = [...request.dimensions, ...(timeDimension ? [timeDimension] : [])];
  const span = range.toMs - range.fromMs;
  const [rows, hourly, previous] = await Promise.all([
    ledger.summarize(dimensions, { ...request.filter, fromMs: range.fromMs, toMs: range.toMs }),
    ledger.summarize(['hour'], { ...request.filter, fromMs: range.fromMs, toMs: range.toMs }),
    ledger.summarize(request.dimensions, { ...request.filter, fromMs: range.fromMs - span, toMs: range.fromMs }),
  ]);
  return buildCostReport(request, { rows, timeDimension, hourly, previous });
}
