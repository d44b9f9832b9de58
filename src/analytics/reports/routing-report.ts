import { formatUsd } from '../../domain/money.ts';
import { fellBack } from '../../domain/route-decision.ts';
import { createUsage, type Usage } from '../../domain/usage.ts';
import type { LedgerRecord } from '../../ledger/record.ts';

export interface RoutingReport {
  routedRequests: number;
  /** Share of routed requests per served model@provider. */
  share: Array<{ target: string; requests: number; sharePercent: number; costUsd: string }>;
  fallbacksFired: number;
  costUsd: string;
  /** What the same requests would have cost on the reference (strong) model. */
  alwaysStrong: { target: string; costUsd: string; savedUsd: string; savedPercent: number } | undefined;
}

export function usageOf(row: LedgerRecord): Usage {
  return createUsage({
    inputTotal: row.inputTokens,
    cacheRead: row.cacheReadTokens,
    cacheWrite: row.cacheWriteTokens,
    outputTotal: row.outputTokens,
    reasoning: row.reasoningTokens,
    units: row.units,
  });
}

/**
 * Routing analytics over ledger rows: which models routed traffic went to, how often a fallback
 * fired, and the savings against sending everything to the strong model (priced by `priceStrong`,
 * the same price book, on each row's own token counts). Pure.
 */
export function buildRoutingReport(rows: readonly LedgerRecord[], strong: { target: string; price: (usage: Usage, timeMs: number) => number } | undefined): RoutingReport {
  const routed = rows.filter((row) => row.route !== null && row.status < 400);
  const byTarget = new Map<string, { requests: number; cost: number }>();
  let cost = 0;
  let strongCost = 0;
  let fallbacks = 0;
  for (const row of routed) {
    const target = `${row.servedModel ?? row.requestedModel}@${row.provider ?? '?'}`;
    const entry = byTarget.get(target) ?? { requests: 0, cost: 0 };
    entry.requests += 1;
    entry.cost += row.costNanoUsd;
    byTarget.set(target, entry);
    cost += row.costNanoUsd;
    if (fellBack(row.route)) fallbacks += 1;
    if (strong) strongCost += strong.price(usageOf(row), row.timeMs);
  }
  return {
    routedRequests: routed.length,
    share: [...byTarget.entries()]
      .sort((a, b) => b[1].requests - a[1].requests)
      .map(([target, entry]) => ({ target, requests: entry.requests, sharePercent: Math.round((entry.requests / routed.length) * 10_000) / 100, costUsd: formatUsd(entry.cost) })),
    fallbacksFired: fallbacks,
    costUsd: formatUsd(cost),
    alwaysStrong: strong
      ? { target: strong.target, costUsd: formatUsd(strongCost), savedUsd: formatUsd(strongCost - cost), savedPercent: strongCost > 0 ? Math.round(((strongCost - cost) / strongCost) * 10_000) / 100 : 0 }
      : undefined,
  };
}
