/**
 * How a request was routed, as the ledger keeps it: one structured value that routing writes, the
 * ledger stores (a JSON column) and the reports read field by field. The `summary` is the short
 * human form also sent in `x-tollgate-route`; no reader parses it.
 */
export interface RouteDecision {
  /** Short human form (`x-tollgate-route`). Rows written before the structured form have only this. */
  summary: string;
  /** The target that served the request (or the last one called when none did): `model@provider`. */
  chosen?: string;
  /** The configured route (or `tollgate/<strategy>`) the model name asked for; absent for plain models. */
  route?: string;
  strategy?: string;
  /** Why the chosen target came first, in a few words. */
  reason?: string;
  /** Fallback targets called after the first one (the routing report counts requests where this is > 0). */
  fallbacks?: number;
  /** Targets called that failed, in order, with why (an error code). */
  tried?: RouteTried[];
  /** Targets never called, with why: filtered out when the chain was built, or passed over by the call loop. */
  skipped?: RouteSkip[];
  /** Skipped targets beyond the recorded ones (the list is capped). */
  skippedMore?: number;
  /** A `learned` route: the router's probability that the strong model is needed, its threshold, and the rule used while the artefact is missing. */
  learned?: { score: number; threshold: number; rule?: string };
  /** The A/B or shadow experiment arm the request was put on. */
  experiment?: { name: string; arm: ExperimentArm };
  /** The overflow target a too-long prompt was sent to. */
  overflow?: string;
  /** The prompt's task class (`coding`, `maths`, ...), when the route classified it. */
  taskClass?: string;
}

export type ExperimentArm = 'control' | 'candidate' | 'shadow';

export interface RouteTried {
  target: string;
  /** The error code (`upstream_unavailable`, `rate_limited`, ...). */
  outcome: string;
}

export interface RouteSkip {
  target: string;
  /**
   * `operation`, `context`, `tools`, `vision`, `json`, `breaker`, `max-cost`, `min-quality`, `unpriced`,
   * `saturated` (route filters); `allowlist` (the key may not use it); `circuit_open`, `budget`,
   * `unsupported` (passed over by the call loop).
   */
  why: string;
}

/** Entries kept per list: a route with hundreds of candidates must not make every ledger row large. */
export const MAX_ROUTE_ENTRIES = 16;
/** Longest summary (the `x-tollgate-route` header is cut at 1,024 too). */
export const MAX_SUMMARY_CHARS = 1_024;
/** Longest name, reason or outcome kept. */
export const MAX_NAME_CHARS = 200;

const ARMS: readonly string[] = ['control', 'candidate', 'shadow'];

/** True when a fallback target was called for this request. */
export function fellBack(decision: RouteDecision | null | undefined): boolean {
  return (decision?.fallbacks ?? 0) > 0;
}

/**
 * A route decision in its stored shape, bounded (lists capped at {@link MAX_ROUTE_ENTRIES}, strings
 * cut), from whatever a store, a spill file or an older version hands back: a decision object, a
 * JSON text of one, or a pre-structured route string (which becomes a decision with only its
 * `summary`). Anything else, or nothing, is null. Never throws.
 */
export function toRouteDecision(value: unknown): RouteDecision | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') {
    if (value.startsWith('{')) {
      try {
        return toRouteDecision(JSON.parse(value) as unknown);
      } catch {
        // Not JSON after all: an old route string that happens to start with a brace.
      }
    }
    return value ? { summary: cut(value, MAX_SUMMARY_CHARS) } : null;
  }
  if (typeof value !== 'object' || Array.isArray(value)) return null;
  const input = value as Record<string, unknown>;
  const out: RouteDecision = { summary: str(own(input, 'summary'), MAX_SUMMARY_CHARS) ?? '' };
  const chosen = str(own(input, 'chosen'));
  if (chosen !== undefined) out.chosen = chosen;
  const route = str(own(input, 'route'));
  if (route !== undefined) out.route = route;
  const strategy = str(own(input, 'strategy'));
  if (strategy !== undefined) out.strategy = strategy;
  const reason = str(own(input, 'reason'));
  if (reason !== undefined) out.reason = reason;
  const fallbacks = count(own(input, 'fallbacks'));
  if (fallbacks !== undefined) out.fallbacks = fallbacks;
  const tried = pairs(own(input, 'tried'), 'outcome');
  if (tried) out.tried = tried.kept.map(([target, outcome]) => ({ target, outcome }));
  const skipped = pairs(own(input, 'skipped'), 'why');
  if (skipped) out.skipped = skipped.kept.map(([target, why]) => ({ target, why }));
  const skippedMore = (count(own(input, 'skippedMore')) ?? 0) + (skipped?.dropped ?? 0);
  if (skippedMore > 0) out.skippedMore = skippedMore;
  const learned = own(input, 'learned');
  if (learned && typeof learned === 'object' && !Array.isArray(learned)) {
    const l = learned as Record<string, unknown>;
    const score = finite(own(l, 'score'));
    const threshold = finite(own(l, 'threshold'));
    if (score !== undefined && threshold !== undefined) {
      const rule = str(own(l, 'rule'));
      out.learned = rule !== undefined ? { score, threshold, rule } : { score, threshold };
    }
  }
  const experiment = own(input, 'experiment');
  if (experiment && typeof experiment === 'object' && !Array.isArray(experiment)) {
    const name = str(own(experiment as Record<string, unknown>, 'name'));
    const arm = own(experiment as Record<string, unknown>, 'arm');
    if (name !== undefined && typeof arm === 'string' && ARMS.includes(arm)) out.experiment = { name, arm: arm as ExperimentArm };
  }
  const overflow = str(own(input, 'overflow'));
  if (overflow !== undefined) out.overflow = overflow;
  const taskClass = str(own(input, 'taskClass'));
  if (taskClass !== undefined) out.taskClass = taskClass;
  return out;
}

function own(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function cut(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) : text;
}

function str(value: unknown, max = MAX_NAME_CHARS): string | undefined {
  return typeof value === 'string' ? cut(value, max) : undefined;
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** A list of `{target, <field>}` objects: the first {@link MAX_ROUTE_ENTRIES} well-formed ones, and how many more there were. */
function pairs(value: unknown, field: string): { kept: Array<[string, string]>; dropped: number } | undefined {
  if (!Array.isArray(value)) return undefined;
  const kept: Array<[string, string]> = [];
  let dropped = 0;
  for (const item of value) {
    if (!item || typeof item !== 'object') continue;
    const target = str(own(item as Record<string, unknown>, 'target'));
    const other = str(own(item as Record<string, unknown>, field));
    if (target === undefined || other === undefined) continue;
    if (kept.length < MAX_ROUTE_ENTRIES) kept.push([target, other]);
    else dropped += 1;
  }
  return { kept, dropped };
}
