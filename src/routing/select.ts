import type { RouteConfig } from '../config/schema.ts';
import { GatewayError } from '../domain/errors.ts';
import { MAX_ROUTE_ENTRIES, type RouteDecision } from '../domain/route-decision.ts';
import type { CatalogueEntry } from './catalogue.ts';
import type { RoutedOperation } from './model-kind.ts';

/** What a request needs from a model. */
export interface RouteNeed {
  /** What the request is (default chat): a model that does not serve it is never chosen. */
  operation?: RoutedOperation | undefined;
  inputTokens: number;
  outputTokens: number;
  tools: boolean;
  vision: boolean;
  json: boolean;
}

export interface Considered {
  alias: string;
  /** `model@provider` of the alias's first target. */
  key: string;
  /** Why it was left out, or undefined when it stayed in. */
  removedBy?: 'operation' | 'context' | 'tools' | 'vision' | 'json' | 'breaker' | 'max-cost' | 'min-quality' | 'unpriced' | 'saturated';
  score?: number;
  costNano?: number;
}

/** What `selectRoute` picked and why. */
export interface RouteSelection {
  route: string;
  strategy: RouteConfig['strategy'];
  /** Chosen first, then the fallbacks in order. */
  ordered: CatalogueEntry[];
  considered: Considered[];
  /** Short form for `x-tollgate-route`. */
  summary: string;
  /** The same, structured for the ledger: route, strategy, reason, what the filters removed, the learned score. */
  decision: RouteDecision;
}

export interface RouteState {
  breakerOpen(key: string): boolean;
  inFlight(key: string): number;
  /** `learned`: the model's probability that the strong model is needed, and the threshold. */
  learned?: { probability: number; threshold: number; rule?: string | undefined };
}

/** Expected cost of the request on an entry, nano-USD (all input at the uncached price). */
export function expectedCostNano(entry: CatalogueEntry, need: RouteNeed): number {
  return Math.round((need.inputTokens * entry.inputPerMTokNano + need.outputTokens * entry.outputPerMTokNano) / 1e6);
}

/**
 * Picks the target for a request. Pure: the catalogue, the need and the breaker/in-flight state
 * in, an ordered list and its explanation out. Capability filters always apply: a prompt never
 * goes to a model whose context it overflows, a tools request never to a model without tools.
 */
export function selectRoute(name: string, route: RouteConfig, entries: readonly CatalogueEntry[], need: RouteNeed, state: RouteState): RouteSelection {
  const considered: Considered[] = [];
  let eligible: CatalogueEntry[] = [];
  for (const entry of entries) {
    const removedBy = filterReason(entry, need, route, state);
    considered.push({ alias: entry.alias, key: entry.key, removedBy, costNano: expectedCostNano(entry, need) });
    if (!removedBy) eligible.push(entry);
  }
  // When every candidate's breaker is open, try them anyway (an error beats no attempt).
  if (eligible.length === 0) eligible = entries.filter((_, index) => considered[index]?.removedBy === 'breaker');

  let ordered: CatalogueEntry[];
  const cost = (entry: CatalogueEntry) => expectedCostNano(entry, need);
  switch (route.strategy) {
    case 'cheapest':
    case 'cost-constrained':
      ordered = [...eligible].sort((a, b) => cost(a) - cost(b) || b.quality - a.quality);
      break;
    case 'fastest':
      ordered = [...eligible].sort((a, b) => a.latencyMs - b.latencyMs || cost(a) - cost(b));
      break;
    case 'quality-first':
      ordered = [...eligible].sort((a, b) => b.quality - a.quality || cost(a) - cost(b));
      break;
    case 'balanced': {
      const scores = balancedScores(eligible, need, route.weights ?? { cost: 1, quality: 1, latency: 0.5 });
      for (const c of considered) if (scores.has(c.alias)) c.score = Math.round(scores.get(c.alias)! * 1000) / 1000;
      ordered = [...eligible].sort((a, b) => scores.get(b.alias)! - scores.get(a.alias)!);
      break;
    }
    case 'learned': {
      const learned = state.learned;
      if (!learned || !route.strong || !route.weak) throw new GatewayError('internal', `route '${name}' (learned) needs strong, weak and a loaded artefact`);
      const wantStrong = learned.probability >= learned.threshold;
      const strong = eligible.filter((e) => e.alias === route.strong);
      const weak = eligible.filter((e) => e.alias === route.weak);
      const others = eligible.filter((e) => e.alias !== route.strong && e.alias !== route.weak).sort((a, b) => cost(a) - cost(b));
      ordered = wantStrong ? [...strong, ...weak, ...others] : [...weak, ...strong, ...others];
      for (const c of considered) if (c.alias === route.strong) c.score = Math.round(learned.probability * 1000) / 1000;
      break;
    }
    case 'local-first': {
      const fitsLocal = need.inputTokens <= route.localContextThreshold;
      const local = eligible.filter((e) => e.local && fitsLocal && state.inFlight(e.key) < route.localMaxInFlight).sort((a, b) => cost(a) - cost(b));
      const cloud = eligible.filter((e) => !e.local).sort((a, b) => cost(a) - cost(b));
      if (!fitsLocal) for (const c of considered) if (entries.find((e) => e.alias === c.alias)?.local && !c.removedBy) c.removedBy = 'context';
      ordered = [...local, ...cloud];
      break;
    }
  }
  ordered = knownCapableFirst(ordered, need);
  if (ordered.length === 0) {
    const reasons = considered.map((c) => `${c.alias}: ${c.removedBy ?? 'ok'}`).join(', ');
    throw new GatewayError('invalid_request', `No model in route '${name}' (${route.strategy}) qualifies for this request (${reasons})`, { param: 'model' });
  }
  const chosen = ordered[0]!;
  const removed = considered.filter((c) => c.removedBy);
  const summary =
    `${route.strategy}:${chosen.alias}` +
    (route.strategy === 'learned' && state.learned
      ? state.learned.rule
        ? ` ${state.learned.rule}`
        : ` p=${state.learned.probability.toFixed(3)}/t=${state.learned.threshold.toFixed(3)}`
      : '') +
    ` (${considered.length} considered${removed.length ? `, removed ${removed.map((c) => `${c.alias}=${c.removedBy}`).join(' ')}` : ''})`;
  const decision: RouteDecision = {
    summary,
    chosen: chosen.key,
    route: name,
    strategy: route.strategy,
    reason: reasonFor(route.strategy, chosen, ordered.length, considered.length, state.learned),
  };
  if (removed.length) decision.skipped = removed.slice(0, MAX_ROUTE_ENTRIES).map((c) => ({ target: c.key, why: c.removedBy! }));
  if (removed.length > MAX_ROUTE_ENTRIES) decision.skippedMore = removed.length - MAX_ROUTE_ENTRIES;
  if (route.strategy === 'learned' && state.learned) {
    const { probability, threshold, rule } = state.learned;
    decision.learned = rule ? { score: probability, threshold, rule } : { score: Math.round(probability * 1000) / 1000, threshold: Math.round(threshold * 1000) / 1000 };
  }
  return { route: name, strategy: route.strategy, ordered, considered, summary, decision };
}

/** Why the first entry came first, in a few words (the ledger's `reason`). */
function reasonFor(strategy: RouteConfig['strategy'], chosen: CatalogueEntry, eligible: number, considered: number, learned: RouteState['learned']): string {
  const of = `${eligible} eligible of ${considered}`;
  switch (strategy) {
    case 'cheapest':
      return `${chosen.alias} is the cheapest for this request (${of})`;
    case 'cost-constrained':
      return `${chosen.alias} is the cheapest within the cost and quality limits (${of})`;
    case 'fastest':
      return `${chosen.alias} has the lowest latency (${of})`;
    case 'quality-first':
      return `${chosen.alias} has the highest quality (${of})`;
    case 'balanced':
      return `${chosen.alias} has the best cost/quality/latency score (${of})`;
    case 'learned':
      if (!learned) return `${chosen.alias} (${of})`;
      if (learned.rule) return `${chosen.alias} by ${learned.rule} while the router artefact is missing (${of})`;
      return `${chosen.alias}: strong-model probability ${learned.probability.toFixed(3)} ${learned.probability >= learned.threshold ? '>=' : '<'} threshold ${learned.threshold.toFixed(3)} (${of})`;
    case 'local-first':
      return `${chosen.alias} is ${chosen.local ? 'the cheapest local model with room' : 'the cheapest cloud model (no local model fits or has room)'} (${of})`;
  }
}

/** Stable: among the kept entries, those known to have every needed capability come before those where it is unknown. */
function knownCapableFirst(ordered: CatalogueEntry[], need: RouteNeed): CatalogueEntry[] {
  const needed = (['tools', 'vision', 'json'] as const).filter((capability) => need[capability]);
  if (needed.length === 0) return ordered;
  const known = (entry: CatalogueEntry) => needed.every((capability) => entry.capabilities[capability] === 'yes');
  return [...ordered.filter(known), ...ordered.filter((entry) => !known(entry))];
}

function filterReason(entry: CatalogueEntry, need: RouteNeed, route: RouteConfig, state: RouteState): Considered['removedBy'] {
  if (!entry.operations.includes(need.operation ?? 'chat')) return 'operation';
  if (entry.contextWindow !== undefined && need.inputTokens + Math.min(need.outputTokens, entry.contextWindow / 4) > entry.contextWindow) return 'context';
  // Only a known "no" excludes: unknown capabilities stay in (after the known "yes" ones).
  if (need.tools && entry.capabilities.tools === 'no') return 'tools';
  if (need.vision && entry.capabilities.vision === 'no') return 'vision';
  if (need.json && entry.capabilities.json === 'no') return 'json';
  if (route.strategy === 'cost-constrained') {
    if (!entry.priced) return 'unpriced';
    if (route.maxCostUsd !== undefined && expectedCostNano(entry, need) > route.maxCostUsd * 1e9) return 'max-cost';
    if (route.minQuality !== undefined && entry.quality < route.minQuality) return 'min-quality';
  }
  if (state.breakerOpen(entry.key)) return 'breaker';
  return undefined;
}

/** Balanced: weighted sum of min-max-normalised cheapness, quality and speed over the eligible set. */
function balancedScores(entries: readonly CatalogueEntry[], need: RouteNeed, weights: { cost: number; quality: number; latency: number }): Map<string, number> {
  const costs = entries.map((e) => expectedCostNano(e, need));
  const latencies = entries.map((e) => e.latencyMs);
  const norm = (value: number, values: number[]) => {
    const min = Math.min(...values);
    const max = Math.max(...values);
    return max === min ? 0 : (value - min) / (max - min);
  };
  const total = weights.cost + weights.quality + weights.latency || 1;
  return new Map(
    entries.map((entry, index) => [
      entry.alias,
      (weights.cost * (1 - norm(costs[index]!, costs)) + weights.quality * entry.quality + weights.latency * (1 - norm(latencies[index]!, latencies))) / total,
    ]),
  );
}
