import type { NanoUsd } from '../../domain/money.ts';

export const ANOMALY_KINDS = ['spike', 'drop', 'outage', 'level-shift', 'new-model', 'new-spender', 'cost-per-request', 'pricier-model'] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];
export type Severity = 'low' | 'medium' | 'high' | 'critical';
export const ANOMALY_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type AnomalyStatus = (typeof ANOMALY_STATUSES)[number];

/** The dimensions a series is watched on and a root cause is named by. */
export type SeriesDimension = 'total' | 'project' | 'model' | 'user' | 'key';
export type CauseDimension = 'project' | 'user' | 'key' | 'model';

export interface SeriesRef {
  dimension: SeriesDimension;
  /** null for the total. */
  value: string | null;
}

/** One dimension value's part of the deviation: its own observed minus its own expected, and that as a share of the whole. */
export interface RootCause {
  dimension: CauseDimension;
  value: string;
  /** delta / the series' delta (0..1, may exceed 1 when other values moved the other way). */
  share: number;
  deltaNanoUsd: NanoUsd;
}

/** What one check found on one series at one hour, before it is merged into an episode. */
export interface Finding {
  kind: AnomalyKind;
  orgId: string | null;
  series: SeriesRef;
  hourMs: number;
  /** Cost kinds: nano-USD in the hour; cost-per-request kinds: nano-USD per request. */
  observed: number;
  expected: number;
  /** |observed - expected| in nano-USD over the hour (for cost-per-request: the extra per request x requests). */
  atStakeNanoUsd: NanoUsd;
  /** Robust z-score of the deviation (MAD-scaled); for new-* kinds the share of the hour's spend. */
  score: number;
  rootCause: RootCause[];
  /** A sentence for people: what moved, how much, and who explains it. */
  message: string;
}

/** A stored anomaly: one per org + series + kind + episode, updated while the episode lasts. */
export interface Anomaly {
  id: string;
  kind: AnomalyKind;
  severity: Severity;
  orgId: string | null;
  series: SeriesRef;
  startMs: number;
  /** End of the last anomalous hour once the episode is over; null while it lasts. */
  endMs: number | null;
  detectedMs: number;
  /** Start of the last hour the episode was seen in. */
  lastSeenMs: number;
  observed: number;
  expected: number;
  /** Summed over the episode's hours. */
  atStakeNanoUsd: NanoUsd;
  score: number;
  rootCause: RootCause[];
  status: AnomalyStatus;
  message: string;
  updatedMs: number;
}

/** Where anomalies are kept (SQLite or PostgreSQL). */
export interface AnomalyStore {
  insertAnomaly(anomaly: Anomaly): Promise<void>;
  updateAnomaly(anomaly: Anomaly): Promise<void>;
  getAnomaly(id: string): Promise<Anomaly | undefined>;
  /** Newest first. */
  listAnomalies(query: AnomalyQuery): Promise<Anomaly[]>;
}

export interface AnomalyQuery {
  status?: AnomalyStatus | undefined;
  orgId?: string | undefined;
  /** Anomalies whose episode touches [fromMs, toMs). */
  fromMs?: number | undefined;
  toMs?: number | undefined;
  /** Only episodes still going on (endMs null): the ones a check may continue. */
  ongoing?: boolean | undefined;
  limit?: number | undefined;
}
