/**
 * Forecast benchmark: `npm run bench:forecast`. A 90-day hourly forecast (2,160 points, 80% and
 * 95% intervals) from 8 weeks of hourly history, timed end to end (cleaning, MSTL with daily and
 * weekly seasons, the calibration fit on a held-out week, re-levelling). The history is ServeGen's
 * real 14-day m-small request series stitched four times (../shared/data), or a synthetic series
 * with the same shape when the data is absent. Prints one JSON line:
 * - totalMs: median of `runs` forecasts of the total series (target: under 1 s);
 * - uncalibratedMs: the same without the calibration fit (what one fit costs);
 * - selectedMs: the same with `selectMethod` (the method chosen by a 4-origin backtest on the history;
 *   target: under 1 s too);
 * - *CpuMs: the same medians in CPU time (process.cpuUsage), which the shared host's load does not inflate;
 * - perDimensionMs: `buildForecast` by project with 10 parts (11 series fitted and reconciled);
 * - perPartMs: perDimensionMs / 11; seasonalNaiveMs: the baseline, for a ratio in the same run;
 * - stallInProcessMs / stallOnWorkerMs: the longest event-loop stall (a 5 ms timer's worst lateness)
 *   while that by-project forecast runs in process, and on the forecast worker (what the gateway
 *   does), with the worker's wall time and the stall of an idle wait as long (stallIdleMs, the noise
 *   floor); the proxied traffic waits at most the stall.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createForecastPool } from '../src/analytics/forecast/forecast-pool.ts';
import { buildForecast, historySeries } from '../src/analytics/forecast/forecast-report.ts';
import { runForecastTask, type ForecastTask } from '../src/analytics/forecast/forecast-task.ts';
import { forecastSeries } from '../src/analytics/forecast/forecast-series.ts';
import { HOUR_MS } from '../src/analytics/forecast/hourly-series.ts';
import type { SpendRow } from '../src/ledger/store.ts';

const HISTORY = 8 * 7 * 24;
const HORIZON = 90 * 24;
const runs = Number(process.env.RUNS ?? 5);
const dataFile = new URL('../../shared/data/servegen/language-m-small-aggregate.csv', import.meta.url);

function history(): { values: number[]; source: string } {
  if (existsSync(dataFile)) {
    const hours = new Array<number>(336).fill(0);
    for (const line of readFileSync(dataFile, 'utf8').trim().split('\n').slice(1)) {
      const [start, rate] = line.split(',').map(Number);
      hours[Math.floor(start! / 3600)]! += rate! * 600;
    }
    return { values: Array.from({ length: HISTORY }, (_, t) => hours[t % 336]!), source: 'servegen m-small requests, 14 days stitched x4' };
  }
  return { values: Array.from({ length: HISTORY }, (_, t) => 1e6 * (1.2 + Math.sin(((t % 24) / 24) * 2 * Math.PI)) * (1 + 0.2 * Math.sin(t * 12.9898))), source: 'synthetic' };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const cpuTimes = new Map<() => unknown, number>();
function time(fn: () => unknown): number {
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    fn();
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
    times.push(performance.now() - start);
  }
  cpuTimes.set(fn, median(cpu));
  return median(times);
}
/** Wall and CPU medians of `fn` (see time). */
function timeBoth(fn: () => unknown): { wallMs: number; cpuMs: number } {
  const wallMs = time(fn);
  return { wallMs, cpuMs: cpuTimes.get(fn)! };
}

const { values, source } = history();
// Warm-up: the WASM modules compile on first use.
const first = forecastSeries(values, HORIZON);
const total = timeBoth(() => forecastSeries(values, HORIZON));
const totalMs = total.wallMs;
const uncalibrated = timeBoth(() => forecastSeries(values, HORIZON, { calibrate: false }));
const uncalibratedMs = uncalibrated.wallMs;
const selected = timeBoth(() => forecastSeries(values, HORIZON, { selectMethod: true }));
const selectedMethod = forecastSeries(values, HORIZON, { selectMethod: true }).method;
const seasonalNaiveMs = time(() => forecastSeries(values, HORIZON, { model: { model: 'seasonal-naive', periods: [24], reason: 'bench' } }));

// Ten projects sharing the traffic in fixed, unequal shares (with a little independent wobble).
const start = Date.parse('2026-09-01T00:00:00Z');
const rows: SpendRow[] = [];
values.forEach((value, t) => {
  for (let p = 0; p < 10; p++) {
    const cost = Math.round(value * (p + 1) * (1 + 0.1 * Math.sin(t * (p + 3))) * 10);
    rows.push({ keys: { hour: new Date(start + t * HOUR_MS).toISOString().slice(0, 13) + ':00Z', project: `p${p}` }, requests: 1, inputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0, costNanoUsd: cost, savedNanoUsd: 0, errors: 0, unpriced: 0, estimated: 0 });
  }
});
const firstHourMs = start + HISTORY * HOUR_MS;
let parts = 0;
const perDimensionMs = time(() => {
  parts = buildForecast({ rows, metric: 'cost', by: 'project', historyFromMs: start, firstHourMs, horizonHours: HORIZON }).parts?.length ?? 0;
});

// The same by-project forecast as a task: in process, then on the worker (started and warmed first).
const task: ForecastTask = { kind: 'report', series: historySeries(rows, 'cost', start, firstHourMs, 'project'), metric: 'cost', historyFromMs: start, firstHourMs, horizonHours: HORIZON, backtest: false };
async function worstStall(work: () => Promise<unknown>): Promise<{ stallMs: number; wallMs: number }> {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - 5);
    last = now;
  }, 5);
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, 20));
  await work();
  const wallMs = performance.now() - started - 20;
  await new Promise((resolve) => setTimeout(resolve, 20));
  clearInterval(timer);
  return { stallMs: worst, wallMs };
}
const inProcess = await worstStall(async () => runForecastTask(task));
const pool = createForecastPool();
await pool.run({ kind: 'series', history: Float64Array.from(values.slice(0, 48)), horizonHours: 1 });
const onWorker = await worstStall(() => pool.run(task));
await pool.close();
// The noise floor: the same wait with nothing running (the machine's other load shows here too).
const idle = await worstStall(() => new Promise((resolve) => setTimeout(resolve, onWorker.wallMs)));

const round = (value: number) => Math.round(value * 10) / 10;
console.log(
  JSON.stringify({
    bench: 'forecast',
    source,
    historyHours: HISTORY,
    horizonHours: HORIZON,
    model: first.model,
    runs,
    totalMs: round(totalMs),
    totalCpuMs: round(total.cpuMs),
    underOneSecond: totalMs < 1000,
    uncalibratedMs: round(uncalibratedMs),
    uncalibratedCpuMs: round(uncalibrated.cpuMs),
    selectedMs: round(selected.wallMs),
    selectedCpuMs: round(selected.cpuMs),
    selectedUnderOneSecond: selected.wallMs < 1000,
    selectedMethod: selectedMethod ? `${selectedMethod.shape}/${selectedMethod.halfLifeHours}h` : null,
    seasonalNaiveMs: round(seasonalNaiveMs),
    mstlVsSeasonalNaive: round(totalMs / Math.max(seasonalNaiveMs, 0.01)),
    perDimensionMs: round(perDimensionMs),
    parts,
    perPartMs: round(perDimensionMs / (parts + 1)),
    stallInProcessMs: round(inProcess.stallMs),
    stallOnWorkerMs: round(onWorker.stallMs),
    stallIdleMs: round(idle.stallMs),
    workerWallMs: round(onWorker.wallMs),
    node: process.version,
  }),
);
