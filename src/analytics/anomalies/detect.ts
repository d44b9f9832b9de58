import { levelScore, seasonalExpected, seasonalScore } from './baseline.ts';
import { HOUR_MS, sumCombos, type Combo, type Cube, type SeriesArrays } from './cube.ts';
import { describe } from './message.ts';
import { DEFAULT_DETECT_OPTIONS, type DetectOptions } from './options.ts';
import { changeCorrelation, logSeries, peerGap } from './peers.ts';
import { median, robustSigma } from './robust.ts';
import { rankRootCauses, round3 } from './root-cause.ts';
import type { AnomalyKind, CauseDimension, Finding, RootCause, SeriesDimension, SeriesRef } from './types.ts';

export interface Watched {
  series: SeriesRef;
  combos: Combo[];
  arrays: SeriesArrays;
}

/** The series watched in an org: its total, each project, each model and each key (users are named by root cause). */
export function watchedSeries(cube: Cube): Watched[] {
  const out: Watched[] = [{ series: { dimension: 'total', value: null }, combos: cube.combos, arrays: sumCombos(cube.combos, cube.hours) }];
  for (const dimension of ['project', 'model'] as const) {
    const groups = new Map<string, Combo[]>();
    for (const combo of cube.combos) {
      const list = groups.get(combo[dimension]);
      if (list) list.push(combo);
      else groups.set(combo[dimension], [combo]);
    }
    // A dimension with one value repeats the total.
    if (groups.size < 2) continue;
    for (const [value, combos] of groups) out.push({ series: { dimension, value }, combos, arrays: sumCombos(combos, cube.hours) });
  }
  out.push(...keySeries(cube));
  return out;
}

/**
 * Every key is watched on its own (up to `MAX_KEYS`, the biggest first): a client's drop or outage
 * is often too small to move its project, and a key is where a person acts. Whether a key is big
 * enough to judge is decided per hour (`keyShareFloor` of its project's past week), so a key that
 * grows into a big spender is judged from then on and tiny keys never alarm.
 */
const MAX_KEYS = 500;
function keySeries(cube: Cube): Watched[] {
  const byKey = new Map<string, Combo[]>();
  for (const combo of cube.combos) {
    if (combo.key === null) continue;
    const list = byKey.get(combo.key);
    if (list) list.push(combo);
    else byKey.set(combo.key, [combo]);
  }
  // One key is the whole org: its series is the total's.
  if (byKey.size < 2) return [];
  const out: (Watched & { spend: number })[] = [];
  for (const [key, combos] of byKey) {
    const arrays = sumCombos(combos, cube.hours);
    out.push({ series: { dimension: 'key', value: key }, combos, arrays, spend: arrays.cost.reduce((a, b) => a + b, 0) });
  }
  return out.sort((a, b) => b.spend - a.spend).slice(0, MAX_KEYS).map(({ spend: _spend, ...w }) => w);
}

/** A key's own series names the key first: it is the cause. */
function withSelf(series: SeriesRef, causes: RootCause[], delta: number): RootCause[] {
  if (series.dimension !== 'key' || series.value === null) return causes;
  return [{ dimension: 'key', value: series.value, share: 1, deltaNanoUsd: Math.round(delta) }, ...causes.filter((c) => !(c.dimension === 'key' && c.value === series.value))];
}

/**
 * Everything anomalous about hour `t` of one org's cube: spikes, drops, outages (each against the
 * series' seasonal baseline, scored by a robust z), cost-per-request jumps and switches to a pricier
 * model, and values (models, spenders) seen for the first time. Pure; one call per closed hour.
 */
export function detectHour(cube: Cube, t: number, orgId: string | null, options: DetectOptions = DEFAULT_DETECT_OPTIONS, watched = watchedSeries(cube)): Finding[] {
  const hourMs = cube.startMs + t * HOUR_MS;
  const findings: Finding[] = [];
  const weekSpend = spendBefore(watched, t);
  const judgedKeys = watched.filter((w) => w.series.dimension === 'key' && bigEnough(w, t, weekSpend, options));
  const peers = peerContext(judgedKeys, t, options);
  for (const w of watched) {
    if (w.series.dimension === 'key' && !judgedKeys.includes(w)) continue;
    const level = levelFinding(w, t, hourMs, orgId, options, peers);
    if (level) findings.push(level);
    const perRequest = costPerRequestFinding(w, t, hourMs, orgId, options);
    if (perRequest) findings.push(perRequest);
  }
  findings.push(...newcomerFindings(cube, t, hourMs, orgId, options));
  return suppressNested(findings, (coarse, fine) => containedIn(watched, coarse, fine, t));
}

/**
 * Whether series `fine` lies inside `coarse` at hour t: everything is inside the total; a key is
 * inside the project or model that all its combinations spending in hour t, or in the same hour of
 * the week before (what its baseline reads), belong to: a key's move in that hour is then all
 * inside it, even if the key sent some traffic to another model on another day.
 */
function containedIn(watched: readonly Watched[], coarse: SeriesRef, fine: SeriesRef, t: number): boolean {
  if (coarse.dimension === 'total') return true;
  if (fine.dimension !== 'key' || (coarse.dimension !== 'project' && coarse.dimension !== 'model')) return false;
  const dimension = coarse.dimension;
  const key = watched.find((w) => w.series.dimension === 'key' && w.series.value === fine.value);
  return key !== undefined && key.combos.every((c) => c[dimension] === coarse.value || !spentAtHour(c, t));
}

function spentAtHour(combo: Combo, t: number): boolean {
  for (let j = t; j >= Math.max(0, t - 168); j -= 24) if (combo.cost[j]! > 0) return true;
  return false;
}

/** How many series hour t judges: the total, projects and models, and the keys above the volume floor (the denominator of a false-alarm rate). */
export function judgedSeries(watched: readonly Watched[], t: number, options: DetectOptions = DEFAULT_DETECT_OPTIONS): number {
  const weekSpend = spendBefore(watched, t);
  return watched.filter((w) => w.series.dimension !== 'key' || bigEnough(w, t, weekSpend, options)).length;
}

function weekBefore(cost: Float64Array, t: number): number {
  let sum = 0;
  for (let j = Math.max(0, t - 168); j < t; j++) sum += cost[j]!;
  return sum;
}

/** Each project's spend (and the total's, under null) over the week before hour t. */
function spendBefore(watched: readonly Watched[], t: number): Map<string | null, number> {
  const out = new Map<string | null, number>();
  for (const w of watched) if (w.series.dimension === 'total' || w.series.dimension === 'project') out.set(w.series.value, weekBefore(w.arrays.cost, t));
  return out;
}

/**
 * The minimum-volume floor: a key is judged when it carried `keyShareFloor` of its project's spend
 * (a key belongs to one project; the org's spend when projects are not watched) over the past week,
 * and averaged at least a tenth of `minImpactNanoUsd` an hour (a share of a tiny project is still tiny).
 */
function bigEnough(w: Watched, t: number, weekSpend: Map<string | null, number>, options: DetectOptions): boolean {
  const project = w.combos[0]!.project;
  const whole = weekSpend.get(project) ?? weekSpend.get(null) ?? 0;
  const own = weekBefore(w.arrays.cost, t);
  return own > 0 && own >= options.keyShareFloor * whole && own >= 168 * 0.1 * options.minImpactNanoUsd;
}

function exclusionOf(dimension: SeriesDimension): CauseDimension | undefined {
  return dimension === 'project' || dimension === 'model' || dimension === 'key' ? dimension : undefined;
}

/**
 * A spike, drop or outage of one series in hour t. Aggregates (total, project, model) are judged
 * against the same-hour median; a key, one client whose level moves from day to day, against that
 * median carried to the level of its last hours (`levelScore`), and both baselines must agree that
 * the hour is off, so neither a quiet day nor the way back from a pause reads as an event. A key
 * whose hour is within those swings is judged three more ways: stopping outright (`stopFinding`),
 * against the hour before alone (a step), and against the peer key it tracked all week
 * (`peerFinding`).
 */
function levelFinding(w: Watched, t: number, hourMs: number, orgId: string | null, options: DetectOptions, peers?: PeerContext): Finding | undefined {
  const cost = w.arrays.cost;
  const positive = Array.from(cost.subarray(Math.max(0, t - 168), t)).filter((v) => v > 0);
  if (positive.length < 24) return undefined;
  const floor = Math.max(1, 0.05 * median(positive));
  if (w.series.dimension !== 'key') {
    const { expected, z } = seasonalScore(cost, t, { floor });
    return judged(w, t, hourMs, orgId, options, { observed: cost[t]!, expected, levelExpected: Number.NaN, z, threshold: options.zThreshold });
  }
  const hour = levelScore(cost, t, { floor, levelHours: options.keyLevelHours, minSigma: options.keyMinSigma });
  // The way back from a spike or shift is not a drop (the level carried from its hours is high).
  const back = (f: Finding | undefined) => (f?.kind === 'drop' && wayBack(cost, t, floor, options) ? undefined : f);
  const single = back(judged(w, t, hourMs, orgId, options, { observed: cost[t]!, expected: hour.expected, levelExpected: hour.levelExpected, z: hour.z, threshold: options.keyZThreshold }));
  if (single || !Number.isFinite(hour.expected)) return single;
  const stop = stopFinding(w, t, hourMs, orgId, options, hour.expected);
  if (stop) return stop;
  if (Number.isFinite(options.keyStepZThreshold) && Number.isFinite(hour.z) && Math.abs(hour.z) >= options.keyStepLevelZ) {
    // Against the hour before alone (the same-hour medians' change from it carried in): a step, which
    // the level-carried score must see the same way (at least keyStepLevelZ), so one wild hour after another is not one.
    const step = levelScore(cost, t, { floor, levelHours: 1, clamp: 1_000, minSigma: options.keyMinSigma });
    const found = Math.sign(step.z) === Math.sign(hour.z) ? judged(w, t, hourMs, orgId, options, { observed: cost[t]!, expected: hour.expected, levelExpected: step.levelExpected, z: step.z, threshold: options.keyStepZThreshold }) : undefined;
    if (back(found)) return found;
  }
  return peers ? back(peerFinding(w, t, hourMs, orgId, options, peers, hour)) : undefined;
}

/**
 * Whether a key's hour is the way back from an up-move, not a drop: it is not below `dropRatio` of
 * its same-hour median carried to the key's median level over the day before (each hour against
 * its own same-hour median). The level carried from the last `keyLevelHours` alone is high after a
 * spike or a shift, and the hour back where the key was before it would read as a drop.
 */
export function wayBack(cost: ArrayLike<number>, t: number, floor: number, options: Pick<DetectOptions, 'dropRatio'>): boolean {
  const expected = seasonalExpected(cost, t);
  const levels: number[] = [];
  for (let j = Math.max(0, t - 24); j < t; j++) {
    const usual = seasonalExpected(cost, j);
    if (Number.isFinite(usual)) levels.push((cost[j]! + floor) / (usual + floor));
  }
  if (levels.length < 12 || !Number.isFinite(expected)) return false;
  return cost[t]! + floor > options.dropRatio * (median(levels) * expected + floor);
}

/**
 * A key that spent in the hour before and in nearly every hour of the past `keyStopHours` (silent
 * in at most `keyStopSilentShare` of them) stopping outright: no spend in hour t where its
 * same-hour median is worth a message. However widely its level swings, it (nearly) never went a
 * whole hour without a request, so a silent hour is its outage even when a quiet night would be
 * within its swings.
 */
function stopFinding(w: Watched, t: number, hourMs: number, orgId: string | null, options: DetectOptions, expected: number): Finding | undefined {
  const cost = w.arrays.cost;
  if (options.keyStopHours <= 0 || cost[t]! > 0 || !(cost[t - 1]! > 0) || t < options.keyStopHours || !(expected >= options.minImpactNanoUsd)) return undefined;
  let silent = 0;
  for (let j = t - options.keyStopHours; j < t; j++) if (!(cost[j]! > 0)) silent++;
  if (silent > options.keyStopSilentShare * options.keyStopHours) return undefined;
  const rootCause = withSelf(w.series, rankRootCauses(w.combos, t, -expected, { exclude: 'key' }), -expected);
  return { kind: 'outage', orgId, series: w.series, hourMs, observed: 0, expected: Math.round(expected), atStakeNanoUsd: Math.round(expected), score: -options.keyStopHours, rootCause, message: describe('outage', w.series, hourMs, 0, expected, rootCause) };
}

/** The judged keys' log series over the week before hour t and the hour itself, to find each one's closest peer. */
interface PeerContext {
  logs: Map<Watched, { log: Float64Array; floor: number }>;
}

function peerContext(keys: readonly Watched[], t: number, options: DetectOptions): PeerContext | undefined {
  if (options.peerMinCorrelation > 1 || t < 168 || keys.length < 2) return undefined;
  const logs = new Map<Watched, { log: Float64Array; floor: number }>();
  for (const w of keys) {
    const positive = Array.from(w.arrays.cost.subarray(t - 168, t)).filter((v) => v > 0);
    if (positive.length < 24) continue;
    const floor = Math.max(1, 0.05 * median(positive));
    logs.set(w, { log: logSeries(w.arrays.cost, t - 168, t, floor), floor });
  }
  return { logs };
}

/**
 * A key that breaks from the peer it tracked all week (the judged key whose hour-to-hour changes
 * correlated best with its own, at least `peerMinCorrelation`): its hour against the peer's hour
 * times their usual ratio, scored by how far that gap usually wanders. Its own baselines must see
 * the same move (the ratio to its same-hour median, and its own z at least `peerOwnZ`, above the
 * peer's own z the other way): when one of two twins jumps, the other breaks from it too, but has
 * not moved on its own.
 */
function peerFinding(w: Watched, t: number, hourMs: number, orgId: string | null, options: DetectOptions, peers: PeerContext, hour: { expected: number; z: number }): Finding | undefined {
  const own = peers.logs.get(w);
  if (!own || !Number.isFinite(hour.z) || Math.abs(hour.z) < options.peerOwnZ) return undefined;
  let best: Watched | undefined;
  let bestCorrelation = options.peerMinCorrelation;
  for (const [other, entry] of peers.logs) {
    if (other === w) continue;
    const correlation = changeCorrelation(own.log, entry.log, own.log.length - 1);
    if (correlation >= bestCorrelation) {
      best = other;
      bestCorrelation = correlation;
    }
  }
  if (!best) return undefined;
  const peer = peers.logs.get(best)!;
  const gap = peerGap(own.log, peer.log, { recentHours: options.peerRecentHours, minSigma: options.peerMinSigma });
  if (Math.sign(gap.z) !== Math.sign(hour.z)) return undefined;
  const peerHour = levelScore(best.arrays.cost, t, { floor: peer.floor, levelHours: options.keyLevelHours, minSigma: options.keyMinSigma });
  if (Number.isFinite(peerHour.z) && -Math.sign(hour.z) * peerHour.z >= Math.abs(hour.z)) return undefined;
  const peerExpected = Math.max(0, Math.exp(Math.log(best.arrays.cost[t]! + peer.floor) + gap.logRatio) - own.floor);
  return judged(w, t, hourMs, orgId, options, { observed: w.arrays.cost[t]!, expected: hour.expected, levelExpected: peerExpected, z: gap.z, threshold: options.peerZThreshold });
}

interface Scored {
  observed: number;
  expected: number;
  /** NaN for aggregates: only the seasonal baseline is asked. */
  levelExpected: number;
  z: number;
  threshold: number;
}

function judged(w: Watched, t: number, hourMs: number, orgId: string | null, options: DetectOptions, s: Scored): Finding | undefined {
  const { observed, expected, z } = s;
  if (!Number.isFinite(z)) return undefined;
  const delta = observed - expected;
  if (Math.abs(delta) < options.minImpactNanoUsd) return undefined;
  // For a key both baselines must see the same move; an aggregate has only the seasonal one.
  const hasLevel = Number.isFinite(s.levelExpected);
  const against = (ratio: number, below: boolean) =>
    (below ? observed <= ratio * expected && (!hasLevel || observed <= ratio * s.levelExpected) : observed >= ratio * expected && (!hasLevel || observed >= ratio * s.levelExpected));
  let kind: AnomalyKind | undefined;
  if (against(options.outageRatio, true) && z <= -s.threshold) kind = 'outage';
  else if (against(options.dropRatio, true) && z <= -s.threshold) kind = 'drop';
  else if (against(options.spikeRatio, false) && z >= s.threshold) kind = 'spike';
  if (!kind) return undefined;
  const rootCause = withSelf(w.series, rankRootCauses(w.combos, t, delta, { exclude: exclusionOf(w.series.dimension) }), delta);
  return { kind, orgId, series: w.series, hourMs, observed: Math.round(observed), expected: Math.round(expected), atStakeNanoUsd: Math.round(Math.abs(delta)), score: round3(z), rootCause, message: describe(kind, w.series, hourMs, observed, expected, rootCause) };
}

/** Cost per request, hour by hour (NaN where too few requests to judge). */
function perRequest(arrays: SeriesArrays, from: number, to: number, minRequests: number): number[] {
  const out: number[] = [];
  for (let j = from; j < to; j++) out.push(arrays.requests[j]! >= minRequests ? arrays.cost[j]! / arrays.requests[j]! : Number.NaN);
  return out;
}

function costPerRequestFinding(w: Watched, t: number, hourMs: number, orgId: string | null, options: DetectOptions): Finding | undefined {
  const requests = w.arrays.requests[t]!;
  if (requests < options.minRequests) return undefined;
  const history = perRequest(w.arrays, Math.max(0, t - 168), t, options.minRequests).filter(Number.isFinite);
  if (history.length < 24) return undefined;
  const expected = median(history);
  if (!(expected > 0)) return undefined;
  const observed = w.arrays.cost[t]! / requests;
  const sigma = Math.max(robustSigma(history.map((v) => Math.log(v / expected))), 0.05);
  const z = Math.log(observed / expected) / sigma;
  const extra = (observed - expected) * requests;
  if (observed < options.costPerRequestRatio * expected || z < options.zThreshold || extra < options.minImpactNanoUsd) return undefined;
  // Rate, not mix: the jump must come from spenders paying more per request than they used to,
  // not from a pricier spender sending more (that is a spike of that spender, told as one).
  const rise = perRequestRise(w.combos, t, options.minRequests);
  let within = 0;
  for (const value of rise.values()) if (value > 0) within += value;
  if (within < 0.5 * extra || within < options.minImpactNanoUsd) return undefined;
  let rootCause = withSelf(w.series, perRequestCauses(w.combos, rise, within), within);
  const switched = pricierModel(w.combos, t, rise, within);
  const kind: AnomalyKind = switched ? 'pricier-model' : 'cost-per-request';
  if (switched) rootCause = [...rootCause.filter((c) => c.dimension === 'model' && c.value === switched), ...rootCause.filter((c) => !(c.dimension === 'model' && c.value === switched))];
  const tokensNow = w.arrays.inputTokens[t]! / requests;
  const tokensBefore = median(perRequest({ ...w.arrays, cost: w.arrays.inputTokens }, Math.max(0, t - 168), t, options.minRequests).filter(Number.isFinite));
  const note = !switched && tokensBefore > 0 && tokensNow >= 1.5 * tokensBefore ? ` Input tokens per request rose from ${Math.round(tokensBefore)} to ${Math.round(tokensNow)} (prompt blow-up).` : '';
  return { kind, orgId, series: w.series, hourMs, observed: Math.round(observed), expected: Math.round(expected), atStakeNanoUsd: Math.round(within), score: round3(z), rootCause, message: describe(kind, w.series, hourMs, observed, expected, rootCause, note) };
}

/** Combinations grouped by who sends them: the key, else the project's user. */
function combosBySpender(combos: readonly Combo[]): Map<string, Combo[]> {
  const byKey = new Map<string, Combo[]>();
  for (const combo of combos) {
    const key = combo.key ?? `${combo.project}\u0000${combo.user ?? ''}`;
    const list = byKey.get(key);
    if (list) list.push(combo);
    else byKey.set(key, [combo]);
  }
  return byKey;
}

/**
 * Each combination's cost in hour t beyond what its key's requests would have cost at that key's
 * usual price per request (median of the previous week's hours with enough requests). Keys without
 * such a history add nothing (they are new spenders, or a mix change).
 */
function perRequestRise(combos: readonly Combo[], t: number, minRequests: number): Map<Combo, number> {
  const byKey = combosBySpender(combos);
  const rise = new Map<Combo, number>();
  for (const members of byKey.values()) {
    const perHour: number[] = [];
    for (let j = Math.max(0, t - 168); j < t; j++) {
      let cost = 0;
      let requests = 0;
      for (const m of members) {
        cost += m.cost[j]!;
        requests += m.requests[j]!;
      }
      if (requests >= Math.max(1, minRequests / 4)) perHour.push(cost / requests);
    }
    if (perHour.length < 12) continue;
    const usual = median(perHour);
    for (const m of members) rise.set(m, m.cost[t]! - m.requests[t]! * usual);
  }
  return rise;
}

/** The rise per request grouped by each dimension's values, as shares of the whole rise. */
function perRequestCauses(combos: readonly Combo[], rise: Map<Combo, number>, within: number) {
  const causes: { dimension: CauseDimension; value: string; share: number; deltaNanoUsd: number; rank: number }[] = [];
  const bonus: Record<CauseDimension, number> = { project: 0, model: 1, user: 2, key: 3 };
  for (const dimension of ['project', 'model', 'user', 'key'] as const) {
    const deltas = new Map<string, number>();
    for (const combo of combos) {
      const value = combo[dimension];
      if (value === null) continue;
      deltas.set(value, (deltas.get(value) ?? 0) + (rise.get(combo) ?? 0));
    }
    if (deltas.size < 2 && dimension === 'project') continue;
    for (const [value, delta] of deltas) {
      const share = delta / within;
      if (share > 0.05) causes.push({ dimension, value, share: round3(share), deltaNanoUsd: Math.round(delta), rank: Math.min(share, 1) * (1 + 0.05 * bonus[dimension]) });
    }
  }
  causes.sort((a, b) => b.rank - a.rank || a.value.localeCompare(b.value));
  return causes.slice(0, 5).map(({ rank: _rank, ...cause }) => cause);
}

/**
 * A switch to a pricier model: keys carrying most of the rise moved 30 points or more of their own
 * requests to one model against their previous week (a key that only sent more of what it always
 * sent has not switched). Returns that model.
 */
function pricierModel(combos: readonly Combo[], t: number, rise: Map<Combo, number>, within: number): string | undefined {
  const byKey = combosBySpender(combos);
  const weight = new Map<string, number>();
  for (const members of byKey.values()) {
    const keyRise = members.reduce((sum, m) => sum + (rise.get(m) ?? 0), 0);
    if (keyRise <= 0) continue;
    let now = 0;
    let before = 0;
    const perModel = new Map<string, { now: number; before: number }>();
    for (const m of members) {
      let b = 0;
      for (let j = Math.max(0, t - 168); j < t; j++) b += m.requests[j]!;
      const entry = perModel.get(m.model) ?? { now: 0, before: 0 };
      entry.now += m.requests[t]!;
      entry.before += b;
      perModel.set(m.model, entry);
      now += m.requests[t]!;
      before += b;
    }
    if (now === 0 || before === 0) continue;
    for (const [model, entry] of perModel) {
      if (entry.now / now - entry.before / before >= 0.3) weight.set(model, (weight.get(model) ?? 0) + keyRise);
    }
  }
  let best: string | undefined;
  let bestWeight = 0.5 * within;
  for (const [model, w] of weight) {
    if (w >= bestWeight) {
      best = model;
      bestWeight = w;
    }
  }
  return best;
}

const firstActiveByCube = new WeakMap<Cube, Int32Array>();

/**
 * Per combination, the first hour with a request (`cube.hours` if none), worked out once per cube:
 * "spent before hour t" is then one comparison, not a sum over t hours for every combination,
 * dimension and checked hour (which held the event loop for seconds on a big ledger's catch-up).
 */
function firstActiveHours(cube: Cube): Int32Array {
  let first = firstActiveByCube.get(cube);
  if (first) return first;
  first = new Int32Array(cube.combos.length).fill(cube.hours);
  cube.combos.forEach((combo, index) => {
    const at = combo.requests.findIndex((requests) => requests > 0);
    if (at >= 0) first![index] = at;
  });
  firstActiveByCube.set(cube, first);
  return first;
}

/** Models, projects, users and keys spending for the first time in `newAfterHours` (the org itself must be older than that). */
function newcomerFindings(cube: Cube, t: number, hourMs: number, orgId: string | null, options: DetectOptions): Finding[] {
  const since = t - options.newAfterHours;
  if (since < 0) return [];
  const firstActive = firstActiveHours(cube);
  if (!firstActive.some((first) => first <= since)) return [];
  const findings: Finding[] = [];
  const newValues = new Map<CauseDimension, Set<string>>();
  for (const dimension of ['model', 'project', 'user', 'key'] as const) {
    const seen = new Set<string>();
    const nowCost = new Map<string, number>();
    cube.combos.forEach((combo, index) => {
      const value = combo[dimension];
      if (value === null) return;
      if (firstActive[index]! < t) seen.add(value);
      nowCost.set(value, (nowCost.get(value) ?? 0) + combo.cost[t]!);
    });
    const fresh = new Set<string>();
    for (const [value, cost] of nowCost) {
      if (seen.has(value) || cost <= 0) continue;
      fresh.add(value);
      // A new key of a new user, or of a new project, is that user's or project's news, told once.
      const coarser = dimension === 'key' ? ['project', 'user'] : dimension === 'user' ? ['project'] : [];
      const members = cube.combos.filter((c) => c[dimension] === value && c.cost[t]! > 0);
      if (members.length && members.every((c) => coarser.some((d) => { const v = c[d as CauseDimension]; return v !== null && newValues.get(d as CauseDimension)?.has(v); }))) continue;
      if (cost < options.minImpactNanoUsd) continue;
      const kind: AnomalyKind = dimension === 'model' ? 'new-model' : 'new-spender';
      const series: SeriesRef = { dimension, value };
      const total = cube.combos.reduce((sum, c) => sum + c.cost[t]!, 0);
      const rootCause = rankRootCauses(members, t, cost, { exclude: dimension, expectedOf: () => 0 });
      findings.push({ kind, orgId, series, hourMs, observed: Math.round(cost), expected: 0, atStakeNanoUsd: Math.round(cost), score: round3(total > 0 ? cost / total : 1), rootCause, message: describe(kind, series, hourMs, cost, 0, rootCause) });
    }
    newValues.set(dimension, fresh);
  }
  return findings;
}

const FAMILY: Partial<Record<AnomalyKind, string>> = { spike: 'up', 'level-shift': 'up', drop: 'down', outage: 'down', 'cost-per-request': 'price', 'pricier-model': 'price' };
const LEVEL: Record<SeriesDimension, number> = { total: 0, model: 1, project: 2, user: 3, key: 3 };

/** Whether `finding`'s root cause names `series` as carrying at least three quarters of its deviation. */
function names(finding: Finding, series: SeriesRef): boolean {
  return finding.rootCause.some((c) => c.dimension === series.dimension && c.value === series.value && c.share >= 0.75);
}

/** How far a finding moved, as a log ratio (an outage is about -4.6, a 10x spike +2.3). */
function moved(f: Finding): number {
  return Math.log((f.observed + 0.01 * f.expected + 1) / (1.01 * f.expected + 1));
}

/** Whether `coarse` moved by (nearly) the factor `fine` did: all of it moved, not `fine` inside it. */
function movedWhole(coarse: Finding, fine: Finding): boolean {
  const m = moved(fine);
  return m !== 0 && moved(coarse) / m >= 0.8;
}

/**
 * Whether a key's spike is news the coarser one does not tell: the coarser finding (a model or
 * project inside which the key rose) puts another value first and gives the key under half of its
 * move. Two clients of one model spiking in the same hour are two events; "m-mid up, client A
 * first" would hide client B (a key always names its own model in full, so without this the key
 * gave way to whatever its model said). Drops stay with the coarser finding: when a model stops,
 * each of its clients stopping is that one event.
 */
function toldApart(coarse: Finding, fine: Finding): boolean {
  if (fine.series.dimension !== 'key' || FAMILY[fine.kind] !== 'up') return false;
  const first = coarse.rootCause[0];
  if (!first || (first.dimension === fine.series.dimension && first.value === fine.series.value)) return false;
  const share = coarse.rootCause.find((c) => c.dimension === fine.series.dimension && c.value === fine.series.value)?.share ?? 0;
  return share < 0.5;
}

/**
 * One event shows on several series (a key's runaway loop lifts its project, its model and the
 * total; a model's outage drops every project and key using it). Tell it once. Of two findings of
 * the same family where the coarser one's root cause names the finer (three quarters of its move
 * or more) or wholly contains it (a key inside a project or model): when the coarser moved by about
 * the same factor, all of it moved and it is the news (a model stopped, not each of its clients);
 * when it moved less, the finer one is the source diluted in it (a runaway key, not its project)
 * and the coarser gives way if it names it. A finer finding naming the coarser gives way.
 */
export function suppressNested(findings: Finding[], contains: (coarse: SeriesRef, fine: SeriesRef) => boolean = () => false): Finding[] {
  const dropped = new Set<Finding>();
  for (const coarse of findings) {
    for (const fine of findings) {
      if (coarse === fine || dropped.has(coarse) || dropped.has(fine)) continue;
      const family = FAMILY[coarse.kind];
      if (!family || family !== FAMILY[fine.kind] || LEVEL[fine.series.dimension] <= LEVEL[coarse.series.dimension]) continue;
      const coarseNamesFine = names(coarse, fine.series);
      if ((coarseNamesFine || contains(coarse.series, fine.series)) && movedWhole(coarse, fine)) dropped.add(fine);
      else if (coarseNamesFine) dropped.add(coarse);
      else if (coarse.series.dimension !== 'total' && names(fine, coarse.series) && !toldApart(coarse, fine)) dropped.add(fine);
    }
  }
  // A total change no value explains (no root cause with three quarters of it) is a wide event: its parts are not news of their own.
  // Unless one part carries at least half of it: that part (a model's outage) is the news, and it
  // stays one episode whether or not something small elsewhere moved the same hour.
  for (const total of findings) {
    if (dropped.has(total) || total.series.dimension !== 'total' || total.rootCause.some((c) => c.share >= 0.75)) continue;
    const parts = findings.filter((f) => f !== total && !dropped.has(f) && FAMILY[f.kind] !== undefined && FAMILY[f.kind] === FAMILY[total.kind]);
    if (parts.some((f) => total.rootCause.some((c) => c.dimension === f.series.dimension && c.value === f.series.value && c.share >= 0.5))) dropped.add(total);
    else for (const f of parts) dropped.add(f);
  }
  return findings.filter((f) => !dropped.has(f));
}
