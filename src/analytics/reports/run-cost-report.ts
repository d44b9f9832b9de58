import type { LedgerDimension } from '../../ledger/record.ts';
import type { LedgerStore } from '../../ledger/store.ts';
import { buildCostReport, type CostReport } from './cost-report.ts';
import type { CostReportRequest } from './cost-report-query.ts';

/**
 * Runs a cost report against the ledger: the range by the report's dimensions and time, the previous
 * period by the dimensions, and (only when peak hours are asked for) the range by hour. Hour-aligned
 * ranges are answered by the hourly rollup, whole UTC days by the daily one; a UTC report by
 * day/week/month groups by day.
 */
export async function runCostReport(ledger: LedgerStore, request: CostReportRequest): Promise<CostReport> {
  const { range, bucket, tz } = request;
  const timeDimension: 'hour' | 'day' | null = bucket === null ? null : bucket !== 'hour' && tz === 'UTC' ? 'day' : 'hour';
  const dimensions: LedgerDimension[] = [...request.dimensions, ...(timeDimension ? [timeDimension] : [])];
  const span = range.toMs - range.fromMs;
  const [rows, hourly, previous] = await Promise.all([
    ledger.summarize(dimensions, { ...request.filter, fromMs: range.fromMs, toMs: range.toMs }),
    request.peakHours ? ledger.summarize(['hour'], { ...request.filter, fromMs: range.fromMs, toMs: range.toMs }) : Promise.resolve([]),
    ledger.summarize(request.dimensions, { ...request.filter, fromMs: range.fromMs - span, toMs: range.fromMs }),
  ]);
  return buildCostReport(request, { rows, timeDimension, hourly, previous });
}
