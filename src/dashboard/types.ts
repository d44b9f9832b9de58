import type { RouteDecision } from '../domain/route-decision.ts';
import type { Who } from './api.ts';

/** What every page gets from the shell. */
export interface PageProps {
  who: Who;
  params: URLSearchParams;
  /** Whether the signed-in key may change things (viewers may not: no change controls are shown). */
  canWrite: boolean;
}

/** The admin API's answers as the dashboard reads them (only the fields it uses). */
export interface SpendRow {
  keys: Record<string, string | null>;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costNanoUsd: number;
  savedNanoUsd: number;
  errors: number;
  unpriced: number;
  sharePercent: number;
}
export interface SpendReport {
  dimensions: string[];
  rows: SpendRow[];
  totals: { requests: number; inputTokens: number; outputTokens: number; unpriced: number; errors: number; costNanoUsd: number };
}
export interface BudgetStatus {
  id: string;
  scope: string;
  value: string | null;
  org: string | null;
  period: string;
  windowStart: string;
  windowEnd: string;
  limitUsd: string;
  usedUsd: string;
  remainingUsd: string;
  percent: number;
  burnRatePerHourUsd: string;
  projectedUsd: string;
  exhausted: boolean;
  exhaustionAt: string | null;
  source: string;
  /** Worst-case cost held by requests in flight (counted in usedUsd while they run); null when the counters could not say. */
  reservedUsd?: string | null;
  reservedNanoUsd?: number | null;
}
export interface BudgetDefinition {
  id: string;
  scope: string;
  value?: string;
  org?: string;
  period: string;
  rollingHours?: number;
  timezone: string;
  limitUsd: number;
  thresholds: { percent: number; action: string }[];
}
export interface Alert {
  id: string;
  timeMs: number;
  budgetId: string;
  /** `threshold:80`, `exhausted`, `burn-rate`, `fixed-costs`, `override:<request id>`, `reset:<time>`. */
  kind: string;
  spentNano: number;
  limitNano: number;
  message: string;
}
export interface LedgerRow {
  id: string;
  timeMs: number;
  orgId: string;
  projectId: string;
  userId: string | null;
  keyId: string | null;
  requestedModel: string;
  servedModel: string | null;
  provider: string | null;
  inputTokens: number;
  outputTokens: number;
  costNanoUsd: number;
  latencyMs: number | null;
  status: number;
  errorCode: string | null;
  cacheStatus: string | null;
  savedNanoUsd: number;
  route: RouteDecision | null;
  prompt: string | null;
}
/** How a request was routed, as the ledger keeps it (the admin API's `route`): the domain's own type (types only, nothing of the server runs here). */
export type { RouteDecision };
export interface VirtualKey {
  id: string;
  name: string;
  orgId: string;
  projectId: string;
  userId: string | null;
  prefix?: string;
  createdAtMs?: number;
  revokedAtMs?: number | null;
  expiresAt: string | null;
}
export interface ForecastPoint {
  t: number;
  mean: number;
  lo80: number;
  hi80: number;
  lo95: number;
  hi95: number;
}
export interface Forecast {
  metric: string;
  model: string;
  reason: string;
  historyHours: number;
  history: { t: number; value: number }[];
  points: ForecastPoint[];
  total: { mean: number; lo80: number; hi80: number; lo95: number; hi95: number };
  budgets?: { budgetId: string; projectedNanoUsd: number; lo80NanoUsd: number; hi80NanoUsd: number; limitNanoUsd: number; exhaustionAtMs: number | null }[];
}
export interface Anomaly {
  id: string;
  kind: string;
  severity: 'low' | 'medium' | 'high' | 'critical';
  series: { dimension: string; value: string | null };
  startMs: number;
  endMs: number | null;
  detectedMs: number;
  observed: number;
  expected: number;
  atStakeNanoUsd: number;
  rootCause: { dimension: string; value: string; share: number; deltaNanoUsd: number }[];
  status: 'open' | 'acknowledged' | 'resolved';
  message: string;
}
