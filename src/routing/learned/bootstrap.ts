/**
 * Paired bootstrap intervals for router metrics (pure, seeded).
 *
 * Every replicate draws one resample and scores every router on that same resample, so the
 * interval of a difference (learned − length rule) is paired: the prompts both routers find easy
 * or hard cancel out, and the interval is much narrower than two separate intervals suggest.
 *
 * The resampling unit is a cluster. With one cluster per prompt this is the ordinary bootstrap over
 * prompts; with one cluster per subject it is the cluster bootstrap over subjects, which is the
 * honest one for leave-subjects-out results: questions of one subject share a topic, a style and
 * often a difficulty, so they are not independent draws, and a router's advantage that rests on a
 * few subjects shows up as a wide interval instead of a confident one. The data suite reports the
 * subject bootstrap as the headline and the prompt bootstrap beside it.
 *
 * A resample is a vector of multiplicities; the curve is computed on the weighted prompts (a prompt
 * drawn twice counts twice, in the same tie group), which equals {@link evaluateRouter} on the
 * expanded multiset but costs O(n) per replicate instead of a sort.
 */
import { mulberry32 } from './model.ts';
import { summarise, type CurvePoint, type Outcomes, type RouterEvaluation } from './evaluate.ts';

/** Prompts sorted by score (descending, index order within a tie) and the tie groups over that order. */
export interface Ranking {
  order: Int32Array;
  /** groupStart[g] .. groupStart[g + 1] is tie group g in `order`; length = groups + 1. */
  groupStart: Int32Array;
}

export function rankScores(scores: readonly number[]): Ranking {
  const n = scores.length;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
  const starts: number[] = [];
  for (let i = 0; i < n; i++) if (i === 0 || scores[order[i]!] !== scores[order[i - 1]!]) starts.push(i);
  starts.push(n);
  return { order, groupStart: Int32Array.from(starts) };
}

/**
 * {@link evaluateRouter} with a non-negative weight per prompt (bootstrap multiplicities). With all
 * weights 1 it gives the same curve.
 */
export function evaluateWeighted(ranking: Ranking, outcomes: Outcomes, weights: ArrayLike<number>, steps = 100): RouterEvaluation {
  const { order, groupStart } = ranking;
  const groups = groupStart.length - 1;
  const size = new Float64Array(groups);
  const gain = new Float64Array(groups);
  let total = 0;
  let weakSum = 0;
  let strongSum = 0;
  for (let g = 0; g < groups; g++) {
    for (let i = groupStart[g]!; i < groupStart[g + 1]!; i++) {
      const k = order[i]!;
      const w = weights[k]!;
      if (w === 0) continue;
      const wk = outcomes.weakCorrect[k] ? 1 : 0;
      const st = outcomes.strongCorrect[k] ? 1 : 0;
      size[g] = size[g]! + w;
      gain[g] = gain[g]! + w * (st - wk);
      weakSum += w * wk;
      strongSum += w * st;
    }
    total += size[g]!;
  }
  if (total === 0) throw new Error('no prompts to evaluate');
  const weak = weakSum / total;
  const strong = strongSum / total;
  const gap = strong - weak;
  const curve: CurvePoint[] = [];
  let g = 0;
  let start = 0; // weighted position where group g starts
  let before = 0; // gain of the groups before g
  for (let step = 0; step <= steps; step++) {
    const k = (step * total) / steps;
    while (g < groups && start + size[g]! <= k) {
      start += size[g]!;
      before += gain[g]!;
      g++;
    }
    const got = g >= groups ? before : before + ((k - start) / size[g]!) * gain[g]!;
    const accuracy = (weakSum + got) / total;
    curve.push({ strongShare: step / steps, accuracy, pgr: Math.abs(gap) < 1e-12 ? 0 : (accuracy - weak) / gap });
  }
  return summarise(curve, total, weak, strong);
}

export const METRICS = ['apgr', 'shareFor95PctStrongAccuracy', 'cpt50', 'cpt80'] as const;
export type Metric = (typeof METRICS)[number];

export interface Interval {
  point: number;
  low: number;
  high: number;
}

export interface BootstrapOptions {
  replicates: number;
  seed: number;
  /** Coverage of the percentile intervals (default 0.95). */
  level?: number;
  /** Resampling unit of each prompt (e.g. its subject); default: every prompt is its own unit. */
  clusters?: readonly (string | number)[];
  steps?: number;
}

export interface BootstrapResult {
  replicates: number;
  /** Number of resampling units (prompts or clusters). */
  units: number;
  routers: Record<string, Record<Metric, Interval>>;
  /** `a − b` per pair; `aBetter` is the share of replicates where a beats b (higher APGR, lower shares). */
  differences: Array<{ a: string; b: string } & Record<Metric, Interval & { aBetter: number }>>;
}

function metricValue(e: RouterEvaluation, m: Metric): number {
  const v = e[m];
  return v === null ? Number.NaN : v;
}

/** Percentile of sorted finite values with linear interpolation. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function interval(point: number, draws: number[], level: number): Interval {
  const finite = draws.filter(Number.isFinite).sort((x, y) => x - y);
  return { point, low: quantile(finite, (1 - level) / 2), high: quantile(finite, 1 - (1 - level) / 2) };
}

/**
 * Paired bootstrap of every router's metrics and of the differences in `pairs`. Each router is a
 * score per prompt (higher = strong first); a constant score is the random router in expectation.
 */
export function pairedBootstrap(
  routers: Readonly<Record<string, readonly number[]>>,
  outcomes: Outcomes,
  pairs: ReadonlyArray<readonly [string, string]>,
  options: BootstrapOptions,
): BootstrapResult {
  const n = outcomes.weakCorrect.length;
  const level = options.level ?? 0.95;
  const steps = options.steps ?? 100;
  if (!(Number.isInteger(options.replicates) && options.replicates >= 1)) throw new Error('replicates must be a positive integer');
  const names = Object.keys(routers);
  for (const name of names) if (routers[name]!.length !== n) throw new Error(`router ${name}: scores and outcomes differ in length`);
  for (const [a, b] of pairs) if (!Object.hasOwn(routers, a) || !Object.hasOwn(routers, b)) throw new Error(`unknown router in pair ${a} − ${b}`);

  // Units: cluster id per prompt → dense index, and the prompts of each unit.
  const clusterOf = new Int32Array(n);
  let units = n;
  if (options.clusters) {
    if (options.clusters.length !== n) throw new Error('clusters and outcomes differ in length');
    const ids = new Map<string | number, number>();
    options.clusters.forEach((c, i) => {
      let id = ids.get(c);
      if (id === undefined) ids.set(c, (id = ids.size));
      clusterOf[i] = id;
    });
    units = ids.size;
  } else for (let i = 0; i < n; i++) clusterOf[i] = i;

  const rankings = Object.fromEntries(names.map((name) => [name, rankScores(routers[name]!)]));
  const ones = new Float64Array(n).fill(1);
  const points = Object.fromEntries(names.map((name) => [name, evaluateWeighted(rankings[name]!, outcomes, ones, steps)]));
  const draws: Record<string, Record<Metric, number[]>> = Object.fromEntries(
    names.map((name) => [name, Object.fromEntries(METRICS.map((m) => [m, [] as number[]])) as Record<Metric, number[]>]),
  );

  const rand = mulberry32(options.seed);
  const unitCount = new Float64Array(units);
  const weights = new Float64Array(n);
  for (let r = 0; r < options.replicates; r++) {
    unitCount.fill(0);
    for (let u = 0; u < units; u++) {
      const drawn = Math.floor(rand() * units);
      unitCount[drawn] = unitCount[drawn]! + 1;
    }
    for (let i = 0; i < n; i++) weights[i] = unitCount[clusterOf[i]!]!;
    for (const name of names) {
      const e = evaluateWeighted(rankings[name]!, outcomes, weights, steps);
      for (const m of METRICS) draws[name]![m].push(metricValue(e, m));
    }
  }

  const result: BootstrapResult = { replicates: options.replicates, units, routers: {}, differences: [] };
  for (const name of names) {
    result.routers[name] = Object.fromEntries(
      METRICS.map((m) => [m, interval(metricValue(points[name]!, m), draws[name]![m], level)]),
    ) as Record<Metric, Interval>;
  }
  for (const [a, b] of pairs) {
    const diff = Object.fromEntries(
      METRICS.map((m) => {
        const da = draws[a]![m];
        const db = draws[b]![m];
        const d = da.map((v, i) => v - db[i]!);
        // APGR: higher is better; the shares: lower is better.
        const better = d.filter((v) => (m === 'apgr' ? v > 0 : v < 0)).length / d.length;
        return [m, { ...interval(metricValue(points[a]!, m) - metricValue(points[b]!, m), d, level), aBetter: better }];
      }),
    ) as Record<Metric, Interval & { aBetter: number }>;
    result.differences.push({ a, b, ...diff });
  }
  return result;
}
