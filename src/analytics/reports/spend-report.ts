import { formatUsd, type NanoUsd } from '../../domain/money.ts';
import { LEDGER_DIMENSIONS, type LedgerDimension } from '../../ledger/record.ts';
import type { SpendRow } from '../../ledger/store.ts';

export interface SpendReport {
  dimensions: LedgerDimension[];
  rows: Array<SpendRow & { costUsd: string; savedUsd: string; sharePercent: number }>;
  totals: { requests: number; costNanoUsd: NanoUsd; costUsd: string; inputTokens: number; outputTokens: number; unpriced: number; estimated: number; errors: number };
}

/** Parses `project,model,day` into known dimensions; unknown names are an error the caller can show. */
export function parseDimensions(value: string | undefined, fallback: LedgerDimension[] = ['project', 'model', 'day']): LedgerDimension[] {
  if (!value) return fallback;
  const names = value.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !(LEDGER_DIMENSIONS as readonly string[]).includes(name));
  if (unknown.length) throw new RangeError(`unknown dimension(s) ${unknown.join(', ')}; use ${LEDGER_DIMENSIONS.join(', ')}`);
  return names as LedgerDimension[];
}

/** Sorts rows by cost (largest first), adds USD strings and each row's share of the total. Pure. */
export function buildSpendReport(dimensions: LedgerDimension[], rows: SpendRow[]): SpendReport {
  let cost = 0;
  const totals = { requests: 0, inputTokens: 0, outputTokens: 0, unpriced: 0, estimated: 0, errors: 0 };
  for (const row of rows) {
    cost += row.costNanoUsd;
    totals.requests += row.requests;
    totals.inputTokens += row.inputTokens;
    totals.outputTokens += row.outputTokens;
    totals.unpriced += row.unpriced;
    totals.estimated += row.estimated;
    totals.errors += row.errors;
  }
  const sorted = [...rows].sort((a, b) => b.costNanoUsd - a.costNanoUsd || b.requests - a.requests);
  return {
    dimensions,
    rows: sorted.map((row) => ({
      ...row,
      costUsd: formatUsd(row.costNanoUsd),
      savedUsd: formatUsd(row.savedNanoUsd),
      sharePercent: cost > 0 ? Math.round((row.costNanoUsd / cost) * 10_000) / 100 : 0,
    })),
    totals: { ...totals, costNanoUsd: cost, costUsd: formatUsd(cost) },
  };
}

/** A fixed-width text table for the CLI. */
export function formatSpendReport(report: SpendReport): string {
  const header = [...report.dimensions, 'requests', 'input_tok', 'output_tok', 'cost_usd', 'share%', 'flags'];
  const lines = report.rows.map((row) => [
    ...report.dimensions.map((dimension) => row.keys[dimension] ?? '-'),
    String(row.requests),
    String(row.inputTokens),
    String(row.outputTokens),
    row.costUsd,
    row.sharePercent.toFixed(2),
    [row.unpriced ? `${row.unpriced} unpriced` : '', row.estimated ? `${row.estimated} estimated` : '', row.errors ? `${row.errors} errors` : '']
      .filter(Boolean)
      .join(', '),
  ]);
  const all = [header, ...lines];
  const widths = header.map((_, column) => Math.max(...all.map((line) => (line[column] ?? '').length)));
  const render = (line: string[]) => line.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  const t = report.totals;
  return [
    render(header),
    ...lines.map(render),
    '',
    `total: ${t.requests} requests, ${t.inputTokens} input tokens, ${t.outputTokens} output tokens, $${t.costUsd}` +
      (t.unpriced ? ` (${t.unpriced} requests UNPRICED: cost unknown)` : '') +
      (t.estimated ? ` (${t.estimated} estimated)` : ''),
  ].join('\n');
}
