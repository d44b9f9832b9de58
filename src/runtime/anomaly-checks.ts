import type { Anomaly } from '../analytics/anomalies/types.ts';
import type { AnomalyDelivery, AnomalyMonitor } from '../analytics/anomalies/monitor.ts';
import type { AlertNotifier } from '../budgets/alerts.ts';

/**
 * New anomalies go out through the budget alert channels (alerts table, log line, webhook): the
 * notifier already stores, deduplicates across instances and delivers; an anomaly is an alert whose
 * "budget" is `anomaly:<org>:<series>`, whose window is the episode's start and kind `anomaly:<kind>`,
 * so each episode is announced once however many instances see it.
 */
export function anomalyAlerts(alerts: AlertNotifier): AnomalyDelivery {
  return {
    async deliver(anomaly: Anomaly) {
      const series = anomaly.series.value === null ? anomaly.series.dimension : `${anomaly.series.dimension}=${anomaly.series.value}`;
      await alerts.raise({
        timeMs: anomaly.detectedMs,
        budgetId: `anomaly:${anomaly.orgId ?? '*'}:${series}`,
        windowStartMs: anomaly.startMs,
        kind: `anomaly:${anomaly.kind}`,
        spentNano: Math.round(anomaly.observed),
        limitNano: Math.round(anomaly.expected),
        message: `Anomaly ${anomaly.id} (${anomaly.severity}, $${(anomaly.atStakeNanoUsd / 1e9).toFixed(2)} at stake): ${anomaly.message}`,
      });
    },
  };
}

/** Minutes past the hour a check waits, so the closing hour's late requests are in the ledger. */
const SETTLE_MS = 60_000;
const HOUR_MS = 3_600_000;

/**
 * Runs the monitor once an hour, just after each hour closes (and once at start, catching up on the
 * last day). One check at a time; failures are logged, never thrown. The timer does not keep the
 * process alive.
 */
export function startAnomalyChecks(options: { monitor: AnomalyMonitor; flushLedger: () => Promise<void>; now: () => number; log: (line: string) => void }): { close(): void } {
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let running: Promise<void> | undefined;
  const run = () => {
    if (running || closed) return;
    running = options
      .flushLedger()
      .then(() => options.monitor.check())
      .then(() => undefined)
      .catch((error: unknown) => options.log(`anomaly check failed: ${(error as Error).message}`))
      .finally(() => {
        running = undefined;
      });
  };
  const schedule = () => {
    if (closed) return;
    const now = options.now();
    const next = Math.floor(now / HOUR_MS) * HOUR_MS + HOUR_MS + SETTLE_MS;
    timer = setTimeout(() => {
      run();
      schedule();
    }, Math.max(1_000, next - now));
    timer.unref();
  };
  const first = setTimeout(run, 5_000);
  first.unref();
  schedule();
  return {
    close() {
      closed = true;
      clearTimeout(first);
      if (timer) clearTimeout(timer);
    },
  };
}
