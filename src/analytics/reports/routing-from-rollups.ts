import { formatUsd } from '../../domain/money.ts';
import { createUsage, type Usage } from '../../domain/usage.ts';
import type { LedgerRecord } from '../../ledger/record.ts';
import { routeTarget } from '../../ledger/route-target.ts';
import type { LedgerFilter, LedgerStore, SpendRow } from '../../ledger/store.ts';
import type { RoutingReport } from './routing-report.ts';

/** How the reference (strong) model prices a usage at a time: the price book, for one target. */
export interface StrongPricing {
  target: string;
  price: (usage: Usage, timeMs: number) => number;
}

/** The grouping the report needs: route target, reported model and provider, per UTC day (prices change by date). */
export const ROUTING_DIMENSIONS = ['route', 'model', 'provider', 'day'] as const;

/**
 * Routing analytics from the ledger's hourly/daily rollups (bounded work whatever the ledger's size),
 * plus one count of the rows that fell back (the rollups do not keep the decision's `fallbacks`).
 * Numbers are the same as {@link routingReportFromRows} over the same rows: see
 * `routingReportFromGroups` for what each one counts.
 */
export async function routingReportFromLedger(ledger: Pick<LedgerStore, 'summarize' | 'count'>, filter: LedgerFilter, strong: StrongPricing | undefined): Promise<RoutingReport> {
  const [groups, fallbacks] = await Promise.all([ledger.summarize([...ROUTING_DIMENSIONS], filter), ledger.count({ ...filter, fellBack: true, servedOnly: true })]);
  return routingReportFromGroups(groups, fallbacks, strong);
}

/**
 * The same report from raw rows (what the rollups sum), for the CLI on an exported file and to
 * check the rollup answer: rows are grouped exactly as the rollups group them.
 */
export function routingReportFromRows(rows: readonly LedgerRecord[], strong: StrongPricing | undefined): RoutingReport {
  const groups = new Map<string, SpendRow>();
  let fallbacks = 0;
  for (const row of rows) {
    const route = routeTarget(row.route) || null;
    const model = row.servedModel ?? row.requestedModel;
    const day = new Date(row.timeMs).toISOString().slice(0, 10);
    const key = JSON.stringify([route, model, row.provider, day]);
    const group = groups.get(key) ?? emptyGroup({ route, model, provider: row.provider, day });
    const requests = row.requests ?? 1;
    group.requests += requests;
    group.inputTokens += row.inputTokens;
    group.cacheReadTokens += row.cacheReadTokens;
    group.cacheWriteTokens += row.cacheWriteTokens;
    group.outputTokens += row.outputTokens;
    group.reasoningTokens += row.reasoningTokens;
    group.costNanoUsd += row.costNanoUsd;
    if (row.status >= 400) group.errors += requests;
    groups.set(key, group);
    if (row.status < 400 && (row.route?.fallbacks ?? 0) > 0) fallbacks += 1;
  }
  return routingReportFromGroups([...groups.values()], fallbacks, strong);
}

function emptyGroup(keys: Record<string, string | null>): SpendRow {
  return { keys, requests: 0, inputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0, costNanoUsd: 0, savedNanoUsd: 0, errors: 0, unpriced: 0, estimated: 0 };
}

/**
 * The report from groups keyed by {@link ROUTING_DIMENSIONS}. Only routed rows count (a route target
 * is set). Requests are the routed requests served (status < 400: a group's requests minus its
 * errors); cost is every routed row's cost (a failed call that was billed is spend too). The strong
 * model prices each group's mean request times its requests, at the start of its UTC day: a tiered
 * price applies per request, never to a day's sum (per-request units such as images are not in the
 * rollups and are left out). Pure.
 */
export function routingReportFromGroups(groups: readonly SpendRow[], fallbacksFired: number, strong: StrongPricing | undefined): RoutingReport {
  const byTarget = new Map<string, { requests: number; cost: number }>();
  let routed = 0;
  let cost = 0;
  let strongCost = 0;
  for (const group of groups) {
    if (!group.keys.route) continue;
    const target = `${group.keys.model ?? '?'}@${group.keys.provider ?? '?'}`;
    const served = group.requests - group.errors;
    const entry = byTarget.get(target) ?? { requests: 0, cost: 0 };
    entry.requests += served;
    entry.cost += group.costNanoUsd;
    byTarget.set(target, entry);
    routed += served;
    cost += group.costNanoUsd;
    if (strong && group.requests > 0) {
      const mean = (total: number) => Math.round(total / group.requests);
      const usage = createUsage({ inputTotal: mean(group.inputTokens), cacheRead: mean(group.cacheReadTokens), cacheWrite: mean(group.cacheWriteTokens), outputTotal: mean(group.outputTokens), reasoning: mean(group.reasoningTokens) });
      strongCost += strong.price(usage, Date.parse(`${group.keys.day}T00:00:00Z`) || 0) * group.requests;
    }
  }
  return {
    routedRequests: routed,
    share: [...byTarget.entries()]
      .filter(([, entry]) => entry.requests > 0 || entry.cost > 0)
      .sort((a, b) => b[1].requests - a[1].requests || (a[0] < b[0] ? -1 : 1))
      .map(([target, entry]) => ({ target, requests: entry.requests, sharePercent: routed > 0 ? Math.round((entry.requests / routed) * 10_000) / 100 : 0, costUsd: formatUsd(entry.cost) })),
    fallbacksFired,
    costUsd: formatUsd(cost),
    alwaysStrong: strong
      ? { target: strong.target, costUsd: formatUsd(strongCost), savedUsd: formatUsd(strongCost - cost), savedPercent: strongCost > 0 ? Math.round(((strongCost - cost) / strongCost) * 10_000) / 100 : 0 }
      : undefined,
  };
}
