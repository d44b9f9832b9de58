import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { NANO_PER_USD, type NanoUsd } from '../domain/money.ts';
import type { Usage } from '../domain/usage.ts';
import { createLabelBound } from './bounded-labels.ts';
import { TalliedCounter, type Tally } from './tallied-counter.ts';
import { TalliedHistogram } from './tallied-histogram.ts';

export interface RequestObservation {
  operation: string;
  provider: string | null;
  model: string | null;
  project: string;
  status: number;
  stream: boolean;
  cache: string | null;
  durationMs: number;
  ttftMs: number | null;
  usage: Usage | undefined;
  costNanoUsd: NanoUsd;
  savedNanoUsd: NanoUsd;
  priced: boolean;
  estimated: boolean;
  errorCode: string | null;
}

/** One budget's state for the budget gauges (nano-USD; converted at scrape). */
export interface BudgetGaugeRow {
  budget: string;
  spentNano: number;
  reservedNano: number;
  limitNano: number;
}

/** The token counter's kinds, in the order each request counts them. */
const TOKEN_KINDS = ['input_uncached', 'input_cache_read', 'input_cache_write', 'output_text', 'output_reasoning'] as const;

/** Budgets that get their own series; more would make /metrics unbounded (the rest are summed under `(other)`). */
const MAX_BUDGET_SERIES = 200;

export interface GatewayMetrics {
  readonly registry: Registry;
  observeRequest(observation: RequestObservation): void;
  observeUpstreamError(provider: string, code: string): void;
  /** A request or connection refused at the HTTP edge (never reaches the ledger): `reason` is an error code or `connection_limit`. */
  observeEdgeRejection(reason: string): void;
  setLedgerState(state: { pending: number; spilled: number }): void;
  /** Cache gauges: semantic entries held, lookups the guard refused, answers marked wrong by feedback. */
  setCacheState(state: { semanticEntries: number; guardRejections: number; markedWrong: number }): void;
  /** Where the budget gauges read from at each scrape (the budget enforcer's counters). */
  setBudgetSource(source: () => Promise<readonly BudgetGaugeRow[]>): void;
  render(): Promise<string>;
}

export interface MetricsOptions {
  /** Model and provider names from config: these always get their own series. */
  knownModels?: Iterable<string>;
  knownProviders?: Iterable<string>;
  maxModels?: number;
  maxProjects?: number;
  defaultMetrics?: boolean;
}

/**
 * Prometheus metrics. Costs are accumulated as exact integer nano-dollars per label set and only
 * converted to USD when scraped, so the exported total equals the ledger's to the nano-dollar.
 */
export function createGatewayMetrics(options: MetricsOptions = {}): GatewayMetrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'tollgate_process_' });
  const boundModel = createLabelBound(options.maxModels ?? 100, options.knownModels);
  const boundProvider = createLabelBound(64, options.knownProviders);
  const boundProject = createLabelBound(options.maxProjects ?? 200);

  // Counted on every request: tallied in a Map and handed to prom-client at scrape time.
  const requests = new TalliedCounter({
    name: 'tollgate_requests_total',
    help: 'Requests by operation, provider, model, status class and cache result.',
    labelNames: ['operation', 'provider', 'model', 'status', 'cache'],
    registry,
  });
  const tokens = new TalliedCounter({
    name: 'tollgate_tokens_total',
    help: 'Tokens by kind: input_uncached, input_cache_read, input_cache_write, output_text, output_reasoning.',
    labelNames: ['provider', 'model', 'kind'],
    registry,
  });
  // Per (provider, model), the five token series' tallies once each exists: one key per request, not one per kind.
  // A series is still created only by its first positive count, so the exported series and their order are unchanged.
  const tokenTallies = new Map<string, (Tally | undefined)[]>();
  const countTokens = (tallies: (Tally | undefined)[], provider: string, model: string, slot: number, count: number) => {
    if (!(count > 0 && Number.isFinite(count))) return;
    const tally = tallies[slot];
    if (tally) tally.value += count;
    else {
      const kind = TOKEN_KINDS[slot]!;
      tallies[slot] = tokens.add(`${provider}\u0000${model}\u0000${kind}`, count, () => ({ provider, model, kind }));
    }
  };
  const costs = new Map<string, { labels: Record<string, string>; nano: number; savedNano: number }>();
  new Counter({
    name: 'tollgate_cost_usd_total',
    help: 'Spend in USD (exact: summed in integer nano-dollars, converted at scrape).',
    labelNames: ['provider', 'model', 'project'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const entry of costs.values()) this.inc(entry.labels, entry.nano / NANO_PER_USD);
    },
  });
  new Counter({
    name: 'tollgate_saved_usd_total',
    help: 'Spend avoided by Tollgate cache hits, in USD.',
    labelNames: ['provider', 'model', 'project'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const entry of costs.values()) if (entry.savedNano) this.inc(entry.labels, entry.savedNano / NANO_PER_USD);
    },
  });
  // Observed on every request: tallied in arrays and handed to prom-client at scrape time (the same text).
  const duration = new TalliedHistogram({
    name: 'tollgate_request_duration_seconds',
    help: 'Time from request received to last byte sent.',
    labelNames: ['operation', 'provider', 'stream'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registry,
  });
  const ttft = new TalliedHistogram({
    name: 'tollgate_time_to_first_token_seconds',
    help: 'Streaming requests: time from request received to the first content token.',
    labelNames: ['provider', 'model'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registry,
  });
  const upstreamErrors = new Counter({
    name: 'tollgate_upstream_errors_total',
    help: 'Upstream failures by provider and error code.',
    labelNames: ['provider', 'code'] as const,
    registers: [registry],
  });
  const edgeRejections = new Counter({
    name: 'tollgate_edge_rejections_total',
    help: 'Requests and connections refused at the HTTP edge before the pipeline (no ledger row), by reason.',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const unpriced = new Counter({
    name: 'tollgate_unpriced_requests_total',
    help: 'Requests whose model has no known price (their cost is recorded as 0 and flagged).',
    labelNames: ['provider', 'model'] as const,
    registers: [registry],
  });
  const estimated = new Counter({
    name: 'tollgate_estimated_usage_total',
    help: 'Requests metered from a local token estimate because the upstream reported no usage.',
    labelNames: ['provider', 'model'] as const,
    registers: [registry],
  });
  const ledgerPending = new Gauge({ name: 'tollgate_ledger_pending_records', help: 'Ledger records not yet committed.', registers: [registry] });
  const ledgerSpilled = new Gauge({ name: 'tollgate_ledger_spilled_records', help: 'Ledger records in the spill file awaiting replay.', registers: [registry] });

  const semanticEntries = new Gauge({ name: 'tollgate_semantic_cache_entries', help: 'Entries in the semantic cache index.', registers: [registry] });
  const guardRejections = new Gauge({
    name: 'tollgate_semantic_cache_guard_rejections',
    help: 'Semantic lookups whose nearest neighbours passed the similarity threshold but not the guard (since start).',
    registers: [registry],
  });
  const markedWrong = new Gauge({ name: 'tollgate_cache_marked_wrong', help: 'Cached answers marked wrong by feedback and evicted (since start).', registers: [registry] });

  // Budget gauges, read once per scrape (one counter read for the three of them).
  let budgetSource: (() => Promise<readonly BudgetGaugeRow[]>) | undefined;
  let budgetRead: { atMs: number; rows: Promise<readonly BudgetGaugeRow[]> } | undefined;
  const budgetRows = (): Promise<readonly BudgetGaugeRow[]> => {
    if (!budgetSource) return Promise.resolve([]);
    const now = Date.now();
    if (!budgetRead || now - budgetRead.atMs > 500) budgetRead = { atMs: now, rows: budgetSource().catch(() => []) };
    return budgetRead.rows;
  };
  const budgetGauge = (name: string, help: string, pick: (row: BudgetGaugeRow) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['budget'] as const,
      registers: [registry],
      async collect() {
        const rows = await budgetRows();
        this.reset();
        const values = new Map<string, number>();
        rows.forEach((row, index) => {
          const label = index < MAX_BUDGET_SERIES ? row.budget : '(other)';
          values.set(label, (values.get(label) ?? 0) + pick(row));
        });
        for (const [budget, nano] of values) this.set({ budget }, nano / NANO_PER_USD);
      },
    });
  budgetGauge('tollgate_budget_spent_usd', 'Spend in the current period of each budget, in USD (fixed costs included for budgets that include them).', (row) => row.spentNano);
  budgetGauge('tollgate_budget_reserved_usd', 'Worst-case cost reserved by requests in flight, per budget, in USD.', (row) => row.reservedNano);
  budgetGauge('tollgate_budget_limit_usd', 'Limit of each budget per period, in USD.', (row) => row.limitNano);

  return {
    registry,
    setBudgetSource(source) {
      budgetSource = source;
      budgetRead = undefined;
    },
    observeRequest(o) {
      const provider = boundProvider(o.provider);
      const model = boundModel(o.model);
      const statusClass = `${Math.floor(o.status / 100)}xx`;
      const cache = o.cache ?? 'none';
      requests.add(`${o.operation}\u0000${provider}\u0000${model}\u0000${statusClass}\u0000${cache}`, 1, () => ({ operation: o.operation, provider, model, status: statusClass, cache }));
      const operation = o.operation;
      const stream = String(o.stream);
      duration.observe(`${operation}\u0000${provider}\u0000${stream}`, o.durationMs / 1000, () => ({ operation, provider, stream }));
      if (o.ttftMs !== null) ttft.observe(`${provider}\u0000${model}`, o.ttftMs / 1000, () => ({ provider, model }));
      if (o.usage) {
        const u = o.usage;
        const seriesKey = `${provider}\u0000${model}`;
        let tallies = tokenTallies.get(seriesKey);
        if (!tallies) tokenTallies.set(seriesKey, (tallies = [undefined, undefined, undefined, undefined, undefined]));
        countTokens(tallies, provider, model, 0, u.input.uncached);
        countTokens(tallies, provider, model, 1, u.input.cacheRead);
        countTokens(tallies, provider, model, 2, u.input.cacheWrite);
        countTokens(tallies, provider, model, 3, u.output.text);
        countTokens(tallies, provider, model, 4, u.output.reasoning);
      }
      if (o.costNanoUsd || o.savedNanoUsd) {
        const project = boundProject(o.project);
        const key = `${provider}\u0000${model}\u0000${project}`;
        let entry = costs.get(key);
        if (!entry) {
          entry = { labels: { provider, model, project }, nano: 0, savedNano: 0 };
          costs.set(key, entry);
        }
        entry.nano += o.costNanoUsd;
        entry.savedNano += o.savedNanoUsd;
      }
      if (!o.priced && o.usage) unpriced.inc({ provider, model });
      if (o.estimated) estimated.inc({ provider, model });
    },
    observeUpstreamError(provider, code) {
      upstreamErrors.inc({ provider: boundProvider(provider), code });
    },
    observeEdgeRejection(reason) {
      edgeRejections.inc({ reason });
    },
    setLedgerState(state) {
      ledgerPending.set(state.pending);
      ledgerSpilled.set(state.spilled);
    },
    setCacheState(state) {
      semanticEntries.set(state.semanticEntries);
      guardRejections.set(state.guardRejections);
      markedWrong.set(state.markedWrong);
    },
    render: () => registry.metrics(),
  };
}
