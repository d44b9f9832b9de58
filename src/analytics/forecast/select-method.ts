import type { ModelChoice } from './choose-model.ts';
import { cleanHistory } from './clean-history.ts';
import { DEFAULT_METHOD, fitSeasonal, meanOf, type ForecastMethod, type ForecastShape } from './seasonal-fit.ts';

/** The candidates: each shape with each level half-life (hours), the default first (it wins ties). */
export const SHAPES: readonly ForecastShape[] = ['model', 'mean', 'profile'];
export const HALF_LIVES_HOURS: readonly number[] = [48, 12, 24, 96, 168];

/** Origins 4, 3, 2 and 1 days before the history's end, each forecasting up to 3 days (to the end). */
const ORIGIN_DAYS = [4, 3, 2, 1];
const BACKTEST_HORIZON = 72;
/** An origin needs three days of history before it (two seasons for the model, one more for cleaning). */
const MIN_ORIGIN_HOURS = 72;
/** The least WAPE gain (relative, %) over the default that makes a candidate the choice. */
export const MIN_GAIN_PERCENT = 0;

export interface MethodSelection {
  method: ForecastMethod;
  /** The chosen method's WAPE (%) over the backtest hours, and the default's, for the reason. */
  wapePercent: number;
  defaultWapePercent: number;
  origins: number;
  hours: number;
}

/**
 * Chooses how a seasonal forecast is made (shape and level half-life, see seasonal-fit.ts) by a
 * rolling-origin backtest inside the history itself: at each origin the model is fitted on the
 * history before it (cleaned as a forecast would clean it), every candidate forecasts the hours up
 * to the end, and the candidate with the lowest WAPE against the cleaned history wins (an outage is
 * not a pattern to forecast). One model fit per origin: the candidates differ only in arithmetic
 * on it. These errors do not calibrate the intervals: chosen on them, the winner's errors are the
 * smallest of fifteen and too small (80% intervals scaled on them covered 65% of the later hours
 * of ServeGen's training days; the held-out fit's, 75%). `minGainPercent` keeps the default
 * unless a candidate beats it by that much (0: the lowest WAPE wins; in ServeGen's training days
 * any margin did worse). Returns undefined when no origin has enough history before it. Pure
 * apart from the models.
 */
export function selectMethod(choice: ModelChoice, raw: readonly number[], cleaned: ArrayLike<number>, minGainPercent = MIN_GAIN_PERCENT): MethodSelection | undefined {
  const n = raw.length;
  const candidates = SHAPES.flatMap((shape) => HALF_LIVES_HOURS.map((halfLifeHours) => ({ shape, halfLifeHours })));
  const errors = candidates.map(() => 0);
  let actualSum = 0;
  let hours = 0;
  let origins = 0;
  for (const days of ORIGIN_DAYS) {
    const origin = n - days * 24;
    if (origin < MIN_ORIGIN_HOURS) continue;
    const horizon = Math.min(BACKTEST_HORIZON, n - origin);
    // Seasons the shorter history cannot carry are dropped for this fit.
    const periods = choice.periods.filter((period) => origin >= 2 * period);
    const model: ModelChoice = { ...choice, periods: periods.length > 0 ? periods : [24] };
    const history = cleanHistory(raw.slice(0, origin)).values;
    let fit;
    try {
      fit = fitSeasonal(model, history, horizon);
    } catch {
      continue;
    }
    origins++;
    for (let i = 0; i < horizon; i++) actualSum += cleaned[origin + i]!;
    hours += horizon;
    candidates.forEach((method, c) => {
      const mean = meanOf(fit, method, horizon);
      for (let i = 0; i < horizon; i++) errors[c]! += Math.abs(mean[i]! - cleaned[origin + i]!);
    });
  }
  if (origins === 0 || actualSum <= 0) return undefined;
  const defaultIndex = candidates.findIndex((method) => method.shape === DEFAULT_METHOD.shape && method.halfLifeHours === DEFAULT_METHOD.halfLifeHours);
  let best = defaultIndex;
  for (let c = 0; c < candidates.length; c++) if (errors[c]! < errors[best]!) best = c;
  // A gain smaller than the backtest's own noise is no reason to leave the default.
  if (errors[best]! > errors[defaultIndex]! * (1 - minGainPercent / 100)) best = defaultIndex;
  return { method: candidates[best]!, wapePercent: (100 * errors[best]!) / actualSum, defaultWapePercent: (100 * errors[defaultIndex]!) / actualSum, origins, hours };
}
