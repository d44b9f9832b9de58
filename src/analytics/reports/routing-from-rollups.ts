import { formatUsd } from '../../domain/money.ts';
import { createUsage, type Usage } from '../../domain/usage.ts';
import type { LedgerRecord } from '../../ledger/record.ts';
import { routeTarget } from '../../ledger/route-target.ts';
import type { LedgerFilter, LedgerStore, SpendRow } from '../../ledger/store.ts';
import type { LearnedShare, RoutingReport } from './routing-report.ts';

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
export async function routingReportFromLedger(ledger: Pick<LedgerStore, 'summarize' | 'count'>, filter: LedgerFilter, strong: StrongPricing | undefined, options: { learned?: boolean } = {}): Promise<RoutingReport> {
  const [groups, fallbacks, learned] = await Promise.all([
    ledger.summarize([...ROUTING_DIMENSIONS], filter),
    ledger.count({ ...filter, fellBack: true, servedOnly: true }),
    // The rollups do not keep the strategy: the learned rows are read raw, only when the caller has learned routes.
    options.learned ? ledger.summarize(['route'], { ...filter, routeStrategy: 'learned', servedOnly: true }) : undefined,
  ]);
  const report = routingReportFromGroups(groups, fallbacks, strong);
  if (learned) report.learned = learnedShare(learned.map((group) => [group.keys.route ?? '', group.requests] as const), report.routedRequests);
  return report;
}

/** The learned router's requests per target, as shares of its own requests and of all routed ones. Pure. */
export function learnedShare(perTarget: ReadonlyArray<readonly [string, number]>, routedRequests: number): LearnedShare {
  const byTarget = new Map<string, number>();
  for (const [target, requests] of perTarget) if (target) byTarget.set(target, (byTarget.get(target) ?? 0) + requests);
  const requests = [...byTarget.values()].reduce((sum, n) => sum + n, 0);
  const percent = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 100 : 0);
  return {
    requests,
    sharePercent: percent(requests, routedRequests),
    targets: [...byTarget.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([target, n]) => ({ target, requests: n, sharePercent: percent(n, requests) })),
  };
}

/**
 * The same report from raw rows (what the rollups sum), for the CLI on an exported file and to
 * check the rollup answer: rows are grouped exactly as the rollups group them.
 */
export function routingReportFromRows(rows: readonly LedgerRecord[], strong: StrongPricing | undefined, options: { learned?: boolean } = {}): RoutingReport {
  const groups = new Map<string, SpendRow>();
  const learned: Array<readonly [string, number]> = [];
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
    if (row.status < 400 && row.route?.strategy === 'learned') learned.push([routeTarget(row.route), requests]);
  }
  const report = routingReportFromGroups([...groups.values()], fallbacks, strong);
  if (options.learned) report.learned = learnedShare(learned, report.routedRequests);
  return report;
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
