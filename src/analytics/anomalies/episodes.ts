import { HOUR_MS } from './cube.ts';
import { mergeRootCauses } from './root-cause.ts';
import { severityOf, worse } from './severity.ts';
import type { Anomaly, AnomalyKind, Finding } from './types.ts';

/** Spike and level shift are one episode seen longer; so are drop and outage; and the two price kinds. */
const FAMILY: Record<AnomalyKind, string> = {
  spike: 'up', 'level-shift': 'up', drop: 'down', outage: 'down', 'cost-per-request': 'price', 'pricier-model': 'price', 'new-model': 'new-model', 'new-spender': 'new-spender',
};

/**
 * The family an anomaly continues: its kind's, except that a level shift goes the way its score
 * points. A drop that lasts becomes a level shift down and stays in the drop family: it was keyed
 * as 'up' from then on, so its next drop hour opened a new episode and a later spike continued it.
 */
export function familyOf(a: Pick<Anomaly, 'kind' | 'score'>): string {
  return a.kind === 'level-shift' && a.score < 0 ? 'down' : FAMILY[a.kind];
}

export function episodeKey(a: Pick<Anomaly, 'orgId' | 'series' | 'kind' | 'score'>): string {
  return `${a.orgId ?? ''}\u0000${a.series.dimension}\u0000${a.series.value ?? ''}\u0000${familyOf(a)}`;
}

export interface EpisodeOptions {
  /** Quiet hours that still continue an episode (one normal hour inside an outage does not split it). */
  gapHours: number;
  levelShiftHours: number;
}

export const DEFAULT_EPISODE_OPTIONS: EpisodeOptions = { gapHours: 2, levelShiftHours: 6 };

/**
 * Folds one checked hour's findings into the ongoing episodes: a finding continues the episode of
 * its org, series and kind family (updated: latest observation, summed dollars at stake, worst
 * severity; a spike or drop lasting `levelShiftHours` becomes a level shift, an outage stays one),
 * or opens a new anomaly. Episodes not seen for more than `gapHours` end. Pure: returns what to write.
 */
export function foldHour(ongoing: readonly Anomaly[], findings: readonly Finding[], hourMs: number, nowMs: number, newId: () => string, options: EpisodeOptions = DEFAULT_EPISODE_OPTIONS): { created: Anomaly[]; updated: Anomaly[] } {
  const byKey = new Map(ongoing.filter((a) => a.endMs === null).map((a) => [episodeKey(a), a]));
  const created: Anomaly[] = [];
  const updated = new Map<string, Anomaly>();
  for (const f of findings) {
    const key = episodeKey(f);
    const current = byKey.get(key);
    if (current && current.lastSeenMs >= hourMs) continue; // this hour was already folded in (a re-check after a restart)
    if (current) {
      const hours = Math.round((hourMs - current.startMs) / HOUR_MS) + 1;
      const kind = continuedKind(current.kind, f.kind, hours, options);
      const atStake = current.atStakeNanoUsd + f.atStakeNanoUsd;
      const next: Anomaly = {
        ...current,
        kind,
        lastSeenMs: hourMs,
        observed: f.observed,
        expected: f.expected,
        atStakeNanoUsd: atStake,
        score: Math.abs(f.score) > Math.abs(current.score) ? f.score : current.score,
        rootCause: episodeCauses(current, f, atStake),
        severity: worse(current.severity, severityOf(kind, f.observed, f.expected, atStake)),
        message: kind === f.kind ? f.message : `${kind === 'level-shift' ? `Level shift, ${hours} h so far` : cap(kind)}: ${f.message}`,
        updatedMs: nowMs,
      };
      byKey.set(key, next);
      updated.set(next.id, next);
      continue;
    }
    const anomaly: Anomaly = {
      id: newId(),
      kind: f.kind,
      severity: severityOf(f.kind, f.observed, f.expected, f.atStakeNanoUsd),
      orgId: f.orgId,
      series: f.series,
      startMs: f.hourMs,
      endMs: f.kind === 'new-model' || f.kind === 'new-spender' ? f.hourMs + HOUR_MS : null,
      detectedMs: nowMs,
      lastSeenMs: f.hourMs,
      observed: f.observed,
      expected: f.expected,
      atStakeNanoUsd: f.atStakeNanoUsd,
      score: f.score,
      rootCause: f.rootCause,
      status: 'open',
      message: f.message,
      updatedMs: nowMs,
    };
    byKey.set(key, anomaly);
    created.push(anomaly);
  }
  // Episodes quiet for longer than the gap are over: they end after their last anomalous hour.
  for (const a of byKey.values()) {
    if (a.endMs === null && hourMs - a.lastSeenMs > options.gapHours * HOUR_MS) {
      const ended = { ...a, endMs: a.lastSeenMs + HOUR_MS, updatedMs: nowMs };
      if (created.includes(a)) created[created.indexOf(a)] = ended;
      else updated.set(a.id, ended);
    }
  }
  return { created, updated: [...updated.values()] };
}

/** An outage stays an outage, a pricier model stays one; a spike or drop that lasts becomes a level shift. */
function continuedKind(previous: AnomalyKind, now: AnomalyKind, hours: number, options: EpisodeOptions): AnomalyKind {
  if (previous === 'outage' || now === 'outage') return 'outage';
  if (previous === 'pricier-model' || now === 'pricier-model') return 'pricier-model';
  if ((FAMILY[now] === 'up' || FAMILY[now] === 'down') && (previous === 'level-shift' || hours >= options.levelShiftHours)) return 'level-shift';
  return now;
}

/**
 * A spike, drop or shift is told by who moved most of the episode's dollars (its causes' deltas
 * summed over its hours): a model's spike led by one client for hours keeps naming that client
 * when another leads its last hour. The price kinds keep the latest hour's (a switch to a pricier
 * model names that model first).
 */
function episodeCauses(current: Anomaly, f: Finding, atStake: number): Anomaly['rootCause'] {
  if (!f.rootCause.length) return current.rootCause;
  const family = familyOf(f);
  if (family !== 'up' && family !== 'down') return f.rootCause;
  return mergeRootCauses(current.rootCause, f.rootCause, family === 'down' ? -atStake : atStake);
}

function cap(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
