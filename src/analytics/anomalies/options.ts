/** Detection thresholds. Tuned on ServeGen with injection seed 13 and reported with seed 29 (see test/data/anomalies-servegen.test.ts). */
export interface DetectOptions {
  /** |robust z| a spike or drop must pass (log ratio to the seasonal baseline, MAD-scaled). */
  zThreshold: number;
  /** A spike must be at least this multiple of the expected hour. */
  spikeRatio: number;
  /** A drop must be at most this fraction of the expected hour. */
  dropRatio: number;
  /** An outage is an hour at or below this fraction of the expected one. */
  outageRatio: number;
  /** Hours an episode of spike or drop must last to be called a level shift. */
  levelShiftHours: number;
  /** Deviations smaller than this (nano-USD in the hour) are not worth a message. */
  minImpactNanoUsd: number;
  /** Cost per request must jump by this factor (and pass zThreshold) to count. */
  costPerRequestRatio: number;
  /** Fewest requests in the hour for a cost-per-request judgement. */
  minRequests: number;
  /** Hours of history a value must be absent from to be "new" (and the org must have that much history). */
  newAfterHours: number;
  /** A key is judged on its own while it carries at least this share of its project's spend over the past week. */
  keyShareFloor: number;
  /** Hours before the checked one whose level a key's baseline is carried to. */
  keyLevelHours: number;
  /** |robust z| a key's spike or drop must pass (against its level-carried baseline). */
  keyZThreshold: number;
  /** Smallest spread (of log ratios) a key is scored with: a client steady for a week is not told about every 20% wobble. */
  keyMinSigma: number;
}

export const DEFAULT_DETECT_OPTIONS: DetectOptions = {
  zThreshold: 4,
  spikeRatio: 1.6,
  dropRatio: 0.5,
  outageRatio: 0.05,
  levelShiftHours: 6,
  minImpactNanoUsd: 50_000_000,
  costPerRequestRatio: 1.5,
  minRequests: 20,
  newAfterHours: 7 * 24,
  keyShareFloor: 0.05,
  keyLevelHours: 4,
  keyZThreshold: 4,
  keyMinSigma: 0.15,
};
