/** The forecasting models, from the richest to the plainest. */
export type ForecastModel = 'mstl' | 'ets' | 'seasonal-naive' | 'mean' | 'none';

export interface ModelChoice {
  model: ForecastModel;
  /** Seasonal periods in hours (MSTL: 24 and, with two weeks or more, 168; ETS and seasonal-naive: 24). */
  periods: number[];
  reason: string;
}

const DAY = 24;
const WEEK = 168;

/**
 * Which model a history can carry, and why. MSTL needs two whole periods of each season it
 * models, so the weekly season joins at two weeks; below a week a daily MSTL is less stable than
 * AutoETS; seasonal-naive needs two days; a plain mean is all six hours can give. Pure.
 */
export function chooseModel(historyHours: number, activeHours: number): ModelChoice {
  if (historyHours < 6 || activeHours < 3) {
    return { model: 'none', periods: [], reason: `only ${historyHours} hour(s) of history with ${activeHours} active: too little to forecast (needs 6 hours with at least 3 active)` };
  }
  if (historyHours < 2 * DAY) {
    return { model: 'mean', periods: [], reason: `${historyHours} hours of history: less than two days, so no daily pattern can be learnt; the forecast is the hourly mean` };
  }
  if (historyHours < 4 * DAY) {
    return { model: 'seasonal-naive', periods: [DAY], reason: `${(historyHours / DAY).toFixed(1)} days of history: each hour repeats the same hour of the recent days (seasonal-naive, daily); MSTL and AutoETS need more` };
  }
  if (historyHours < 7 * DAY) {
    return { model: 'ets', periods: [DAY], reason: `${(historyHours / DAY).toFixed(1)} days of history: AutoETS with daily seasonality; MSTL needs a week, weekly seasonality two` };
  }
  if (historyHours < 2 * WEEK) {
    return { model: 'mstl', periods: [DAY], reason: `${(historyHours / DAY).toFixed(1)} days of history: MSTL with daily seasonality over AutoETS; weekly seasonality needs two weeks` };
  }
  return { model: 'mstl', periods: [DAY, WEEK], reason: `${(historyHours / DAY).toFixed(1)} days of history: MSTL with daily and weekly seasonality over AutoETS` };
}
