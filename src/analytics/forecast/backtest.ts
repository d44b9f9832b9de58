import { forecastSeries } from './forecast-series.ts';

/** Accuracy of one forecaster over the backtest's origins: WAPE (%) and interval coverage (%). */
export interface BacktestScore {
  wapePercent: number;
  coverage80Percent: number | null;
  coverage95Percent: number | null;
}

export interface BacktestResult {
  origins: number;
  horizonHours: number;
  /** The model chosen at the last origin (history length decides it). */
  model: string;
  forecast: BacktestScore;
  /** Seasonal-naive: the same hour of the day before the origin, and of the week before. */
  yesterday: BacktestScore;
  lastWeek: BacktestScore | null;
  /** WAPE of the daily totals against the best of yesterday / same day last week / mean of the last 7 days. */
  daily: { forecastWapePercent: number; yesterdayWapePercent: number; lastWeekWapePercent: number | null; mean7WapePercent: number | null } | null;
}

/**
 * Rolling-origin backtest on a history: at each origin (every `stepHours`, the latest leaving
 * `horizonHours` to check), fit on everything before it, forecast `horizonHours`, and score
 * against what happened; seasonal-naive forecasts from the same origins are scored beside it.
 * Returns null when the history cannot hold one origin with two days of training. Pure apart
 * from the models.
 */
export function backtest(history: ArrayLike<number>, options: { horizonHours?: number; origins?: number; stepHours?: number; selectMethod?: boolean } = {}): BacktestResult | null {
  const y = Array.from(history);
  const first = y.findIndex((value) => value > 0);
  const values = first < 0 ? [] : y.slice(first);
  const horizon = options.horizonHours ?? 24;
  const step = options.stepHours ?? 24;
  const wanted = options.origins ?? 7;
  const origins: number[] = [];
  for (let origin = values.length - horizon; origin >= 48 && origins.length < wanted; origin -= step) origins.unshift(origin);
  if (origins.length === 0) return null;
  const score = () => ({ error: 0, actual: 0, in80: 0, in95: 0, count: 0 });
  const model = score();
  const yesterday = score();
  const lastWeek = score();
  const days = { model: 0, yesterday: 0, lastWeek: 0, mean7: 0, actual: 0, count: 0, weekActual: 0 };
  let chosen = 'none';
  for (const origin of origins) {
    const forecast = forecastSeries(values.slice(0, origin), horizon, { selectMethod: options.selectMethod === true });
    chosen = forecast.model;
    for (let i = 0; i < horizon; i++) {
      const actual = values[origin + i]!;
      const point = forecast.points[i];
      model.error += Math.abs((point?.mean ?? 0) - actual);
      model.actual += actual;
      if (point && actual >= point.lo80 && actual <= point.hi80) model.in80++;
      if (point && actual >= point.lo95 && actual <= point.hi95) model.in95++;
      model.count++;
      yesterday.error += Math.abs(values[origin - 24 + (i % 24)]! - actual);
      yesterday.actual += actual;
      if (origin >= 168 && i < 168) {
        lastWeek.error += Math.abs(values[origin - 168 + i]! - actual);
        lastWeek.actual += actual;
      }
    }
    // Whole days after the origin: the forecast's day sums against the naive day totals.
    for (let day = 0; (day + 1) * 24 <= horizon; day++) {
      const sum = (from: number) => values.slice(from, from + 24).reduce((a, b) => a + b, 0);
      const actual = sum(origin + day * 24);
      const predicted = forecast.points.slice(day * 24, day * 24 + 24).reduce((a, p) => a + p.mean, 0);
      days.model += Math.abs(predicted - actual);
      days.yesterday += Math.abs(sum(origin - 24) - actual);
      days.actual += actual;
      days.count++;
      if (origin >= 168) {
        days.lastWeek += Math.abs(sum(origin - 168 + day * 24) - actual);
        days.mean7 += Math.abs(values.slice(origin - 168, origin).reduce((a, b) => a + b, 0) / 7 - actual);
        days.weekActual += actual;
      }
    }
  }
  const wape = (error: number, actual: number) => (actual > 0 ? (100 * error) / actual : 0);
  return {
    origins: origins.length,
    horizonHours: horizon,
    model: chosen,
    forecast: { wapePercent: wape(model.error, model.actual), coverage80Percent: (100 * model.in80) / model.count, coverage95Percent: (100 * model.in95) / model.count },
    yesterday: { wapePercent: wape(yesterday.error, yesterday.actual), coverage80Percent: null, coverage95Percent: null },
    lastWeek: lastWeek.actual > 0 ? { wapePercent: wape(lastWeek.error, lastWeek.actual), coverage80Percent: null, coverage95Percent: null } : null,
    daily:
      days.count > 0
        ? {
            forecastWapePercent: wape(days.model, days.actual),
            yesterdayWapePercent: wape(days.yesterday, days.actual),
            lastWeekWapePercent: days.weekActual > 0 ? wape(days.lastWeek, days.weekActual) : null,
            mean7WapePercent: days.weekActual > 0 ? wape(days.mean7, days.weekActual) : null,
          }
        : null,
  };
}
