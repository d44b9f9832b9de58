/**
 * Re-levels a seasonal model's forecast on a robust recent level. MSTL's trend is an AutoETS fit
 * to the deseasonalised series, and on bursty spend it follows the last few hours: a burst at
 * the end of the history is carried for the whole horizon, and a quiet evening becomes a decline
 * that reaches zero within days (ServeGen's m-large: -2 per hour by day 3). Over 30 to 90 days an
 * undamped trend from hours of data is the largest error there is. So the forecast keeps the
 * model's shape (its seasonal profile, daily and weekly), loses the straight-line drift (a least
 * squares line over the horizon), and sits on the recent level (see recentLevel). `point` must
 * span whole seasons (the caller forecasts whole periods and cuts), so its mean is its level. Pure.
 */
export function anchorLevel(point: readonly number[], history: ArrayLike<number>, halfLifeHours = 48, period = 24): number[] {
  const n = point.length;
  if (n < 2 || history.length < period) return [...point];
  const meanIndex = (n - 1) / 2;
  const meanPoint = point.reduce((sum, value) => sum + value, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (let i = 0; i < n; i++) {
    covariance += (i - meanIndex) * (point[i]! - meanPoint);
    variance += (i - meanIndex) ** 2;
  }
  const slope = covariance / variance;
  const level = recentLevel(history, halfLifeHours, period);
  return point.map((value, i) => value - meanPoint - slope * (i - meanIndex) + level);
}

/**
 * The hourly level of the recent whole seasons (days, or weeks when the weekly season is modelled:
 * a level from the last weekend alone would be low), each weighing half as much as the one after
 * it every `halfLifeHours`. A short half-life follows a level shift within a day; a long one rides
 * out a noisy day. Which suits a history is chosen by backtest (see select-method.ts). Pure.
 */
export function recentLevel(history: ArrayLike<number>, halfLifeHours = 48, period = 24): number {
  const seasons = Math.floor(history.length / period);
  if (seasons < 1) return 0;
  let level = 0;
  let weights = 0;
  for (let d = 0; d < seasons; d++) {
    let sum = 0;
    for (let i = 0; i < period; i++) sum += history[history.length - period * (d + 1) + i]!;
    const weight = 0.5 ** ((d * period) / halfLifeHours);
    // Weights below 1e-6 change nothing a forecast shows: stop there (long histories, short half-lives).
    if (weight < 1e-6) break;
    level += (weight * sum) / period;
    weights += weight;
  }
  return level / weights;
}
