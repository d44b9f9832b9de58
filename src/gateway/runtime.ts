import type { BudgetEnforcer } from '../budgets/enforcer.ts';
import type { BudgetStore } from '../budgets/store.ts';
import type { SpendProjector } from '../budgets/spend-projector.ts';
import type { ForecastRunner } from '../analytics/forecast/forecast-task.ts';
import type { CostReportRunner } from '../analytics/reports/report-runner.ts';
import type { FeedbackStore } from '../routing/feedback.ts';
import type { Router } from '../routing/router.ts';
import type { TollgateConfig } from '../config/schema.ts';
import type { KeyStore, VirtualKey } from '../keys/store.ts';
import type { LedgerStore } from '../ledger/store.ts';
import type { LedgerWriterStats } from '../ledger/writer.ts';
import type { PipelineDeps } from '../pipeline/types.ts';
import type { SecretScrubber } from '../domain/secret-scrubber.ts';
import type { Anomaly, AnomalyStore } from '../analytics/anomalies/types.ts';

/** Everything a running gateway holds: the composition root's product. */
export interface Runtime {
  config: TollgateConfig;
  deps: PipelineDeps;
  ledger: LedgerStore;
  keys: KeyStore;
  budgetStore: BudgetStore;
  budgets: BudgetEnforcer;
  /** End-of-period spend projections from the forecast (burn-rate alerts and /api/cost/forecast share its cache). */
  spendProjector?: SpendProjector;
  /** Where /api/cost/forecast's fits run: the forecast worker (in process when absent). */
  forecasts?: ForecastRunner;
  /** Where /api/cost/report is read and built: the report worker (in process over `ledger` when absent). */
  reports?: CostReportRunner;
  /** Tells other instances sharing the store that admin-defined budgets changed. */
  announceBudgets(): void;
  feedback: FeedbackStore;
  /** Cost anomalies found by the hourly check (issue #13). */
  anomalies: AnomalyStore;
  /** Runs the anomaly check now over every hour closed since the last one (the scheduler does it hourly). */
  checkAnomalies(): Promise<Anomaly[]>;
  router: Router;
  /** Cached key lookup for the hot path. */
  lookupKey(secret: string): Promise<VirtualKey | undefined>;
  /** Drops cached key lookups after a revoke, here and (with Redis) on every other instance. */
  invalidateKeys(): void;
  ledgerStats(): LedgerWriterStats;
  /** Commits every pending ledger record (for tests, reports and shutdown). */
  flushLedger(): Promise<void>;
  adminKey: string | undefined;
  /** Removes every configured secret from text that leaves the gateway (logs, reports). */
  secrets: SecretScrubber;
  /** Operational log line (audits, trouble), secrets scrubbed. */
  log(line: string): void;
  /** TOLLGATE_VIEWER_KEY: read-only operator access to the admin API. */
  viewerKey: string | undefined;
  startedAtMs: number;
  close(): Promise<void>;
}
