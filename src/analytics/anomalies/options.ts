/**
 * Detection thresholds. Tuned on ServeGen with injection seed 13 (the key stop, step and peer rules
 * on seeds 13 and 1-5) and reported with seed 29 (see test/data/anomalies-servegen.test.ts).
 */
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
  /** |robust z| a key's hour must pass against the hour before it alone (its same-hour medians' change carried in); Infinity: not judged so. */
  keyStepZThreshold: number;
  /** |robust z| the key's level-carried score must reach the same way for a step to count. */
  keyStepLevelZ: number;
  /** A key that spent in (nearly) every one of this many hours before and stops outright in hour t: an outage (0: not judged so). */
  keyStopHours: number;
  /** The share of those hours it may have been silent in. */
  keyStopSilentShare: number;
  /** A key is also judged against the judged key whose hourly changes tracked its own best over the past week, if they correlate at least this much (above 1: never). */
  peerMinCorrelation: number;
  /** |robust z| a key's break from its peer must pass. */
  peerZThreshold: number;
  /** |robust z| the key's own level score must reach the same way for a break from its peer to be its move. */
  peerOwnZ: number;
  /** Hours before the checked one whose median gap to the peer is the usual one. */
  peerRecentHours: number;
  /** Smallest spread of the gap to a peer (log) a key is scored with. */
  peerMinSigma: number;
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
  keyStepZThreshold: 5,
  keyStepLevelZ: 2.5,
  keyStopHours: 168,
  keyStopSilentShare: 0.05,
  peerMinCorrelation: 0.8,
  peerZThreshold: 4,
  peerOwnZ: 1.5,
  peerRecentHours: 24,
  peerMinSigma: 0.1,
};
