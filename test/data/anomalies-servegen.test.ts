import { readFileSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import { levelScore, seasonalExpected, seasonalScore } from '../../src/analytics/anomalies/baseline.ts';
import { HOUR_MS, buildCube } from '../../src/analytics/anomalies/cube.ts';
import { detectHour, judgedSeries, watchedSeries } from '../../src/analytics/anomalies/detect.ts';
import { foldHour } from '../../src/analytics/anomalies/episodes.ts';
import { median } from '../../src/analytics/anomalies/robust.ts';
import { DEFAULT_DETECT_OPTIONS } from '../../src/analytics/anomalies/options.ts';
import type { Anomaly, AnomalyKind } from '../../src/analytics/anomalies/types.ts';
import { hasSharedData, missingSharedData, sharedDataPath } from '../support/shared-data.ts';
import { skipUnless } from '../support/skip-unless.ts';
import { EPOCH_MS, HOURS, cellsOf, costOf, loadClients, type ClientHours } from './servegen-cells.ts';
import { inject, type Injection } from './servegen-injections.ts';

const DATA = 'servegen/language-m-mid-rates.csv';
/** Detection starts once three days of same-hour history exist. */
const FIRST_HOUR = 72;
/** The injection seed the thresholds were tuned with, and the one the results are reported with. */
const TUNE_SEED = 13;
const REPORT_SEED = 29;
/** Alarms per 1,000 judged series-hours on the clean week: the guard sits just above the level reached. */
const FALSE_ALARM_GUARD = 23;
const OPTIONS = { ...DEFAULT_DETECT_OPTIONS, ...(process.env.ANOMALY_OPTIONS ? (JSON.parse(process.env.ANOMALY_OPTIONS) as object) : {}) };

/** Runs the continuous check over every hour, as the runtime would, and returns the episodes. */
function runAll(clients: readonly ClientHours[]): Anomaly[] {
  const cube = buildCube(cellsOf(clients), EPOCH_MS, HOURS);
  const watched = watchedSeries(cube);
  let ongoing: Anomaly[] = [];
  const all = new Map<string, Anomaly>();
  let id = 0;
  for (let t = FIRST_HOUR; t < HOURS; t++) {
    const hourMs = EPOCH_MS + t * HOUR_MS;
    const { created, updated } = foldHour(ongoing, detectHour(cube, t, 'servegen', OPTIONS, watched), hourMs, hourMs + HOUR_MS, () => `a${id++}`);
    for (const a of [...created, ...updated]) all.set(a.id, a);
    ongoing = [...all.values()].filter((a) => a.endMs === null);
  }
  return [...all.values()];
}

const hourOf = (ms: number) => (ms - EPOCH_MS) / HOUR_MS;
const endHour = (a: Anomaly) => (a.endMs === null ? HOURS : hourOf(a.endMs));
const FAMILIES: Record<AnomalyKind, string> = { spike: 'up', 'level-shift': 'up', drop: 'down', outage: 'down', 'cost-per-request': 'price', 'pricier-model': 'price', 'new-model': 'new', 'new-spender': 'new' };
/** Which way an alarm moved: a level shift by its score's sign (a drop that lasted is a shift down). */
const family = (a: Pick<Anomaly, 'kind' | 'score'>) => (a.kind === 'level-shift' && a.score < 0 ? 'down' : FAMILIES[a.kind]);
/**
 * The same event as in the un-injected run `b`: same kind family, starting within an hour of it or
 * inside it (an injection elsewhere can hide one hour of a real episode and split it in two), told
 * on the same series or on the series the other one names first (it can also tip which of two
 * nested findings of one real event is kept).
 */
const sameAlarm = (a: Anomaly, b: Anomaly) =>
  family(a) === family(b) &&
  a.startMs >= b.startMs - HOUR_MS &&
  a.startMs <= (b.endMs ?? Number.POSITIVE_INFINITY) + HOUR_MS &&
  ((a.series.dimension === b.series.dimension && a.series.value === b.series.value) || (a.series.value !== null && b.rootCause[0]?.value === a.series.value) || (b.series.value !== null && a.rootCause[0]?.value === b.series.value));

/** Who an alarm is about: a key's own series, a newcomer, else the value its root cause names first. */
const who = (a: Anomaly) => (a.series.dimension === 'key' || a.kind === 'new-model' || a.kind === 'new-spender' ? a.series.value : (a.rootCause[0]?.value ?? a.series.value));

/**
 * Whether alarm `a` of the injected run is the un-injected run's `b` (a real event, not news). Not
 * when `a` is about an injected event's client, inside that event's hours, and `b` was about someone
 * else or started later: "m-small up, led by client c5" at the hour c5 was made to spike is not the
 * real "m-small up, led by c38" an hour later, though both sit on one series in one window (that
 * matching counted about one detected event in forty as missed, large ones included).
 */
const preexisting = (events: readonly Injection[]) => (a: Anomaly, b: Anomaly) => {
  if (!sameAlarm(a, b)) return false;
  const about = who(a);
  const injected = events.some((e) => about !== null && e.names.includes(about) && hourOf(a.startMs) >= e.start && hourOf(a.startMs) <= e.start + e.hours + 1);
  return !(injected && (who(b) !== about || a.startMs < b.startMs));
};

/** The factor each kind scales its client by (an outage as the 1/20 the detector calls one). */
const FACTOR: Partial<Record<string, number>> = { spike: 10, 'level-shift': 3, drop: 0.2, outage: 0.05 };

/**
 * How plainly an injected move stands out of its client's own swings: the injected log factor over
 * the spread (MAD sigma of log ratios against its level-carried same-hour baseline) of the client's
 * week before the event, as the detector scores it. Undefined for the mix kinds.
 */
function sizeOverNoise(clients: readonly ClientHours[], e: Injection): number | undefined {
  const factor = FACTOR[e.kind];
  if (factor === undefined) return undefined;
  const cost = new Float64Array(HOURS);
  for (const c of clients) if (c.client === e.names[0]) for (let h = 0; h < HOURS; h++) cost[h]! += costOf(c.model, c.inputTokens[h]!, c.outputTokens[h]!);
  const floor = Math.max(1, 0.05 * median(Array.from(cost.subarray(e.start - 168, e.start)).filter((v) => v > 0)));
  const { sigma } = levelScore(cost, e.start, { floor, levelHours: OPTIONS.keyLevelHours, minSigma: OPTIONS.keyMinSigma });
  return Math.abs(Math.log(factor)) / sigma;
}

function namesEvent(a: Anomaly, e: Injection): boolean {
  const mentioned = [a.series.value, ...a.rootCause.filter((c) => c.share >= 0.3).map((c) => c.value)];
  return e.names.some((n) => mentioned.includes(n)) && hourOf(a.startMs) >= e.start && hourOf(a.startMs) <= e.start + e.hours + 1;
}
function firstCause(a: Anomaly): string | undefined {
  if ((a.kind === 'new-model' || a.kind === 'new-spender') && a.series.value) return a.series.value;
  return a.rootCause[0]?.value;
}

skipUnless(hasSharedData(DATA), missingSharedData(DATA))('anomaly detection on ServeGen (real Bailian traffic, 14 days, 313 clients)', () => {
  let clean: Anomaly[];
  let clients: ClientHours[];
  beforeAll(() => {
    clients = loadClients();
    clean = runAll(clients);
  }, 120_000);

  it('finds the real events: the m-mid outages and the m-small zero windows the hourly rollup shows, the m-small spike at 10 minutes', () => {
    // Labelled from the aggregate files: hours with at least half their 10-minute windows at 0 rps.
    const zeroHours = (model: string) => {
      const zero = new Map<number, number>();
      for (const line of readFileSync(sharedDataPath(`servegen/language-${model}-aggregate.csv`), 'utf8').trim().split('\n').slice(1)) {
        const [start, rate] = line.split(',');
        if (Number(rate) === 0) zero.set(Math.floor(Number(start) / 3600), (zero.get(Math.floor(Number(start) / 3600)) ?? 0) + 1);
      }
      // From day 4: the first hour with three days of same-hour baseline and a day of scored residuals.
      return [...zero].filter(([h, n]) => n >= 3 && h >= 96).map(([h]) => h);
    };
    const rows: string[] = [];
    let found = 0;
    let total = 0;
    // A missed hour is told with what the hourly rollup shows of it (the model's spend against its
    // same-hour median) and what the 10-minute aggregate shows (the lowest seasonal z of its windows).
    const hourly = watchedSeries(buildCube(cellsOf(clients), EPOCH_MS, HOURS));
    const invisible: { ratio: number; z: number }[] = [];
    for (const model of ['m-mid', 'm-small']) {
      const tenMinutes = readFileSync(sharedDataPath(`servegen/language-${model}-aggregate.csv`), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[1]));
      const cost = hourly.find((w) => w.series.dimension === 'model' && w.series.value === model)!.arrays.cost;
      for (const hour of zeroHours(model)) {
        const alarm = clean.find((a) => family(a) === 'down' && hourOf(a.startMs) <= hour + 1 && endHour(a) >= hour && (a.series.value === model || a.rootCause.some((c) => c.value === model || c.value.startsWith(`${model}/`))));
        total++;
        if (alarm) found++;
        let note = 'missed';
        if (!alarm) {
          const ratio = cost[hour]! / seasonalExpected(cost, hour);
          const z = Math.min(...[0, 1, 2, 3, 4, 5].map((k) => seasonalScore(tenMinutes, hour * 6 + k, { period: 144, window: 1008, floor: 0.05 * median(tenMinutes) }).z));
          invisible.push({ ratio, z });
          note = `missed: the hour's spend is ${Math.round(ratio * 100)}% of its same-hour median (the other windows of the hour made the traffic up); at 10 minutes its zero windows score z ${z.toFixed(1)}`;
        }
        rows.push(`${model} hour ${hour} (day ${Math.floor(hour / 24)}): ${alarm ? `${alarm.kind} on ${alarm.series.dimension} ${alarm.series.value ?? ''} from hour ${hourOf(alarm.startMs)}` : note}`);
      }
    }
    // The 10-minute spikes: the same seasonal score over the 10-minute aggregate (period 144 windows).
    const spikes: string[] = [];
    for (const [model, window] of [['m-small', 1_023_600 / 600], ['m-large', 80_400 / 600]] as const) {
      const series = readFileSync(sharedDataPath(`servegen/language-${model}-aggregate.csv`), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[1]));
      const { expected, z } = seasonalScore(series, window, { period: 144, window: 1008, floor: 0.05 * median(series) });
      spikes.push(`${model} 10-min window ${window} (day ${Math.floor(window / 144)}): ${series[window]!.toFixed(0)} rps vs expected ${expected.toFixed(0)}, z ${Number.isFinite(z) ? z.toFixed(1) : 'n/a (no history before it)'}`);
      if (model === 'm-small') expect(z).toBeGreaterThan(4);
      else expect(Number.isFinite(z)).toBe(false); // day 0: nothing to compare it with, online
    }
    console.log(`\nReal ServeGen events (${found}/${total} outage hours found):\n  ${rows.join('\n  ')}\n  ${spikes.join('\n  ')}`);
    const mid = rows.filter((r) => r.startsWith('m-mid'));
    expect(mid.filter((r) => !r.includes('missed')).length).toBe(mid.length);
    // The m-small ones are partial (3 to 5 of 6 windows at zero inside a busy model). Those the
    // hourly check misses do not show in the hour at all (its spend is near its usual level), while
    // the 10-minute series shows each plainly: a limit of hourly rollups, not of the scoring.
    expect(found).toBeGreaterThanOrEqual(mid.length + 5);
    for (const miss of invisible) {
      expect(miss.ratio).toBeGreaterThan(0.6);
      expect(miss.z).toBeLessThan(-4);
    }
  });

  /**
   * Injects 80 events (10 of each kind) with one seed, runs every hour's check and scores the new
   * alarms (those the un-injected run does not raise) against them.
   */
  function evaluate(seed: number) {
    const injected = clients.map((c) => ({ ...c, requests: c.requests.slice(), inputTokens: c.inputTokens.slice(), outputTokens: c.outputTokens.slice() }));
    const events = inject(injected, seed);
    const raw = runAll(injected);
    const real = preexisting(events);
    const alarms = raw.filter((a) => !clean.some((c) => real(a, c)));
    if (process.env.ANOMALY_DEBUG) for (const e of events) console.log(e.kind, e.names[0], e.project, e.start, raw.filter((a) => Math.abs(hourOf(a.startMs) - e.start) <= 3).map((a) => `${a.kind} ${a.series.dimension}=${a.series.value} @${hourOf(a.startMs)} z${a.score} ${a.rootCause[0]?.value}${alarms.includes(a) ? '' : ' (clean)'}`).join(' | '));
    const table: string[] = [];
    const perKind = new Map<string, { n: number; found: number; right: number; delays: number[] }>();
    const delays: number[] = [];
    for (const e of events) {
      const matches = alarms.filter((a) => namesEvent(a, e)).sort((a, b) => a.startMs - b.startMs);
      const first = matches[0];
      const right = matches.some((a) => firstCause(a) === e.cause.value);
      const stats = perKind.get(e.kind) ?? { n: 0, found: 0, right: 0, delays: [] };
      stats.n++;
      if (first) {
        stats.found++;
        const delay = hourOf(first.startMs) - e.start + 1; // hours from the event's start to the close of the hour it was flagged in
        stats.delays.push(delay);
        delays.push(delay);
        if (right) stats.right++;
      }
      perKind.set(e.kind, stats);
    }
    const matched = alarms.filter((a) => events.some((e) => namesEvent(a, e)));
    const precision = matched.length / Math.max(alarms.length, 1);
    const found = events.filter((e) => alarms.some((a) => namesEvent(a, e))).length;
    const recall = found / events.length;
    const rightFirst = [...perKind.values()].reduce((s, k) => s + k.right, 0) / Math.max(found, 1);
    table.push('kind              events  found  cause first  median delay (h)');
    for (const [kind, s] of perKind) table.push(`${kind.padEnd(18)}${String(s.n).padStart(6)}${String(s.found).padStart(7)}${String(s.right).padStart(13)}${String(median(s.delays)).padStart(18)}`);
    table.push(`all: ${events.length} events, recall ${recall.toFixed(3)}, precision ${precision.toFixed(3)} (${matched.length}/${alarms.length} new alarms), right cause first ${rightFirst.toFixed(3)}, median delay ${median(delays)} h`);
    // Spikes, drops, outages and shifts found, by how far the injected factor stands out of the client's own swings.
    const buckets = [
      { label: 'under 2 sigma', below: 2, n: 0, found: 0 },
      { label: '2-4 sigma', below: 4, n: 0, found: 0 },
      { label: '4 sigma or more', below: Number.POSITIVE_INFINITY, n: 0, found: 0 },
    ];
    for (const e of events) {
      const size = sizeOverNoise(injected, e);
      if (size === undefined || !Number.isFinite(size)) continue;
      const bucket = buckets.find((b) => size < b.below)!;
      bucket.n++;
      if (alarms.some((a) => namesEvent(a, e))) bucket.found++;
    }
    table.push(`spikes, drops, outages, shifts found by injected log factor / client's own sigma: ${buckets.map((b) => `${b.label} ${b.found}/${b.n}`).join(', ')}`);
    const missed = events.filter((e) => !alarms.some((a) => namesEvent(a, e)));
    const sized = (e: Injection) => {
      const size = sizeOverNoise(injected, e);
      return size === undefined ? '' : ` (${size.toFixed(1)} sigma)`;
    };
    if (missed.length) table.push(`missed: ${missed.map((e) => `${e.kind} ${e.names[0]} in ${e.project} @${e.start}${sized(e)}`).join('; ')}`);
    const unexplained = alarms.filter((a) => !matched.includes(a));
    if (unexplained.length) table.push(`alarms matching no injection: ${unexplained.map((a) => `${a.kind} ${a.series.dimension}=${a.series.value} @${hourOf(a.startMs)}`).join('; ')}`);
    return { events, perKind, precision, recall, rightFirst, delays, table, buckets };
  }

  it(`80 injected anomalies (10 of each kind) in real clients, tuned on seed ${TUNE_SEED} and reported on seed ${REPORT_SEED}: precision, recall per kind, root cause ranked first, detection delay`, () => {
    const tune = evaluate(TUNE_SEED);
    const report = evaluate(REPORT_SEED);
    console.log(`\nInjected anomalies, tuning seed ${TUNE_SEED} (thresholds in options.ts were set looking at this one):\n  ${tune.table.join('\n  ')}`);
    console.log(`\nInjected anomalies, report seed ${REPORT_SEED} (other events, other clients, other hours; not looked at while tuning):\n  ${report.table.join('\n  ')}`);
    const { events, perKind, precision, recall, rightFirst, delays } = report;
    expect(events.length).toBeGreaterThanOrEqual(50);
    // What holds on the report seed: precision and root cause meet the issue's 0.9, and so does
    // recall for the mix kinds (new model, new spender, cost per request, pricier model: all found)
    // and for client outages (each key above the volume floor is judged on its own, against its
    // same-hour median carried to its recent level; a key that never went an hour silent stopping
    // outright is an outage however widely it swings). A client's 10x spike, 3x shift or 0.2x drop
    // is found when it stands out of that client's own swings, of the hour before (a step), or of a
    // peer key it tracked all week (ServeGen has mirrored clients): 60% of spikes and shifts, 30% of
    // drops here, since ServeGen's big clients swing 10x within a day. Overall recall stays below
    // the 0.9 target: 0.800 here (0.775 before the stop, step and peer rules); over seeds 1-13 it
    // went from a mean of 0.816 to 0.867 (seeds 6-12, never tuned on: 0.805 to 0.856; the
    // thresholds of those rules were chosen on seeds 13 and 1-5), precision 0.949 to 0.940. The
    // misses are mostly moves within 4 sigma of the client's own spread (the found-by-size line:
    // over seeds 1-13, 89% of the moves above 4 sigma are found, 51% of those at 2-4 sigma, 34%
    // under 2), and moves landing on a client whose real traffic in that hour is already far off
    // its usual (paused, or in a burst the clean run reports). A key back at its level after a
    // spike or shift is no longer a drop (the level carried from the spike hours made it one: m-mid/c73,
    // the target of most p1 events, raised one after nearly each): precision here 0.913 to 0.930,
    // seeds 13 and 1-5 from a min of 0.912 to 0.934, seeds 6-12 a mean of 0.947 to 0.951 (min
    // 0.928 to 0.929); recall 0.800 here unchanged, seeds 1-5 and 6-12 lose the events only such a
    // wrong-way drop at their end had "found" (mean 0.875 to 0.870 and 0.855 to 0.846).
    expect(precision).toBeGreaterThanOrEqual(0.92);
    expect(rightFirst).toBeGreaterThanOrEqual(0.98);
    expect(median(delays)).toBeLessThanOrEqual(1);
    const share = (kinds: string[]) => {
      const stats = kinds.map((k) => perKind.get(k)!);
      return stats.reduce((s, k) => s + k.found, 0) / stats.reduce((s, k) => s + k.n, 0);
    };
    expect(share(['new-model', 'new-spender', 'cost-per-request', 'pricier-model'])).toBeGreaterThanOrEqual(0.95);
    expect(share(['outage'])).toBeGreaterThanOrEqual(0.85);
    expect(share(['spike', 'level-shift'])).toBeGreaterThanOrEqual(0.55);
    expect(share(['drop'])).toBeGreaterThanOrEqual(0.3);
    expect(recall).toBeGreaterThanOrEqual(0.79);
  }, 240_000);

  /**
   * How far seed 29's numbers stand from what other draws give: the same evaluation on seeds never
   * tuned on (ANOMALY_EXTRA_SEEDS=1,2,...; about 15 s a seed, so not in the default run). Recall
   * swings by several points from one draw of 80 events to the next (which clients, how noisy).
   */
  it.runIf(Boolean(process.env.ANOMALY_EXTRA_SEEDS))('the same evaluation on further seeds (ANOMALY_EXTRA_SEEDS): the spread between draws', () => {
    const seeds = process.env.ANOMALY_EXTRA_SEEDS!.split(',').map(Number).filter((seed) => seed !== TUNE_SEED);
    const results = seeds.map((seed) => ({ seed, ...evaluate(seed) }));
    const found = (r: (typeof results)[number], kind: string) => `${kind} ${r.perKind.get(kind)!.found}/${r.perKind.get(kind)!.n}`;
    const lines = results.map((r) => `seed ${r.seed}: recall ${r.recall.toFixed(3)}, precision ${r.precision.toFixed(3)}, cause first ${r.rightFirst.toFixed(3)}; ${['spike', 'drop', 'outage', 'level-shift'].map((k) => found(r, k)).join(', ')}; ${r.table.find((l) => l.startsWith('spikes, drops'))!.split(': ')[1]}`);
    const recalls = results.map((r) => r.recall);
    const mean = recalls.reduce((a, b) => a + b, 0) / recalls.length;
    console.log(`\nFurther seeds (not tuned on):\n  ${lines.join('\n  ')}\n  recall mean ${mean.toFixed(3)}, min ${Math.min(...recalls).toFixed(3)}, max ${Math.max(...recalls).toFixed(3)}; precision min ${Math.min(...results.map((r) => r.precision)).toFixed(3)}`);
    for (const r of results) {
      expect(r.precision, `seed ${r.seed}`).toBeGreaterThanOrEqual(0.92);
      expect(r.rightFirst, `seed ${r.seed}`).toBeGreaterThanOrEqual(0.9);
    }
  }, 900_000);

  it('reports the false-alarm rate on the un-injected second week (alarms per 1,000 judged series-hours)', () => {
    const week = clean.filter((a) => hourOf(a.startMs) >= 168);
    const byKind = new Map<string, number>();
    for (const a of week) byKind.set(`${a.kind} on ${a.series.dimension}`, (byKind.get(`${a.kind} on ${a.series.dimension}`) ?? 0) + 1);
    const cube = buildCube(cellsOf(clients), EPOCH_MS, HOURS);
    const watched = watchedSeries(cube);
    let seriesHours = 0;
    for (let t = 168; t < HOURS; t++) seriesHours += judgedSeries(watched, t, OPTIONS);
    const rate = (list: readonly Anomaly[]) => ((1000 * list.length) / seriesHours).toFixed(2);
    const moves = week.filter((a) => family(a) === 'up' || family(a) === 'down');
    const stops = week.filter((a) => a.kind === 'outage');
    const aggregate = week.filter((a) => a.series.dimension === 'total' || a.series.dimension === 'model');
    console.log(
      `\nUn-injected week 2: ${week.length} alarms over ${seriesHours} judged series-hours (${watched.length} watched series; keys judged while above the volume floor): ${rate(week)} per 1,000 series-hours;` +
        ` spikes, drops, outages and level shifts ${rate(moves)} (of which outages, a client or model stopping outright, ${rate(stops)}).\n  By kind: ${[...byKind].map(([k, n]) => `${k} ${n}`).join(', ')}.` +
        `\n  On the total and per-model series: ${aggregate.length} (${aggregate.map((a) => `${a.kind} ${a.series.value ?? 'total'} @${hourOf(a.startMs)}`).join(', ')})`,
    );
    // Every total/model alarm of the clean week is a labelled real event or a visible burst (at least 1.6x or half the expected).
    for (const a of aggregate) expect(a.observed >= 1.6 * a.expected || a.observed <= 0.5 * a.expected, JSON.stringify(a)).toBe(true);
    // GUARD: the level of the clean week's alarm rate reached (see the report).
    expect((1000 * week.length) / seriesHours).toBeLessThan(FALSE_ALARM_GUARD);
  });
});
