import { divideRounded, formatUsd, toSafeNumber, type NanoUsd } from '../../domain/money.ts';
import type { SpendRow } from '../../ledger/store.ts';
import type { CostReportRequest } from './cost-report-query.ts';
import { toCsv } from './csv.ts';
import { bucketLabel, bucketStart, localParts } from './time-zone.ts';

/** Sums of one group, money exact in BigInt until it is shown. */
interface Sums {
  requests: number;
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  cost: bigint;
  saved: bigint;
  errors: number;
  unpriced: number;
  estimated: number;
  latency: number;
}

export interface CostFigures {
  requests: number;
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  costNanoUsd: NanoUsd;
  costUsd: string;
  savedNanoUsd: NanoUsd;
  savedUsd: string;
  errors: number;
  unpriced: number;
  estimated: number;
  costPerRequestNanoUsd: NanoUsd;
  costPerRequestUsd: string;
  costPer1kTokensNanoUsd: NanoUsd;
  costPer1kTokensUsd: string;
  meanLatencyMs: number | null;
}

export interface CostReportRow extends CostFigures {
  keys: Record<string, string | null>;
  sharePercent: number;
  /** Without a time bucket: the same group's cost in the previous period of equal length, and the change. */
  previousCostNanoUsd?: NanoUsd;
  changePercent?: number | null;
}

export interface CostReport {
  dimensions: string[];
  range: { fromMs: number; toMs: number; tz: string; bucket: string | null };
  rows: CostReportRow[];
  totals: CostFigures;
  /** With `top`: what the groups left out add up to. */
  others: (CostFigures & { groups: number }) | null;
  previous: { fromMs: number; toMs: number; costNanoUsd: NanoUsd; costUsd: string; requests: number; changePercent: number | null };
  /** With `peak=9-18`: spend in those local weekday hours against the rest. */
  peak: { definition: string; peak: CostFigures; offPeak: CostFigures } | null;
  /** Requests with no price (cost counted as 0): never silently $0. */
  unpriced: { requests: number; message: string | null };
  savings: { cacheNanoUsd: NanoUsd; cacheUsd: string };
}

export interface CostReportInput {
  /** Summaries by the report's dimensions plus `timeDimension` when the report has a bucket. */
  rows: SpendRow[];
  timeDimension: 'hour' | 'day' | null;
  /** Summaries by hour alone (peak vs off-peak). */
  hourly: SpendRow[];
  /** Summaries by the report's dimensions over the previous period. */
  previous: SpendRow[];
}

const empty = (): Sums => ({ requests: 0, inputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0, cost: 0n, saved: 0n, errors: 0, unpriced: 0, estimated: 0, latency: 0 });

function add(into: Sums, row: SpendRow | Sums): void {
  into.requests += row.requests;
  into.inputTokens += row.inputTokens;
  into.cacheReadTokens += row.cacheReadTokens;
  into.cacheWriteTokens += row.cacheWriteTokens;
  into.outputTokens += row.outputTokens;
  into.reasoningTokens += row.reasoningTokens;
  into.cost += 'cost' in row ? row.cost : BigInt(row.costNanoUsd);
  into.saved += 'saved' in row ? row.saved : BigInt(row.savedNanoUsd);
  into.errors += row.errors;
  into.unpriced += row.unpriced;
  into.estimated += row.estimated;
  into.latency += 'latency' in row ? row.latency : (row.latencyMsTotal ?? 0);
}

function figures(sums: Sums): CostFigures {
  const cost = toSafeNumber(sums.cost);
  const saved = toSafeNumber(sums.saved);
  const tokens = BigInt(sums.inputTokens + sums.outputTokens);
  const perRequest = sums.requests ? toSafeNumber(divideRounded(sums.cost, BigInt(sums.requests))) : 0;
  const per1k = tokens > 0n ? toSafeNumber(divideRounded(sums.cost * 1000n, tokens)) : 0;
  return {
    requests: sums.requests, inputTokens: sums.inputTokens, cacheReadTokens: sums.cacheReadTokens, cacheWriteTokens: sums.cacheWriteTokens,
    outputTokens: sums.outputTokens, reasoningTokens: sums.reasoningTokens, costNanoUsd: cost, costUsd: formatUsd(cost), savedNanoUsd: saved,
    savedUsd: formatUsd(saved), errors: sums.errors, unpriced: sums.unpriced, estimated: sums.estimated, costPerRequestNanoUsd: perRequest,
    costPerRequestUsd: formatUsd(perRequest), costPer1kTokensNanoUsd: per1k, costPer1kTokensUsd: formatUsd(per1k),
    meanLatencyMs: sums.requests ? Math.round(sums.latency / sums.requests) : null,
  };
}

const percent = (part: bigint, whole: bigint) => (whole > 0n ? Number((part * 1_000_000n) / whole) / 10_000 : 0);
const change = (now: bigint, before: bigint) => (before > 0n ? Math.round(Number(((now - before) * 1_000_000n) / before)) / 10_000 : null);
const timeOf = (key: string | null | undefined) => (key ? Date.parse(key) : Number.NaN);

/**
 * Builds a cost report from summaries: re-buckets hourly (or UTC daily) sums into the user's local
 * hour/day/week/month, keeps the top N groups (the rest summed apart), and adds share, cost per
 * request and per 1k tokens, mean latency, the change against the previous period, peak vs off-peak
 * and unpriced usage. Pure; money stays integer nano-dollars throughout.
 */
export function buildCostReport(request: CostReportRequest, input: CostReportInput): CostReport {
  const { dimensions, bucket, tz } = request;
  const groupKey = (keys: Record<string, string | null>) => JSON.stringify(dimensions.map((dimension) => keys[dimension] ?? null));
  // Rows share a few hundred hours, and the hours of one local date share a day/week/month bucket:
  // each hour costs one Intl call and each local date's bucket is worked out once (Intl calls are slow).
  const slots = new Map<string, { start: number; label: string } | null>();
  const byDate = new Map<string, { start: number; label: string }>();
  const bucketOf = (key: string | null | undefined) => {
    const cached = slots.get(key ?? '');
    if (cached !== undefined) return cached;
    const at = timeOf(key);
    let slot: { start: number; label: string } | null = null;
    if (bucket === 'hour' && Number.isFinite(at)) {
      slot = { start: bucketStart(at, bucket, tz), label: bucketLabel(at, bucket, tz) };
    } else if (bucket && Number.isFinite(at)) {
      const local = localParts(at, tz);
      const date = `${local.year}-${local.month}-${local.day}`;
      slot = byDate.get(date) ?? { start: bucketStart(at, bucket, tz), label: bucketLabel(at, bucket, tz) };
      byDate.set(date, slot);
    }
    slots.set(key ?? '', slot);
    return slot;
  };
  const cells = new Map<string, { keys: Record<string, string | null>; start: number; sums: Sums }>();
  const byGroup = new Map<string, Sums>();
  const totals = empty();
  for (const row of input.rows) {
    const keys: Record<string, string | null> = {};
    for (const dimension of dimensions) keys[dimension] = row.keys[dimension] ?? null;
    let start = 0;
    if (bucket && input.timeDimension) {
      const slot = bucketOf(row.keys[input.timeDimension]);
      if (!slot) continue;
      start = slot.start;
      keys[bucket] = slot.label;
    }
    const group = groupKey(keys);
    const cellKey = `${group}|${start}`;
    const cell = cells.get(cellKey) ?? { keys, start, sums: empty() };
    add(cell.sums, row);
    cells.set(cellKey, cell);
    const groupSums = byGroup.get(group) ?? empty();
    add(groupSums, row);
    byGroup.set(group, groupSums);
    add(totals, row);
  }

  // Top N groups by cost; the rest are summed into `others`.
  let kept: Set<string> | null = null;
  let others: CostReport['others'] = null;
  if (request.top !== null && dimensions.length > 0 && byGroup.size > request.top) {
    // Ties broken by the group's key: the store returns equal rows in no fixed order (PostgreSQL's hash aggregation).
    const ranked = [...byGroup.entries()].sort((a, b) => (b[1].cost > a[1].cost ? 1 : b[1].cost < a[1].cost ? -1 : b[1].requests - a[1].requests || byText(a[0], b[0])));
    kept = new Set(ranked.slice(0, request.top).map(([key]) => key));
    const rest = empty();
    for (const [, sums] of ranked.slice(request.top)) add(rest, sums);
    others = { ...figures(rest), groups: ranked.length - request.top };
  }

  const previousByGroup = new Map<string, Sums>();
  const previousTotal = empty();
  for (const row of input.previous) {
    const group = groupKey(row.keys);
    const sums = previousByGroup.get(group) ?? empty();
    add(sums, row);
    previousByGroup.set(group, sums);
    add(previousTotal, row);
  }

  const rows: CostReportRow[] = [];
  for (const cell of cells.values()) {
    const group = groupKey(cell.keys);
    if (kept && !kept.has(group)) continue;
    const row: CostReportRow = { keys: cell.keys, ...figures(cell.sums), sharePercent: percent(cell.sums.cost, totals.cost) };
    if (!bucket) {
      const before = previousByGroup.get(group)?.cost ?? 0n;
      row.previousCostNanoUsd = toSafeNumber(before);
      row.changePercent = change(cell.sums.cost, before);
    }
    rows.push(Object.assign(row, { start: cell.start }));
  }
  const startOf = (row: CostReportRow) => (row as CostReportRow & { start: number }).start;
  // The same order whatever order the store returned the rows in: ties fall back to the group's key.
  rows.sort((a, b) => startOf(a) - startOf(b) || b.costNanoUsd - a.costNanoUsd || b.requests - a.requests || byText(groupKey(a.keys), groupKey(b.keys)));
  for (const row of rows) delete (row as Partial<CostReportRow & { start: number }>).start;

  const peak = empty();
  const offPeak = empty();
  const [peakStart, peakEnd] = request.peakHours ?? [0, 0];
  for (const row of request.peakHours ? input.hourly : []) {
    const at = timeOf(row.keys.hour);
    if (!Number.isFinite(at)) continue;
    const local = localParts(at, tz); // one row per hour: no memo needed
    add(local.weekday < 5 && local.hour >= peakStart && local.hour < peakEnd ? peak : offPeak, row);
  }

  const span = request.range.toMs - request.range.fromMs;
  const shown = figures(totals);
  return {
    dimensions: request.order,
    range: { fromMs: request.range.fromMs, toMs: request.range.toMs, tz, bucket },
    rows,
    totals: shown,
    others,
    previous: {
      fromMs: request.range.fromMs - span, toMs: request.range.fromMs, costNanoUsd: toSafeNumber(previousTotal.cost), costUsd: formatUsd(toSafeNumber(previousTotal.cost)),
      requests: previousTotal.requests, changePercent: change(totals.cost, previousTotal.cost),
    },
    peak: request.peakHours ? { definition: `Monday to Friday ${peakStart}:00-${peakEnd}:00 ${tz}`, peak: figures(peak), offPeak: figures(offPeak) } : null,
    unpriced: {
      requests: totals.unpriced,
      message: totals.unpriced ? `${totals.unpriced} requests had no price: their cost is unknown and counted as 0` : null,
    },
    savings: { cacheNanoUsd: shown.savedNanoUsd, cacheUsd: shown.savedUsd },
  };
}

const CSV_FIGURES: Array<[string, (row: CostReportRow) => string | number | null | undefined]> = [
  ['requests', (r) => r.requests], ['input_tokens', (r) => r.inputTokens], ['cache_read_tokens', (r) => r.cacheReadTokens],
  ['cache_write_tokens', (r) => r.cacheWriteTokens], ['output_tokens', (r) => r.outputTokens], ['reasoning_tokens', (r) => r.reasoningTokens],
  ['cost_usd', (r) => r.costUsd], ['cost_nano_usd', (r) => r.costNanoUsd], ['saved_usd', (r) => r.savedUsd], ['share_percent', (r) => r.sharePercent],
  ['cost_per_request_usd', (r) => r.costPerRequestUsd], ['cost_per_1k_tokens_usd', (r) => r.costPer1kTokensUsd], ['errors', (r) => r.errors],
  ['unpriced', (r) => r.unpriced], ['estimated', (r) => r.estimated], ['mean_latency_ms', (r) => r.meanLatencyMs], ['change_percent', (r) => r.changePercent],
];

/** One CSV line per row (dimension columns first, in the order asked), money as exact decimal strings. */
export function costReportCsv(report: CostReport): string {
  return toCsv(
    [...report.dimensions, ...CSV_FIGURES.map(([name]) => name)],
    report.rows.map((row) => [...report.dimensions.map((dimension) => row.keys[dimension] ?? ''), ...CSV_FIGURES.map(([, value]) => value(row) ?? '')]),
  );
}

/** A fixed-width table for the CLI, with totals, the previous period, peak hours and unpriced usage below. */
export function costReportTable(report: CostReport): string {
  const header = [...report.dimensions, 'requests', 'tokens_in', 'tokens_out', 'cost_usd', 'share%', 'usd/req', 'usd/1k_tok', ...(report.range.bucket ? [] : ['change%'])];
  const lines = report.rows.map((row) => [
    ...report.dimensions.map((dimension) => row.keys[dimension] ?? '-'),
    String(row.requests), String(row.inputTokens), String(row.outputTokens), row.costUsd, row.sharePercent.toFixed(2), row.costPerRequestUsd,
    row.costPer1kTokensUsd, ...(report.range.bucket ? [] : [row.changePercent === null || row.changePercent === undefined ? 'new' : row.changePercent.toFixed(1)]),
  ]);
  const all = [header, ...lines];
  const widths = header.map((_, column) => Math.max(...all.map((line) => (line[column] ?? '').length)));
  const render = (line: string[]) => line.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  const t = report.totals;
  const p = report.previous;
  return [
    `${new Date(report.range.fromMs).toISOString()} .. ${new Date(report.range.toMs).toISOString()} (${report.range.tz})`,
    render(header),
    ...lines.map(render),
    ...(report.others ? [`(${report.others.groups} more groups: $${report.others.costUsd}, ${report.others.requests} requests)`] : []),
    '',
    `total: ${t.requests} requests, ${t.inputTokens} input and ${t.outputTokens} output tokens, $${t.costUsd} ($${t.costPerRequestUsd}/request, $${t.costPer1kTokensUsd}/1k tokens)`,
    `previous period: $${p.costUsd}${p.changePercent === null ? '' : ` (${p.changePercent >= 0 ? '+' : ''}${p.changePercent.toFixed(1)}%)`}`,
    ...(report.peak ? [`peak (${report.peak.definition}): $${report.peak.peak.costUsd}; off-peak: $${report.peak.offPeak.costUsd}`] : []),
    `cache saved: $${report.savings.cacheUsd}`,
    ...(report.unpriced.message ? [`UNPRICED: ${report.unpriced.message}`] : []),
  ].join('\n');
}

/** Plain code-unit order of two strings (not locale order: the same everywhere). */
function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
