import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { backtest } from '../../src/analytics/forecast/backtest.ts';
import { chooseModel } from '../../src/analytics/forecast/choose-model.ts';
import { cleanHistory } from '../../src/analytics/forecast/clean-history.ts';
import { forecastSeries, type SeriesForecastOptions } from '../../src/analytics/forecast/forecast-series.ts';
import { seasonalProfile } from '../../src/analytics/forecast/seasonal-profile.ts';
import { selectMethod } from '../../src/analytics/forecast/select-method.ts';
import { loadBundledCatalogue } from '../../src/pricing/bundled-catalogue.ts';
import { createPriceBook } from '../../src/pricing/genai-price-book.ts';
import { hasSharedData, missingSharedData, sharedDataPath } from '../support/shared-data.ts';
import { skipUnless } from '../support/skip-unless.ts';

/**
 * Issue #13, "What it must show 1": forecast accuracy on ServeGen's real 14-day production series.
 * Hourly spend per model is built from the aggregate 10-minute series (requests/s and estimated
 * tokens/s × 600 s), priced with the bundled catalogue as stand-in models; the forecaster sees
 * days 0-10 only (264 hours) and forecasts days 11-13 (72 hours) in one go. Beside it, the
 * seasonal-naive forecasts made from the same origin (day 10 repeated; days 4-6 for last week),
 * and the rolling "same hour yesterday" of data.md (which already knows days 11 and 12, so it is
 * a stronger baseline than any forecast made at the origin can use).
 */
const priceBook = createPriceBook({ catalogue: loadBundledCatalogue(), localNodes: undefined, providerKinds: { openai: 'openai' } });
const STAND_INS = { 'm-large': 'gpt-4o', 'm-mid': 'gpt-4.1-mini', 'm-small': 'gpt-4o-mini' } as const;
const TRAIN_HOURS = 264;
const HORIZON = 72;

interface Series {
  spend: Float64Array;
  requests: Float64Array;
}

function load(model: keyof typeof STAND_INS): Series {
  const rates = priceBook.rates({ model: STAND_INS[model], providerId: 'openai', priceProviderId: 'openai', timeMs: Date.UTC(2026, 10, 1) });
  if (!rates) throw new Error(`no price for ${STAND_INS[model]}`);
  const spend = new Float64Array(336);
  const requests = new Float64Array(336);
  const lines = readFileSync(sharedDataPath(`servegen/language-${model}-aggregate.csv`), 'utf8').trim().split('\n');
  const header = lines[0]!.split(',');
  const col = (name: string) => header.indexOf(name);
  for (const line of lines.slice(1)) {
    const cells = line.split(',').map(Number);
    const hour = Math.floor(cells[col('window_start_s')]! / 3600);
    requests[hour]! += cells[col('total_rate_rps')]! * 600;
    // Tokens per window × price per token (nano-USD per million tokens / 1e6).
    spend[hour]! += (cells[col('est_input_tokens_per_s')]! * 600 * rates.inputPerMTokNanoUsd + cells[col('est_output_tokens_per_s')]! * 600 * rates.outputPerMTokNanoUsd) / 1e6;
  }
  return { spend, requests };
}

const wape = (forecast: ArrayLike<number>, actual: ArrayLike<number>) => {
  let error = 0;
  let sum = 0;
  for (let i = 0; i < actual.length; i++) {
    error += Math.abs(forecast[i]! - actual[i]!);
    sum += actual[i]!;
  }
  return (100 * error) / sum;
};
const days = (values: ArrayLike<number>, from: number, count: number) => Array.from({ length: count }, (_, d) => Array.from(values).slice(from + d * 24, from + d * 24 + 24).reduce((a, b) => a + b, 0));

interface Row {
  series: string;
  model: string;
  method: string;
  wape: number;
  cov80: number;
  cov95: number;
  naiveYesterday: number;
  naiveLastWeek: number;
  rollingYesterday: number;
  dailyWape: number;
  dailyYesterday: number;
  dailyLastWeek: number;
  dailyMean7: number;
}

function evaluate(name: string, values: Float64Array, options: SeriesForecastOptions = {}): Row {
  const train = values.subarray(0, TRAIN_HOURS);
  const actual = values.subarray(TRAIN_HOURS, TRAIN_HOURS + HORIZON);
  const forecast = forecastSeries(train, HORIZON, options);
  const mean = forecast.points.map((p) => p.mean);
  let in80 = 0;
  let in95 = 0;
  forecast.points.forEach((p, i) => {
    if (actual[i]! >= p.lo80 && actual[i]! <= p.hi80) in80++;
    if (actual[i]! >= p.lo95 && actual[i]! <= p.hi95) in95++;
  });
  const yesterday = Array.from({ length: HORIZON }, (_, i) => train[TRAIN_HOURS - 24 + (i % 24)]!);
  const lastWeek = Array.from({ length: HORIZON }, (_, i) => train[TRAIN_HOURS - 168 + i]!);
  const rolling = Array.from({ length: HORIZON }, (_, i) => values[TRAIN_HOURS - 24 + i]!);
  const actualDays = days(values, TRAIN_HOURS, 3);
  const lastDay = days(values, TRAIN_HOURS - 24, 1)[0]!;
  const mean7 = days(values, TRAIN_HOURS - 168, 7).reduce((a, b) => a + b, 0) / 7;
  return {
    series: name,
    model: forecast.model,
    method: forecast.method ? `${forecast.method.shape}/${forecast.method.halfLifeHours}h` : '-',
    wape: wape(mean, actual),
    cov80: (100 * in80) / HORIZON,
    cov95: (100 * in95) / HORIZON,
    naiveYesterday: wape(yesterday, actual),
    naiveLastWeek: wape(lastWeek, actual),
    rollingYesterday: wape(rolling, actual),
    dailyWape: wape(days(mean, 0, 3), actualDays),
    dailyYesterday: wape([lastDay, lastDay, lastDay], actualDays),
    dailyLastWeek: wape(days(values, TRAIN_HOURS - 168, 3), actualDays),
    dailyMean7: wape([mean7, mean7, mean7], actualDays),
  };
}

/**
 * The choice of method, made on days 0-10 only (the honest way: days 11-13 are the report): at
 * cuts after days 8, 9 and 10 the forecaster sees the history before the cut and forecasts to the
 * end of day 10, once with the default method and once choosing its method by its own backtest
 * (selectMethod, on the same history it is given). Hourly WAPE per series and cut.
 */
function inTrainingStudy(values: Float64Array): { defaultWape: number[]; selectedWape: number[]; defaultCover80: number; selectedCover80: number } {
  const defaultWape: number[] = [];
  const selectedWape: number[] = [];
  const inside = { default: 0, selected: 0, hours: 0 };
  const covered = (points: readonly { lo80: number; hi80: number }[], actual: ArrayLike<number>) => points.filter((p, i) => actual[i]! >= p.lo80 && actual[i]! <= p.hi80).length;
  for (const cut of [192, 216, 240]) {
    const history = Array.from(values.subarray(0, cut));
    const actual = values.subarray(cut, TRAIN_HOURS);
    const selection = selectMethod(chooseModel(cut, cut), history, cleanHistory(history).values)!;
    const byDefault = forecastSeries(history, TRAIN_HOURS - cut);
    const selected = forecastSeries(history, TRAIN_HOURS - cut, { method: selection.method });
    defaultWape.push(wape(byDefault.points.map((p) => p.mean), actual));
    selectedWape.push(wape(selected.points.map((p) => p.mean), actual));
    inside.default += covered(byDefault.points, actual);
    inside.selected += covered(selected.points, actual);
    inside.hours += actual.length;
  }
  return { defaultWape, selectedWape, defaultCover80: (100 * inside.default) / inside.hours, selectedCover80: (100 * inside.selected) / inside.hours };
}

/** The least hourly WAPE any forecast with the same total every day could reach: its daily errors alone (at the median day). */
function flatLevelBound(values: Float64Array): number {
  const actualDays = days(values, TRAIN_HOURS, 3);
  const median = [...actualDays].sort((a, b) => a - b)[1]!;
  return wape([median, median, median], actualDays);
}

/**
 * A diagnostic, not a forecast (it knows days 11-13): the hourly WAPE of each test day's TRUE total
 * spread over the hours by the daily profile of the last 7 training days. When even this misses
 * the target, the miss is in how the hours moved within the days, not in the level a forecast chose.
 */
function knownTotalsBound(values: Float64Array): number {
  const profile = seasonalProfile(cleanHistory(values.subarray(0, TRAIN_HOURS)).values, 24, HORIZON);
  const actualDays = days(values, TRAIN_HOURS, 3);
  return wape(
    profile.map((factor, i) => (actualDays[Math.floor(i / 24)]! / 24) * factor),
    values.subarray(TRAIN_HOURS, TRAIN_HOURS + HORIZON),
  );
}

const f = (n: number) => n.toFixed(1);
function table(rows: readonly Row[]): string[] {
  return [
    'series                            model  method        WAPE%  cov80  cov95 | naive: yday  lastwk  rolling-yday | daily WAPE%: fcst  yday  lastwk  mean7 (85%-accurate = 15)',
    ...rows.map(
      (r) =>
        `${r.series.padEnd(33)} ${r.model.padEnd(5)}  ${r.method.padEnd(12)} ${f(r.wape).padStart(5)}  ${f(r.cov80).padStart(5)}  ${f(r.cov95).padStart(5)} |       ${f(r.naiveYesterday).padStart(5)}  ${f(r.naiveLastWeek).padStart(6)}  ${f(r.rollingYesterday).padStart(12)} |              ${f(r.dailyWape).padStart(5)} ${f(r.dailyYesterday).padStart(5)}  ${f(r.dailyLastWeek).padStart(6)}  ${f(r.dailyMean7).padStart(5)}`,
    ),
  ];
}
const pooled = (rows: readonly Row[], key: 'cov80' | 'cov95') => rows.reduce((sum, r) => sum + r[key], 0) / rows.length;
const average = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

skipUnless(hasSharedData('servegen'), missingSharedData('servegen'))('forecast accuracy on ServeGen (train days 0-10, forecast days 11-13)', () => {
  const rows: Row[] = [];
  const selectedRows: Row[] = [];
  const backtests: string[] = [];
  const study: Array<{ series: string } & ReturnType<typeof inTrainingStudy>> = [];
  const bounds: Array<{ series: string; bound: number; knownTotals: number; target: number }> = [];
  for (const model of Object.keys(STAND_INS) as (keyof typeof STAND_INS)[]) {
    const series = load(model);
    rows.push(evaluate(`${model} spend (${STAND_INS[model]})`, series.spend));
    rows.push(evaluate(`${model} requests`, series.requests));
    selectedRows.push(evaluate(`${model} spend (${STAND_INS[model]})`, series.spend, { selectMethod: true }));
    selectedRows.push(evaluate(`${model} requests`, series.requests, { selectMethod: true }));
    study.push({ series: `${model} spend`, ...inTrainingStudy(series.spend) }, { series: `${model} requests`, ...inTrainingStudy(series.requests) });
    const spendRow = rows[rows.length - 2]!;
    bounds.push({ series: `${model} spend`, bound: flatLevelBound(series.spend), knownTotals: knownTotalsBound(series.spend), target: 0.7 * Math.min(spendRow.naiveYesterday, spendRow.naiveLastWeek) });
    // What `tollgate forecast --backtest` would show on this ledger: 7 daily origins, 24 hours ahead.
    const result = backtest(series.spend, { horizonHours: 24, origins: 7 })!;
    backtests.push(
      `${model} spend: ${result.origins} origins, WAPE ${result.forecast.wapePercent.toFixed(1)}% vs yesterday ${result.yesterday.wapePercent.toFixed(1)}% / last week ${result.lastWeek?.wapePercent.toFixed(1)}%, ` +
        `coverage 80% ${result.forecast.coverage80Percent?.toFixed(1)}%, 95% ${result.forecast.coverage95Percent?.toFixed(1)}%; daily WAPE ${result.daily?.forecastWapePercent.toFixed(1)}% vs ${result.daily?.yesterdayWapePercent.toFixed(1)}% / ${result.daily?.lastWeekWapePercent?.toFixed(1)}% / ${result.daily?.mean7WapePercent?.toFixed(1)}%`,
    );
  }
  const studyDefault = average(study.flatMap((s) => s.defaultWape));
  const studySelected = average(study.flatMap((s) => s.selectedWape));
  console.log(
    [
      'default method (the model\'s shape on a 48 h level), days 11-13:',
      ...table(rows),
      `  pooled coverage 80% ${f(pooled(rows, 'cov80'))}, 95% ${f(pooled(rows, 'cov95'))}`,
      '',
      'method chosen by the forecaster\'s own backtest on days 0-10 (selectMethod), days 11-13:',
      ...table(selectedRows),
      `  pooled coverage 80% ${f(pooled(selectedRows, 'cov80'))}, 95% ${f(pooled(selectedRows, 'cov95'))}`,
      '',
      'in-training study that chose it (days 0-10 only; cuts after days 8, 9, 10, forecasting to the end of day 10): hourly WAPE default -> selected; 80% coverage default, selected',
      ...study.map((s) => `${s.series.padEnd(18)} ${s.defaultWape.map(f).join(' / ')}  ->  ${s.selectedWape.map(f).join(' / ')};  ${f(s.defaultCover80)}, ${f(s.selectedCover80)}`),
      `mean over the 18 cuts: default ${f(studyDefault)}, selected ${f(studySelected)}; 80% coverage (mean of the series) default ${f(average(study.map((s) => s.defaultCover80)))}, selected ${f(average(study.map((s) => s.selectedCover80)))}`,
      '',
      'bounds on days 11-13 vs the target (0.7 x better naive): least hourly WAPE of any flat-daily-total forecast (its daily errors alone); WAPE of the true daily totals spread by the 7-day training profile',
      ...bounds.map((b) => `${b.series.padEnd(18)} flat ${f(b.bound)}, known totals ${f(b.knownTotals)} vs target ${f(b.target)}`),
      '',
      'rolling-origin backtest (days 7-13, as `tollgate forecast --backtest` runs it):',
      ...backtests,
    ].join('\n'),
  );

  // What holds, asserted; what does not is printed above and reported (see the lead's report):
  // these series are dominated by single clients' bursts, and the issue's target (30% below the
  // better naive on every series) is not reached on m-large (a level drop, then a 3x burst on
  // day 13) nor on m-small/m-mid requests.
  it('uses MSTL on 11 days of history and forecasts finite, non-negative values', () => {
    expect(rows.every((r) => r.model === 'mstl' && Number.isFinite(r.wape))).toBe(true);
  });
  it('80% intervals cover 75-85% of the 432 forecast hours (pooled over the six series); 95% intervals at least 90%', () => {
    const pooled80 = pooled(rows, 'cov80');
    const pooled95 = pooled(rows, 'cov95');
    expect(pooled80).toBeGreaterThanOrEqual(75);
    expect(pooled80).toBeLessThanOrEqual(85);
    expect(pooled95).toBeGreaterThanOrEqual(90);
  });
  it('m-mid spend: WAPE at least 30% below the better seasonal-naive, and the daily totals beat every daily baseline', () => {
    const mid = rows.find((r) => r.series.startsWith('m-mid spend'))!;
    expect(mid.wape).toBeLessThanOrEqual(0.7 * Math.min(mid.naiveYesterday, mid.naiveLastWeek));
    expect(mid.dailyWape).toBeLessThan(Math.min(mid.dailyYesterday, mid.dailyLastWeek, mid.dailyMean7));
  });
  it('m-small: hourly WAPE below both seasonal-naive forecasts for spend and requests; daily request totals beat every daily baseline', () => {
    for (const r of rows.filter((row) => row.series.startsWith('m-small'))) expect(r.wape).toBeLessThan(Math.min(r.naiveYesterday, r.naiveLastWeek));
    const requests = rows.find((r) => r.series === 'm-small requests')!;
    expect(requests.dailyWape).toBeLessThan(Math.min(requests.dailyYesterday, requests.dailyLastWeek, requests.dailyMean7));
  });
  it('the method selection, judged on days 0-10 only, beats the default there (which is why it was kept as an option)', () => {
    expect(studySelected).toBeLessThan(studyDefault);
  });
  it('with the selected method, m-large spend beats both seasonal-naive forecasts hourly and the default method hourly and daily; pooled 80% coverage stays in 75-85%', () => {
    const large = selectedRows.find((r) => r.series.startsWith('m-large spend'))!;
    const largeDefault = rows.find((r) => r.series.startsWith('m-large spend'))!;
    expect(large.wape).toBeLessThan(Math.min(large.naiveYesterday, large.naiveLastWeek));
    expect(large.wape).toBeLessThan(largeDefault.wape);
    expect(large.dailyWape).toBeLessThan(largeDefault.dailyWape);
    expect(pooled(selectedRows, 'cov80')).toBeGreaterThanOrEqual(75);
    expect(pooled(selectedRows, 'cov80')).toBeLessThanOrEqual(85);
  });
  it('m-large spend: no forecast with a flat daily total can reach the 30% target (the day-13 jump alone costs more); m-small spend: not even its true daily totals spread by the 7-day training profile reach it', () => {
    const large = bounds.find((b) => b.series === 'm-large spend')!;
    expect(large.bound).toBeGreaterThan(large.target);
    const small = bounds.find((b) => b.series === 'm-small spend')!;
    expect(small.knownTotals).toBeGreaterThan(small.target);
  });
  it('floors: the default method\'s hourly and daily WAPE on days 11-13 stay at what they reach (regression guard)', () => {
    const ceiling: Record<string, { hourly: number; daily: number }> = {
      'm-large spend': { hourly: 61.5, daily: 60.0 },
      'm-mid spend': { hourly: 23.8, daily: 8.5 },
      'm-small spend': { hourly: 30.0, daily: 8.8 },
      'm-mid requests': { hourly: 32.3, daily: 23.5 },
      'm-small requests': { hourly: 22.0, daily: 5.5 },
    };
    for (const [series, limit] of Object.entries(ceiling)) {
      const row = rows.find((r) => r.series.startsWith(series))!;
      expect(row.wape, series).toBeLessThanOrEqual(limit.hourly);
      expect(row.dailyWape, series).toBeLessThanOrEqual(limit.daily);
    }
    const large = selectedRows.find((r) => r.series.startsWith('m-large spend'))!;
    expect(large.wape).toBeLessThanOrEqual(56.6);
    expect(large.dailyWape).toBeLessThanOrEqual(52.0);
  });
});
