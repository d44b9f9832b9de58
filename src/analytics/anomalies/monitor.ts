import { randomUUID } from 'node:crypto';
import type { LedgerStore } from '../../ledger/store.ts';
import { HOUR_MS, buildCube, type HourCell } from './cube.ts';
import { detectHour, watchedSeries } from './detect.ts';
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

/** History a check reads: a week of baseline plus a week of residuals to scale it, plus the hour itself. */
export const LOOKBACK_HOURS = 15 * 24;
const READ_CHUNK_MS = 24 * HOUR_MS;

/**
 * The continuous check: as each hour closes, reads the last LOOKBACK_HOURS of the ledger's hourly
 * rollup (one summarize by hour, org, project, user, key and model), runs the pure detection per
 * org, folds the findings into episodes in the store, and delivers each new anomaly once.
 */
export function createAnomalyMonitor(deps: { ledger: LedgerStore; store: AnomalyStore; delivery?: AnomalyDelivery | undefined; now: () => number; options?: DetectOptions; log?: (line: string) => void }): AnomalyMonitor {
  const options = deps.options ?? DEFAULT_DETECT_OPTIONS;
  let lastCheckedHour = Number.NEGATIVE_INFINITY;
  // The window's cells by hour, kept between checks: a check reads only the hours closed since the
  // last one (and the two before, for rows that arrived late), not fifteen days of rollup.
  const cached = new Map<number, HourCell[]>();
  return {
    async check() {
      const closedHour = Math.floor(deps.now() / HOUR_MS) * HOUR_MS - HOUR_MS;
      if (closedHour <= lastCheckedHour) return [];
      const firstHour = Math.max(lastCheckedHour + HOUR_MS, closedHour - 23 * HOUR_MS);
      const startMs = closedHour - (LOOKBACK_HOURS - 1) * HOUR_MS;
      const readFrom = cached.size && Number.isFinite(lastCheckedHour) ? Math.max(startMs, lastCheckedHour - 2 * HOUR_MS) : startMs;
      // A day per query, yielding between: SQLite answers synchronously, and a first read of fifteen days must not hold the event loop in one piece.
      const rows = [];
      for (let from = readFrom; from <= closedHour; from += READ_CHUNK_MS) {
        rows.push(...(await deps.ledger.summarize(['hour', 'org', 'project', 'user', 'key', 'model'], { fromMs: from, toMs: Math.min(from + READ_CHUNK_MS, closedHour + HOUR_MS) })));
        await new Promise((resolve) => setImmediate(resolve));
      }
      for (const hourMs of cached.keys()) if (hourMs < startMs || hourMs >= readFrom) cached.delete(hourMs);
      for (const row of rows) {
        const hourMs = Date.parse(row.keys.hour ?? '');
        if (!Number.isFinite(hourMs)) continue;
        const cell: HourCell & { org: string } = { org: row.keys.org ?? '', hourMs, project: row.keys.project ?? '', user: row.keys.user ?? null, key: row.keys.key ?? null, model: row.keys.model ?? '', requests: row.requests, costNanoUsd: row.costNanoUsd, inputTokens: row.inputTokens, outputTokens: row.outputTokens };
        const list = cached.get(hourMs);
        if (list) list.push(cell);
        else cached.set(hourMs, [cell]);
      }
      const cellsByOrg = new Map<string, HourCell[]>();
      for (const cells of cached.values()) {
        for (const cell of cells as (HourCell & { org: string })[]) {
          const list = cellsByOrg.get(cell.org);
          if (list) list.push(cell);
          else cellsByOrg.set(cell.org, [cell]);
        }
      }
      const cubes = [];
      for (const [org, cells] of cellsByOrg) {
        const cube = buildCube(cells, startMs, LOOKBACK_HOURS);
        cubes.push({ org, cube, watched: watchedSeries(cube) });
        await new Promise((resolve) => setImmediate(resolve));
      }
      const ongoing = await deps.store.listAnomalies({ ongoing: true, limit: 10_000 });
      const changed = new Map<string, Anomaly>();
      let current = ongoing;
      for (let hourMs = firstHour; hourMs <= closedHour; hourMs += HOUR_MS) {
        // An hour at a time, yielding between: a start-up catch-up of a day must not hold proxied calls.
        await new Promise((resolve) => setImmediate(resolve));
        const findings = [];
        for (const { org, cube, watched } of cubes) findings.push(...detectHour(cube, (hourMs - startMs) / HOUR_MS, org, options, watched));
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
