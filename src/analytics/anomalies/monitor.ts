import { randomUUID } from 'node:crypto';
import { HOUR_MS } from './cube.ts';
import type { Scan } from './scanner.ts';
import { DEFAULT_EPISODE_OPTIONS, foldHour } from './episodes.ts';
import { DEFAULT_DETECT_OPTIONS, type DetectOptions } from './options.ts';
import type { Anomaly, AnomalyStore } from './types.ts';

/** Where a new anomaly goes besides the store: the runtime plugs in the budget alert channels (log, webhook, alerts table). */
export interface AnomalyDelivery {
  deliver(anomaly: Anomaly): Promise<void>;
}

export interface AnomalyMonitor {
  /** Checks every hour closed since the last check (at most a day's worth); returns the anomalies created or updated. */
  check(): Promise<Anomaly[]>;
}

/**
 * The continuous check: as each hour closes, has `scan` (scanner.ts: reads the hourly rollup and runs
 * the pure detection per org; `createAnomalyScanner` in process, or the runtime's worker thread) find
 * what is anomalous in each hour closed since the last check, folds the findings into episodes in
 * the store, and delivers each new anomaly once. `options` are the scan's detect options (the
 * episodes use its level-shift length).
 */
export function createAnomalyMonitor(deps: { scan: Scan; store: AnomalyStore; delivery?: AnomalyDelivery | undefined; now: () => number; options?: DetectOptions; log?: (line: string) => void }): AnomalyMonitor {
  const options = deps.options ?? DEFAULT_DETECT_OPTIONS;
  const scan = deps.scan;
  let lastCheckedHour = Number.NEGATIVE_INFINITY;
  return {
    async check() {
      const closedHour = Math.floor(deps.now() / HOUR_MS) * HOUR_MS - HOUR_MS;
      if (closedHour <= lastCheckedHour) return [];
      const { hours } = await scan({ closedHourMs: closedHour, lastCheckedHourMs: lastCheckedHour });
      const ongoing = await deps.store.listAnomalies({ ongoing: true, limit: 10_000 });
      const changed = new Map<string, Anomaly>();
      let current = ongoing;
      for (const { hourMs, findings } of hours) {
        const { created, updated } = foldHour(current, findings, hourMs, deps.now(), randomUUID, { ...DEFAULT_EPISODE_OPTIONS, levelShiftHours: options.levelShiftHours });
        for (const anomaly of created) {
          await deps.store.insertAnomaly(anomaly);
          changed.set(anomaly.id, anomaly);
          await deps.delivery?.deliver(anomaly).catch((error: unknown) => deps.log?.(`anomaly delivery failed: ${(error as Error).message}`));
        }
        for (const anomaly of updated) {
          await deps.store.updateAnomaly(anomaly);
          changed.set(anomaly.id, anomaly);
        }
        const byId = new Map(current.map((a) => [a.id, a]));
        for (const a of [...created, ...updated]) byId.set(a.id, a);
        current = [...byId.values()].filter((a) => a.endMs === null);
      }
      lastCheckedHour = closedHour;
      return [...changed.values()];
    },
  };
}
