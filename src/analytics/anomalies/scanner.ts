import type { LedgerStore } from '../../ledger/store.ts';
import { HOUR_MS, buildCube, type HourCell } from './cube.ts';
import { detectHour, watchedSeries } from './detect.ts';
import { DEFAULT_DETECT_OPTIONS, type DetectOptions } from './options.ts';
import type { Finding } from './types.ts';

/** History a check reads: a week of baseline plus a week of residuals to scale it, plus the hour itself. */
export const LOOKBACK_HOURS = 15 * 24;
const READ_CHUNK_MS = 24 * HOUR_MS;

/** What one check asks: the last closed hour, and the last hour an earlier check covered (-Infinity for none). */
export interface ScanRequest {
  closedHourMs: number;
  lastCheckedHourMs: number;
}

/** The findings of each hour to check, oldest first (at most a day's worth). */
export interface ScanResult {
  hours: Array<{ hourMs: number; findings: Finding[] }>;
}

export type Scan = (request: ScanRequest) => Promise<ScanResult>;

/**
 * The reading and detecting half of an anomaly check: reads the last LOOKBACK_HOURS of the ledger's
 * hourly rollup (one summarize by hour, org, project, user, key and model, a day per query), builds
 * each org's cube and runs the pure detection for every hour closed since the last check. The window's
 * cells are kept by hour between scans: a scan reads only the hours closed since the last one (and
 * the two before, for rows that arrived late), not fifteen days of rollup. It holds no other state, so
 * it can run on a worker thread (anomaly-scan-pool.ts) as well as on the caller's.
 */
export function createAnomalyScanner(ledger: Pick<LedgerStore, 'summarize'>, options: DetectOptions = DEFAULT_DETECT_OPTIONS): Scan {
  const cached = new Map<number, HourCell[]>();
  let lastReadThrough = Number.NEGATIVE_INFINITY;
  return async ({ closedHourMs: closedHour, lastCheckedHourMs: lastCheckedHour }) => {
    const firstHour = Math.max(lastCheckedHour + HOUR_MS, closedHour - 23 * HOUR_MS);
    const startMs = closedHour - (LOOKBACK_HOURS - 1) * HOUR_MS;
    // Kept cells serve only when this scan follows the one that read them (a restarted worker starts over).
    const continues = cached.size > 0 && Number.isFinite(lastCheckedHour) && lastReadThrough === lastCheckedHour;
    const readFrom = continues ? Math.max(startMs, lastCheckedHour - 2 * HOUR_MS) : startMs;
    if (!continues) cached.clear();
    // A day per query, yielding between: SQLite answers synchronously, and a first read of fifteen days must not hold the event loop in one piece.
    const rows = [];
    for (let from = readFrom; from <= closedHour; from += READ_CHUNK_MS) {
      rows.push(...(await ledger.summarize(['hour', 'org', 'project', 'user', 'key', 'model'], { fromMs: from, toMs: Math.min(from + READ_CHUNK_MS, closedHour + HOUR_MS) })));
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
    lastReadThrough = closedHour;
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
    const hours: ScanResult['hours'] = [];
    for (let hourMs = firstHour; hourMs <= closedHour; hourMs += HOUR_MS) {
      // An hour at a time, yielding between: a start-up catch-up of a day must not hold the thread in one piece.
      await new Promise((resolve) => setImmediate(resolve));
      const findings: Finding[] = [];
      for (const { org, cube, watched } of cubes) findings.push(...detectHour(cube, (hourMs - startMs) / HOUR_MS, org, options, watched));
      hours.push({ hourMs, findings });
    }
    return { hours };
  };
}
